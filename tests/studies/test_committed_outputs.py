"""The committed full-run datasets (docs/validation/*.nc) keep the output conventions.

The quick run that test_reproduce.py checks holds fewer NaNs than the full run (e.g. the
band-edge sweep's variants without gain), so the committed full outputs are checked too,
with the same rules as ``scripts/check_datasets.py``: long names <= 40 characters and
distinct within a dataset, every NaN declared by a ``nan_meaning`` "does not exist: ...",
no "NaN:" sentence in a description. Regenerate with ``ncgain reproduce --out
docs/validation --report docs/validation.md`` when a study changes.
"""
import importlib.util
from pathlib import Path

import pytest
import xarray as xr

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted((ROOT / "docs" / "validation").glob("*.nc"))


def _checker():
    spec = importlib.util.spec_from_file_location("check_datasets",
                                                  ROOT / "scripts" / "check_datasets.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_study_has_a_committed_dataset():
    from ncgain.studies import reproduce
    names = {p.stem for p in FILES}
    assert names == set(reproduce.STUDIES), names


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_committed_dataset_keeps_the_conventions(path):
    with xr.open_dataset(path) as ds:
        assert _checker().problems(ds) == []
