"""Tests of studies.fig5a_gain_lifetime: quick run, schema, netCDF, figure, report, physics."""

import json

import numpy as np
import pytest
import xarray as xr
from matplotlib.figure import Figure

from ncgain import models
from ncgain.studies import fig5a_gain_lifetime as fig5a
from ncgain.studies import _report
from tests.studies.conftest import quick_run

T1, T2 = models.presets.TYPE_I_CDSE, models.presets.TYPE_II_CDS_ZNSE


def biexciton_lifetime(s):
    return 1.0 / (s.radiative_rate(2) + s.auger_rate(2))


@pytest.fixture(scope="module")
def ds():
    return quick_run("fig5a_gain_lifetime")[0]   # run once per session (conftest.py)


def val(ds, var, curve):
    return float(ds[var].sel(curve=curve))


def test_schema_and_attrs(ds):
    assert list(ds.curve.values) == list(fig5a.CURVES)
    for name in list(ds.data_vars) + list(ds.coords):
        assert ds[name].attrs.get("units") is not None, name
        assert ds[name].attrs.get("long_name"), name
    for key, value in ds.attrs.items():
        assert isinstance(value, (str, int, float)), key
    assert ds.attrs["method"] == "monte-carlo" and ds.attrs["seed"] == fig5a.SEED
    assert ds.time.values[0] == 0.0 and ds.time.values[-1] == pytest.approx(10000.0)
    assert fig5a.PROBE_TIME in ds.time.values
    film = models.Film.close_packed()
    assert models.Film.from_dict(json.loads(ds.attrs["film"])) == film
    assert ds.attrs["detectable_gain"] == film.loss_fraction()
    assert f"{film.loss:g} cm^-1" in ds.attrs["gain_band_convention"]
    assert f"{film.loss_fraction():.4f} alpha_0(peak)" in ds.attrs["gain_band_convention"]


def test_netcdf_round_trip(ds, tmp_path):
    path = tmp_path / "fig5a.nc"
    ds.to_netcdf(path)
    with xr.open_dataset(path) as back:
        back.load()
    xr.testing.assert_allclose(back, ds)


def test_plot(ds, tmp_path):
    fig = fig5a.plot(ds)
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    fig.savefig(tmp_path / "fig5a.png", dpi=40)


def test_report_rows_and_notes(ds):
    rows = _report.study_rows(fig5a, ds)
    assert len(rows) == 6
    for row in rows:
        assert set(row) == {"quantity", "paper", "ncgain", "agreement"}
    gain_band_row = next(r for r in rows if "model's gain band" in r["quantity"])
    assert gain_band_row["agreement"].startswith("no")
    assert "matched" in _report.study_notes(fig5a, ds)


def test_onset_pumps_show_gain_at_3ps(ds):
    k = int(np.flatnonzero(ds.time.values == fig5a.PROBE_TIME)[0])
    for c in ds.curve.values:
        assert ds.bleach_exact.sel(curve=c).values[k] > 1.0, c
    # the gain bands of the studies' film criterion (modal gain >= the film's loss)
    e2 = val(ds, "probe_energy", "type-II gain band")
    assert abs(e2 - (T2.exciton_energy + T2.delta_xx)) < 0.02   # the XX band
    assert val(ds, "threshold", "type-II gain band") < val(ds, "threshold", "type-II E_X")


def test_type_ii_x_band_decays_with_tau_x(ds):
    # After the biexcitons have decayed the X-band bleach is P_1(t) b_1: exp(-t/tau_x).
    # The 3-ps fit start leaves triexciton feeding in the fast term; 10 % is generous.
    for c in ("type-II E_X", "type-II 2.01 eV"):
        assert abs(val(ds, "gain_decay_time", c) - T2.tau_x) / T2.tau_x < 0.10, c
        assert val(ds, "amp_fast", c) < 0   # the bleach rises while biexcitons decay
        # Monte Carlo (1e6 NCs) vs exact with the same fit
        assert val(ds, "gain_decay_time", c) == pytest.approx(
            val(ds, "gain_decay_time_exact", c), rel=0.02)


def test_type_i_gain_is_short_lived(ds):
    c = "type-I gain band"
    assert val(ds, "gain_lifetime", c) < 100.0
    # biexciton gain: decays with 1/k(2); triexciton feeding can only lengthen the fit
    tau, ref = val(ds, "gain_decay_time", c), biexciton_lifetime(T1)
    assert ref < tau < 1.15 * ref
    assert val(ds, "amp_slow", c) < 1.0   # the single-exciton background is no gain


def test_type_ii_gain_band_is_biexcitonic(ds):
    c = "type-II gain band"
    tau, ref = val(ds, "gain_decay_time", c), biexciton_lifetime(T2)
    assert ref < tau < 1.2 * ref
    assert val(ds, "gain_lifetime", c) < val(ds, "gain_lifetime", "type-II E_X")
    assert val(ds, "gain_lifetime", c) == pytest.approx(val(ds, "gain_lifetime_exact", c),
                                                        rel=0.05)
