import json

import numpy as np
import pytest
import xarray as xr

from ncgain import models
from ncgain.studies import fig5d_bleaching as study
from ncgain.studies import _report
from ncgain.studies._common import DETECTABLE_GAIN
from tests.studies.conftest import quick_run


@pytest.fixture(scope="module")
def ds():
    return quick_run("fig5d_bleaching")[0]   # run once per session (conftest.py)


def test_type_ii_x_band_bleach_is_linear(ds):
    for probe in ("type-II E_X", "type-II paper ASE band"):
        assert float(ds.low_excitation_slope.sel(probe=probe)) == pytest.approx(1.0, abs=0.1)


def test_type_ii_first_gain_is_at_the_xx_band(ds):
    t2 = ds.sel(probe="type-II gain band")
    # E_X + Delta_XX = 2.160 eV, within one ensemble half-width.
    assert abs(float(t2.probe_energy) - 2.160) < 0.06
    assert float(t2.linear_coefficient) < 0  # single excitons: induced absorption there


def test_gain_region_reached_above_threshold(ds):
    for probe in ds.probe.values:
        th = float(ds.threshold.sel(probe=probe))
        if np.isfinite(th):
            b = ds.bleach.sel(probe=probe)
            above = b.mean_excitons > th * 1.05
            assert (b.where(above, drop=True) > 1.0).any()


def test_mc_and_exact_agree(ds):
    # 20,000 NCs in quick mode: bleach standard error < ~ 0.05 at these probes
    # except where alpha_0 is small (type-II XX band), compared relatively there.
    for probe in ("type-II E_X", "type-I gain band"):
        d = abs(ds.bleach_mc.sel(probe=probe) - ds.bleach.sel(probe=probe))
        assert float(d.max()) < 0.06


def test_type_i_quadratic_energy_in_red_tail(ds):
    e = float(ds.type_i_quadratic_energy)
    assert 1.85 < e < float(ds.probe_energy.sel(probe="type-I gain band"))


def test_outputs(ds, tmp_path):
    film = models.Film.close_packed()
    assert float(ds.detectable_gain) == DETECTABLE_GAIN == film.loss_fraction()
    assert models.Film.from_dict(json.loads(ds.attrs["film"])) == film
    assert f"{film.loss:g} cm^-1" in _report.study_notes(study, ds)
    for name in list(ds.data_vars) + list(ds.coords):
        assert ds[name].attrs["units"] and ds[name].attrs["long_name"]
    ds.to_netcdf(tmp_path / "f.nc")
    with xr.open_dataset(tmp_path / "f.nc") as back:
        xr.testing.assert_identical(back.load(), ds)
    assert all(set(r) == {"quantity", "paper", "ncgain", "agreement"}
               for r in _report.study_rows(study, ds))
    assert len(study.plot(ds).axes) == 2
