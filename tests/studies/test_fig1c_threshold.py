import numpy as np
import pytest
import xarray as xr

from ncgain import models
from ncgain.studies import fig1c_threshold as study
from ncgain.studies import _report
from tests.studies.conftest import quick_run


@pytest.fixture(scope="module")
def ds():
    return quick_run("fig1c_threshold")[0]   # run once per session (conftest.py)


def test_exact_solver_is_the_formula(ds):
    ok = ds.delta_over_gamma > 0
    np.testing.assert_allclose(ds.threshold_single_exact.where(ok, drop=True),
                               ds.threshold_formula.where(ok, drop=True), atol=1e-4)
    # Delta = 0 with p1 <= 1: transparency, never gain.
    assert np.isinf(ds.threshold_single_exact.sel(delta_over_gamma=0.0))


def test_monte_carlo_within_binomial_noise(ds):
    ok = ds.delta_over_gamma > 0
    n = int(ds.n_nanocrystals)
    # The MC threshold solves p1_hat(<N>) = p_th with d<N>/dp1 = 1: binomial SE.
    se = np.sqrt(ds.threshold_formula * (1 - ds.threshold_formula) / n)
    dev = abs(ds.threshold_single_mc - ds.threshold_formula).where(ok, drop=True)
    assert (dev <= 5.7 * se.where(ok, drop=True)).all()


def test_two_population_limit_after_auger(ds):
    # With tau_X -> inf, after 5 tau_XX the threshold is -ln(1 - formula) up to the
    # exp(-5)-sized biexciton remainder.
    ok = np.isfinite(ds.threshold_two_population_limit)
    np.testing.assert_allclose(ds.threshold_poisson_after_auger_stable_x.where(ok, drop=True),
                               ds.threshold_two_population_limit.where(ok, drop=True), rtol=0.03)


def test_poisson_no_interaction_and_preset(ds):
    # At t = 0 the root of (2 + N) exp(-N) = 1; 3 ps of Auger decay (3/130 of the
    # biexcitons) can only remove gain, so the 3-ps threshold lies a little above it.
    early = float(ds.threshold_poisson_early.sel(delta_over_gamma=0.0))
    assert models.poisson_threshold_no_interaction() < early < 1.2
    assert float(ds.threshold_preset_poisson_early) > 1.0 > float(ds.threshold_preset_formula)


def test_outputs(ds, tmp_path):
    for name in list(ds.data_vars) + list(ds.coords):
        assert ds[name].attrs["units"] and ds[name].attrs["long_name"]
    ds.to_netcdf(tmp_path / "f.nc")
    with xr.open_dataset(tmp_path / "f.nc") as back:
        xr.testing.assert_identical(back.load(), ds)
    rows = _report.study_rows(study, ds)
    assert rows and all(set(r) == {"quantity", "paper", "ncgain", "agreement"} for r in rows)
    assert study.plot(ds).axes
