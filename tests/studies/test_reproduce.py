"""`ncgain reproduce --quick`: every file written, and the physics read back from them."""

import numpy as np
import pytest
import xarray as xr

import models
from studies import cli, reproduce


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
