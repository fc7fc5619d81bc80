"""The posterior's workers: a process pool or a dask client give the same chain."""

import numpy as np
import pytest
import xarray as xr

from ncgain import fit as nfit
from ncgain.fit.pool import DaskPool, resolve_workers

from .conftest import TRUTH, small_dataset

VARY = {"delta_xx": (0.05, 0.15), "tau_xx": (60.0, 300.0)}


def _data():
    ds = small_dataset()
    rng = np.random.default_rng(3)
    ds["bleach"] = ds.bleach + 0.01 * rng.standard_normal(ds.bleach.shape)
    ds.bleach.attrs["units"] = "1"
    return ds


def _posterior(workers):
    return nfit.fit(_data(), TRUTH, VARY, posterior=True, nwalkers=6, steps=12, burn=2,
                    seed=7, workers=workers).posterior


def test_same_chain_for_a_process_pool_and_a_dask_client():
    serial = _posterior(1)
    xr.testing.assert_identical(_posterior(2), serial)          # 2 processes
    distributed = pytest.importorskip("distributed")
    with distributed.Client(processes=False, n_workers=1, threads_per_worker=2,
                            dashboard_address=None,
                            scheduler_kwargs={"dashboard_address": ":0"}) as client:
        assert isinstance(resolve_workers(client), DaskPool)
        xr.testing.assert_identical(_posterior(client), serial)


@pytest.mark.parametrize("bad", [0, -2, 1.5, True, "2", None])
def test_bad_workers_raise_before_work(bad):
    with pytest.raises(ValueError, match="workers = "):
        nfit.fit(_data(), TRUTH, VARY, posterior=True, workers=bad)
