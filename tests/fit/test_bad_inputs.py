"""Bad data and bad requests give a ValueError naming the problem, before any work."""

import numpy as np
import pytest
import xarray as xr

from ncgain import fit as nfit
from ncgain import kinetics

from .conftest import TRUTH, small_dataset


@pytest.fixture
def forbid_simulation(monkeypatch):
    """Fail the test if the forward model runs: the checks come before any work."""
    small_dataset()                        # simulated (and cached) before the guard
    def refuse(*args, **kwargs):
        raise AssertionError("simulate_pulsed ran before the input was checked")
    monkeypatch.setattr(kinetics, "simulate_pulsed", refuse)


def _with(ds, name, values):
    ds = ds.copy(deep=True)
    ds[name].values[...] = values
    return ds


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_values_refused(forbid_simulation, bad):
    ds = small_dataset()
    ds.bleach.values[0, 1, 2] = bad
    with pytest.raises(ValueError, match="variable 'bleach' holds 1 non-finite"):
        nfit.fit(ds, TRUTH, {"delta_xx": (0.05, 0.15)})


@pytest.mark.parametrize("bad", [0.0, -0.01, np.nan])
def test_sigma_not_positive_or_not_finite_refused(forbid_simulation, bad):
    ds = small_dataset()
    ds.bleach_sigma.values[1, 0, 3] = bad
    with pytest.raises(ValueError, match="bleach_sigma|sigma of bleach"):
        nfit.fit(ds, TRUTH, {"delta_xx": (0.05, 0.15)})


def test_constant_sigma_not_positive_refused(forbid_simulation):
    ds = small_dataset().drop_vars("bleach_sigma")
    with pytest.raises(ValueError, match=r"sigma of bleach = -0.1 is outside the allowed range"):
        nfit.fit(ds, TRUTH, {"delta_xx": (0.05, 0.15)}, sigma=-0.1)


def test_no_uncertainty_refused(forbid_simulation):
    with pytest.raises(ValueError, match="no variable to fit"):
        nfit.fit(small_dataset().drop_vars("bleach_sigma"), TRUTH, {"delta_xx": (0.05, 0.15)})


@pytest.mark.parametrize("where", ["bleach", "bleach_sigma", "energy", "time", "mean_excitons"])
def test_missing_units_refused(forbid_simulation, where):
    ds = small_dataset()
    del ds[where].attrs["units"]
    with pytest.raises(ValueError, match=f"{where}' has no units"):
        nfit.fit(ds, TRUTH, {"delta_xx": (0.05, 0.15)})


def test_unknown_units_refused_and_known_ones_converted():
    ds = small_dataset()
    ds.energy.attrs["units"] = "nm"
    with pytest.raises(ValueError, match="units = 'nm'.*convert wavelengths"):
        nfit.check_data(ds)
    ds = small_dataset()
    ds = ds.assign_coords(energy=("energy", ds.energy.values * 1e3, {"units": "meV"}),
                          time=("time", ds.time.values * 1e3, {"units": "fs"}))
    block = nfit.check_data(ds).blocks[0]
    np.testing.assert_allclose(block.energies, small_dataset().energy.values)
    np.testing.assert_allclose(block.times, [3.0, 300.0])


@pytest.mark.parametrize("vary, message", [
    ({"not_a_field": (0, 1)}, "vary names 'not_a_field': not a Sample field"),
    ({"degeneracy": (1, 4)}, "vary names 'degeneracy': not a real-valued field"),
    ({"trion_auger_time": (100, 1000)}, "unset \\(None\\) on this sample"),
    ({"linewidth": (-0.01, 0.09)}, "the bound -0.01 eV is outside the field's valid range"),
    ({"tau_xx": (60.0, np.inf)}, "must be \\(low, high\\)"),
    ({"delta_xx": (0.15, 0.05)}, "low < high"),
    ({"delta_xx": (0.0, 0.05)}, "start value 0.106 is outside the bounds"),
    ({}, "vary must be a non-empty dict"),
])
def test_bad_vary_refused(forbid_simulation, vary, message):
    with pytest.raises(ValueError, match=message):
        nfit.fit(small_dataset(), TRUTH, vary)


def test_bad_nuisances_refused(forbid_simulation):
    with pytest.raises(ValueError, match="nuisances names 'irf_sigma'"):
        nfit.fit(small_dataset(), TRUTH, {"delta_xx": (0.05, 0.15)},
                 nuisances={"irf_sigma": 0.1})
    with pytest.raises(ValueError, match=r"irf_fwhm.*-0.1 ps is outside the allowed range"):
        nfit.fit(small_dataset(), TRUTH, {"delta_xx": (0.05, 0.15)},
                 nuisances={"irf_fwhm": (-0.1, 0.3)})


def test_fewer_points_than_parameters_refused(forbid_simulation):
    ds = small_dataset().isel(mean_excitons=[0], time=[0], energy=[0, 1])
    with pytest.raises(ValueError, match="2 points .* for 2 varied parameters"):
        nfit.fit(ds, TRUTH, {"delta_xx": (0.05, 0.15), "linewidth": (0.04, 0.09)})


def test_dimension_outside_the_schema_refused(forbid_simulation):
    ds = small_dataset().expand_dims(run=[1, 2])
    with pytest.raises(ValueError, match=r"dimension\(s\) \['run'\] outside ncgain's schema"):
        nfit.fit(ds, TRUTH, {"delta_xx": (0.05, 0.15)})


def test_minimizer_and_forward_model_names_checked(forbid_simulation):
    with pytest.raises(ValueError, match="forward model is chosen with forward="):
        nfit.fit(small_dataset(), TRUTH, {"delta_xx": (0.05, 0.15)}, method="monte-carlo")
    with pytest.raises(ValueError, match="forward = 'exact' is not one of"):
        nfit.fit(small_dataset(), TRUTH, {"delta_xx": (0.05, 0.15)}, forward="exact")


def test_not_a_dataset_refused():
    with pytest.raises(ValueError, match="data must be an xarray.Dataset"):
        nfit.check_data({"bleach": [1.0]})
    with pytest.raises(ValueError, match="needs the pump level"):
        nfit.check_data(xr.Dataset(
            {"bleach": (("time",), [0.1], {"units": "1"})},
            coords={"time": ("time", [1.0], {"units": "ps"}),
                    "energy": ((), 2.0, {"units": "eV"})}), sigma=0.01)
