"""Tests of studies.coreshell_figures: quick run, netCDF round trip, figure, report."""

import numpy as np
import pytest
import xarray as xr

from ncgain.studies import coreshell_figures as cf
from ncgain.studies import _report
from tests.studies.conftest import quick_run


@pytest.fixture(scope="module")
def ds():
    return quick_run("coreshell_figures")[0]   # run once per session (conftest.py)


def test_quick_run_schema(ds):
    assert ds.sizes["map_core_radius"] == 15 and ds.sizes["map_shell_width"] == 15
    for name in list(ds.data_vars) + list(ds.coords):
        assert "units" in ds[name].attrs and "long_name" in ds[name].attrs, name
    # densities normalized: 4 pi r^2 rho integrates to 1 on the common grid (0.01 nm,
    # trapezoid: error ~1e-4)
    norm = np.trapezoid(ds["radial_probability"].values, ds["radius"].values, axis=-1)
    np.testing.assert_allclose(norm, 1.0, atol=2e-3)
    assert set(np.unique(ds["nc_type"].values)) <= {0, 1, 2}
    assert np.all((ds["overlap"].values >= 0) & (ds["overlap"].values <= 1))
    # Fig. 2a: identical electron and hole densities in a bare core
    np.testing.assert_allclose(ds["density"].values[0, 0], ds["density"].values[0, 1],
                               atol=1e-12)


def test_netcdf_round_trip(ds, tmp_path):
    path = tmp_path / "coreshell.nc"
    ds.to_netcdf(path)
    with xr.open_dataset(path) as back:
        back.load()
    xr.testing.assert_allclose(back, ds)
    assert back["nc_type"].attrs["flag_meanings"] == "type_I quasi_type_II type_II"


def test_plot(ds, tmp_path):
    fig = cf.plot(ds)
    assert len(fig.axes) >= 6
    fig.savefig(tmp_path / "fig.png", dpi=50)
    assert (tmp_path / "fig.png").stat().st_size > 1000


def test_report_rows(ds):
    rows = _report.study_rows(cf, ds)
    assert len(rows) == 5
    for row in rows:
        assert set(row) == {"quantity", "paper", "ncgain", "agreement"}
        assert row["agreement"].startswith(("yes", "no"))
    text = " ".join(r["quantity"] + r["ncgain"] for r in rows)
    assert "Delta_XX" in text and "Theta_eh" in text and "ZnTe/CdSe" in text
    # the E_X row must say honestly that the model misses the measurement
    ex_row = next(r for r in rows if r["quantity"].startswith("E_X"))
    assert ex_row["agreement"].startswith("no")


def test_type_map_parallel_equals_serial():
    radii, widths = np.array([0.8, 1.6]), np.array([0.0, 0.5, 2.0])
    serial = cf.type_map("CdS", "ZnSe", radii, widths, workers=1)
    parallel = cf.type_map("CdS", "ZnSe", radii, widths, workers=2)
    for key in serial:
        np.testing.assert_array_equal(serial[key], parallel[key])
