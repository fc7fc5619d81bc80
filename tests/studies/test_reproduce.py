"""`ncgain reproduce --quick`: every file written, and the physics read back from them."""

import numpy as np
import pytest
import xarray as xr

from ncgain import models
from ncgain.studies import cli, reproduce


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reproduce")
    assert cli.main(["reproduce", "--quick", "--quiet", "--out", str(folder)]) == 0
    return folder


def test_every_file_is_written(out):
    for name in reproduce.STUDIES:
        assert (out / f"{name}.nc").stat().st_size > 0, name
        assert (out / f"{name}.png").stat().st_size > 1000, name
    report = (out / "report.md").read_text()
    assert "| quantity | paper | ncgain | agreement or reason |" in report
    for name in reproduce.STUDIES:
        assert f"]({name}.png)" in report
        module = reproduce.load_study(name)
        assert f"## {module.TITLE}" in report


def test_every_study_dataset_carries_the_same_provenance(out):
    from ncgain.studies._common import PROVENANCE
    for name in reproduce.STUDIES:
        with xr.open_dataset(out / f"{name}.nc") as ds:
            missing = [key for key in PROVENANCE if key not in ds.attrs]
            assert not missing, (name, missing)
            assert ds.attrs["quick"] == 1 and ds.attrs["study"] == name
            assert ds.attrs["Conventions"] == "CF-1.10"
            assert ds.attrs["ncgain_version"] == models.package_version()


def test_every_gain_criterion_is_the_close_packed_film(out):
    import json
    film = models.Film.close_packed()
    users = []
    for name in reproduce.STUDIES:
        with xr.open_dataset(out / f"{name}.nc") as ds:
            if "detectable_gain" in ds.attrs or name == "cw_threshold":
                users.append(name)
                assert models.Film.from_dict(json.loads(ds.attrs["film"])) == film, name
            if "detectable_gain" in ds.attrs:
                assert ds.attrs["detectable_gain"] == film.loss_fraction(), name
    assert {"fig5d_bleaching", "fig5a_gain_lifetime", "linewidth_sensitivity",
            "fig5_bandedge_sweep", "charging", "cw_threshold"} <= set(users)


def test_every_study_dataset_quantifies_with_pint(out):
    import cf_xarray.units as cf_units
    import pint_xarray  # noqa: F401  (registers the .pint accessor)
    for name in reproduce.STUDIES:
        with xr.open_dataset(out / f"{name}.nc") as ds:
            for var in ds.variables:
                assert ds[var].attrs.get("units"), (name, var)
            ds.pint.quantify(unit_registry=cf_units.units)


def test_preset_values_matched_to_figures_are_declared(out):
    report = (out / "report.md").read_text()
    assert "`type-ii` `tau_x` = 1700" in report and "`type-i` `tau_xx` = 30" in report


def test_fig5d_slopes_and_thresholds(out):
    with xr.open_dataset(out / "fig5d_bleaching.nc") as ds:
        assert float(ds.low_excitation_slope.sel(probe="type-II E_X")) == pytest.approx(1, abs=0.1)
        assert 0.8 < float(ds.low_excitation_slope.sel(probe="type-I gain band")) < 2.2
        assert np.isfinite(ds.threshold.sel(probe="type-I gain band"))


def test_fig1c_formula_reproduced(out):
    with xr.open_dataset(out / "fig1c_threshold.nc") as ds:
        ok = ds.delta_over_gamma > 0
        np.testing.assert_allclose(ds.threshold_single_exact.where(ok, drop=True),
                                   ds.threshold_formula.where(ok, drop=True), atol=1e-4)


def test_fig4_slopes_and_xx_decay(out):
    with xr.open_dataset(out / "fig4_xx_repulsion.nc") as ds:
        assert float(ds.slope_x) == pytest.approx(1.0, abs=0.15)
        assert float(ds.slope_xx) == pytest.approx(2.0, abs=0.15)
        assert float(ds.fit_delta_xx) == pytest.approx(0.106, abs=0.005)
        # The model's biexciton lifetime 1/(4/tau_X + 1/tau_XX), not the paper's 130 ps.
        assert float(ds.xx_decay_time) == pytest.approx(float(ds.biexciton_lifetime), rel=0.1)


def test_fig5a_gain_lifetimes(out):
    with xr.open_dataset(out / "fig5a_gain_lifetime.nc") as ds:
        decay = dict(zip(ds.curve.values.tolist(), ds.gain_decay_time.values.tolist()))
        type_i = [v for k, v in decay.items() if k.startswith("type-I ")]
        x_band = [v for k, v in decay.items() if "E_X" in k]
        assert type_i and 20.0 < type_i[0] < 50.0            # paper 30 ps
        tau_x = models.presets.TYPE_II_CDS_ZNSE.tau_x
        assert x_band and x_band[0] == pytest.approx(tau_x, rel=0.1)  # paper 1,700 ps


def test_manifest_written_last_lists_every_file(out):
    manifest = reproduce.read_manifest(out)
    assert manifest["complete"] and manifest["quick"]
    assert manifest["studies"] == list(reproduce.STUDIES)
    expected = {f"{n}.{ext}" for n in reproduce.STUDIES for ext in ("nc", "png")} | {"report.md"}
    assert set(manifest["files"]) == expected
    manifest_time = (out / reproduce.MANIFEST).stat().st_mtime_ns
    for name, entry in manifest["files"].items():
        assert (out / name).stat().st_size == entry["bytes"]
        assert (out / name).stat().st_mtime_ns <= manifest_time
    assert not [p for p in out.iterdir() if p.name.endswith((".tmp", ".lock"))]
