import json

import matplotlib
import numpy as np
import pytest

from ncgain import kinetics, models
from ncgain.studies import cw_threshold as study
from ncgain.studies import _report
from tests.studies.conftest import quick_run

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def ds():
    return quick_run("cw_threshold")[0]   # run once per session (conftest.py)


def test_thresholds_and_estimates_are_consistent(ds):
    for key in ds.preset.values:
        s = models.presets.get(key)
        for crit in ds.criterion.values:
            sel = dict(preset=key, criterion=crit)
            # I = F / tau = <N> h nu / (sigma tau) = G_est h nu / sigma: two routes agree.
            assert float(ds.estimate_threshold_intensity.sel(**sel)) == pytest.approx(
                float(kinetics.pump_intensity(float(ds.estimate_threshold.sel(**sel)), s)[0]),
                rel=1e-9)
            assert float(ds.cw_threshold_intensity.sel(**sel)) == pytest.approx(
                float(kinetics.pump_intensity(float(ds.cw_threshold.sel(**sel)), s)[0]))
        # The criterion is the studies' film; a larger loss needs more pump.
        film = models.Film.close_packed()
        assert list(ds.criterion.values) == ["film"]
        assert models.Film.from_dict(json.loads(ds.attrs["film"])) == film
        assert float(ds.cw_threshold.sel(preset=key, criterion="film")) == pytest.approx(
            float(kinetics.cw_threshold(s, energy="any", film=film)), rel=1e-9)
        assert float(kinetics.cw_threshold(s, energy="any",
                                           film=models.Film.close_packed(loss=100.0))) > \
            float(ds.cw_threshold.sel(preset=key, criterion="film"))


def test_type_ii_single_exciton_limit(ds):
    # G_th tau_X -> 2 for Delta >> Gamma; the preset's finite Delta/Gamma = 1.76 and the
    # film loss raise it a little.
    g = float(ds.cw_threshold.sel(preset="type-ii", criterion="film"))
    assert 2.0 < g * models.presets.TYPE_II_CDS_ZNSE.tau_x < 2.5


def test_gain_by_occupancy(ds):
    film = models.Film.close_packed()
    parts = ds.modal_gain_by_occupancy
    assert np.isfinite(parts).all()
    # At threshold the net modal gain equals the film loss: the parts add up to it.
    assert np.allclose(parts.sum("occupancy"), film.loss, rtol=1e-4)
    assert np.allclose(ds.net_gain_by_occupancy.sum("occupancy"), film.loss_fraction(),
                       rtol=1e-4)
    # Type II: single excitons carry most of the gain (a share between 1/2 and 1).
    t2 = parts.sel(preset="type-ii")
    assert float(t2.sel(occupancy="n <= 1")) > float(t2.sel(occupancy="n >= 2")) >= 0
    occupancy = {r["quantity"].split(":")[0]: r["ncgain"] for r in _report.study_rows(study, ds)
                 if "net modal gain at the c.w. threshold" in r["quantity"]}
    assert "supply" in occupancy[study.LABEL["type-ii"]]
    # Fine structure: the NCs with <= 1 exciton absorb, so no "share" is quoted.
    fs = parts.sel(preset="type-i-fine-structure")
    assert float(fs.sel(occupancy="n <= 1")) < 0 < float(fs.sel(occupancy="n >= 2"))
    assert "n <= 1 NCs absorb" in occupancy[study.LABEL["type-i-fine-structure"]]


def test_lifetime_slopes(ds):
    # Type II: G_th ~ 2/tau_X once the Auger time dominates the biexciton decay (tau_X >= 1
    # ns); at Delta/Gamma = 1.76 biexcitons add a weak dependence on the Auger time.
    long = ds.tau_x >= 1000.0
    from ncgain.studies._common import loglog_slope
    assert loglog_slope(ds.tau_x[long], ds.threshold_vs_tau_x.sel(regime="type-ii")[long]) \
        == pytest.approx(-1, abs=0.02)
    assert abs(study._slope(ds, "threshold_vs_tau_xx", "type-ii", "tau_xx")) < 0.1
    for var, coord in (("threshold_vs_tau_x", "tau_x"), ("threshold_vs_tau_xx", "tau_xx")):
        assert -0.7 < study._slope(ds, var, "no-interaction", coord) < -0.3


def test_report_rows_are_read_from_the_dataset(ds):
    rows = _report.study_rows(study, ds)
    text = " ".join(r["ncgain"] for r in rows)
    for key in ds.preset.values:
        g = float(ds.cw_threshold.sel(preset=key, criterion="film"))
        assert f"{g:.3g} ps^-1" in text
    assert all(set(r) == {"quantity", "paper", "ncgain", "agreement"} for r in rows)
    assert "disagrees" in _report.study_notes(study, ds)


def test_dataset_round_trip_and_plot(ds, tmp_path):
    ds.to_netcdf(tmp_path / "cw.nc")
    for name in ds.data_vars:
        assert "units" in ds[name].attrs and "long_name" in ds[name].attrs, name
        if name not in ("threshold_vs_delta", "threshold_vs_tau_x", "threshold_vs_tau_xx"):
            assert np.isfinite(ds[name]).all(), name
    assert study.plot(ds).axes
