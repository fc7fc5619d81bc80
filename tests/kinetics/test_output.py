import numpy as np
import pytest
import xarray as xr

from ncgain import kinetics
from ncgain import models


@pytest.fixture(scope="module", params=["monte-carlo", "master-equation"])
def ds(request):
    return kinetics.simulate_pulsed(models.presets.TYPE_II_CDS_ZNSE, [0.1, 0.5, 1.0, 2.0],
                                    [0.0, 3.0, 100.0, 1000.0], n_nanocrystals=20_000, seed=1,
                                    method=request.param)


def test_schema(ds):
    assert ds.population.dims == ("mean_excitons", "time", "excitons")
    for name in ("absorption", "bleach", "pl"):
        assert ds[name].dims == ("mean_excitons", "time", "energy")
    assert ds.mean_excitons_t.dims == ("mean_excitons", "time")
    for name in list(ds.data_vars) + list(ds.coords):
        assert ds[name].attrs.get("units") and ds[name].attrs.get("long_name"), name
        assert np.isfinite(ds[name].values).all(), name
    for key in ("sample", "method", "statistics", "seed", "n_nanocrystals", "ncgain_version"):
        assert key in ds.attrs
    assert kinetics.sample_from_dataset(ds) == models.presets.TYPE_II_CDS_ZNSE


def test_netcdf_round_trip(ds, tmp_path):
    path = tmp_path / "run.nc"
    ds.to_netcdf(path)
    with xr.open_dataset(path) as back:
        xr.testing.assert_identical(back.load(), ds)


def test_pump_fluence_coordinate(ds):
    # <N> = sigma j with j = F / (h nu): <N> = 1 at 2 mJ cm^-2 for the preset.
    assert float(ds.pump_fluence.sel(mean_excitons=1.0)) == pytest.approx(2.0, rel=1e-3)


def test_bleach_definition(ds):
    expected = (ds.alpha0 - ds.absorption) / ds.alpha0
    np.testing.assert_allclose(ds.bleach, expected.transpose(*ds.bleach.dims), rtol=1e-12)


def test_plot_labels_carry_units(ds):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots()
    ds.bleach.sel(time=3.0, mean_excitons=1.0).plot(ax=ax)
    assert ax.get_xlabel() == "photon energy [eV]"
    assert "[1]" in ax.get_ylabel()
    plt.close(fig)
