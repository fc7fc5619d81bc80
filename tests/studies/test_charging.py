"""Charging study: thresholds and gain durations versus resident electrons (quick)."""

import numpy as np
import pytest
import xarray as xr

from ncgain import kinetics, models
from ncgain.studies import charging as study
from ncgain.studies import _report
from tests.studies.conftest import quick_run


@pytest.fixture(scope="module")
def ds():
    return quick_run("charging")[0]   # run once per session (conftest.py)


def test_schema_round_trip_and_report(ds, tmp_path):
    for name in list(ds.data_vars) + list(ds.coords):
        assert ds[name].attrs["units"] and ds[name].attrs["long_name"], name
    ds.to_netcdf(tmp_path / "c.nc")
    with xr.open_dataset(tmp_path / "c.nc") as back:
        xr.testing.assert_identical(back.load(), ds)
    rows = _report.study_rows(study, ds)
    assert len(rows) == 4 and all(set(r) == {"quantity", "paper", "ncgain", "agreement"}
                                  for r in rows)
    assert f"{float(ds.threshold.sel(preset='type-i', charging='uniform 1')):.3g}" \
        in rows[2]["ncgain"]
    assert len(study.plot(ds).axes) == 2


def test_charge_fractions():
    assert study.charge_fractions("uniform", 1.0) == [0.0, 1.0, 0.0]
    f = study.charge_fractions("poisson", 1.0)
    assert sum(f) == pytest.approx(1.0) and f[0] == pytest.approx(np.exp(-1.0))


def test_thresholds_fall_with_charge(ds):
    for p in ds.preset.values:
        th = ds.threshold.sel(preset=p)
        assert float(th.sel(charging="uniform 2")) < float(th.sel(charging="uniform 1")) \
            < float(th.sel(charging="uniform 0"))
    # type I has no higher transition, so r = 2 NCs have no band-edge absorption: gain at
    # E_X for any <N> > 0 (the exact reference 0), and the threshold against the film loss
    # is small.
    assert float(ds.threshold_at_ex.sel(preset="type-i", charging="uniform 2")) < 1e-4


def test_gain_duration_against_direct_simulation(ds):
    """The recorded duration brackets the end of net gain in an independent run."""
    s = models.presets.TYPE_I_CDSE.with_resident_electrons({1: 1.0})
    th = float(ds.threshold.sel(preset="type-i", charging="uniform 1"))
    e = float(ds.gain_energy.sel(preset="type-i", charging="uniform 1"))
    dur = float(ds.gain_duration.sel(preset="type-i", charging="uniform 1"))
    times = study.LIFETIME_TIMES
    k = int(np.searchsorted(times, dur))
    from ncgain.kinetics import observables
    from ncgain.kinetics.pulsed import PulsedProblem
    pr = PulsedProblem.build(s, times[k:k + 2], energies=[e], max_mean_excitons=1.5 * th,
                             method="master-equation", need_bleach=False)
    alpha, _ = observables.spectra(pr.exact_occupation(np.array([1.5 * th])), pr.kernels)
    assert alpha[0, 0, 0] < -study.DETECTABLE_GAIN <= alpha[0, 1, 0]
