"""Check the attribute conventions of every dataset in a folder (e.g. docs/validation).

The quick run that ``tests/studies/test_reproduce.py`` checks holds fewer NaNs than the
full run (no ``fig5_bandedge_sweep`` variant without gain, for one), so run this on the
full outputs after ``ncgain reproduce``::

    python scripts/check_datasets.py docs/validation

Reports, per file: a ``long_name`` over 40 characters or shared by two variables, a NaN
without a ``nan_meaning`` starting "does not exist: " (docs/reliability.md, "NaN"), and a
"NaN:" sentence in a description (the retired second convention). Exit status 1 on any.
"""
import collections
import sys
from pathlib import Path

import numpy as np
import xarray as xr

from ncgain.kinetics.output import MAX_LONG_NAME


def problems(ds: xr.Dataset) -> list[str]:
    """What breaks the conventions in ``ds`` (empty if nothing)."""
    out, names = [], collections.defaultdict(list)
    for key, var in ds.variables.items():
        long = var.attrs.get("long_name", "")
        names[long].append(key)
        if len(long) > MAX_LONG_NAME:
            out.append(f"{key}: long_name over {MAX_LONG_NAME} characters: {long!r}")
        if "NaN:" in str(var.attrs.get("description", "")):
            out.append(f"{key}: NaN declared in the description, not in nan_meaning")
        declared = str(var.attrs.get("nan_meaning", "")).startswith("does not exist: ")
        if var.dtype.kind in "fc" and np.isnan(var.values).any() and not declared:
            out.append(f"{key}: NaN without nan_meaning 'does not exist: ...'")
    out += [f"long_name {n!r} shared by {', '.join(ks)}" for n, ks in names.items()
            if n and len(ks) > 1]
    return out


def main(folder: str) -> int:
    bad = 0
    for path in sorted(Path(folder).glob("*.nc")):
        with xr.open_dataset(path) as ds:
            found = problems(ds)
        bad += len(found)
        print(f"{path.name}: {'ok' if not found else ''}")
        for line in found:
            print(f"  {line}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "docs/validation"))
