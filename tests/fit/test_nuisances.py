"""The nuisances: the Gaussian instrument response, the time zero and the pump scale."""

import dataclasses

import numpy as np
import xarray as xr

from ncgain import fit as nfit
from ncgain import kinetics

from .conftest import TRUTH

ENERGIES = np.array([2.03, 2.08, 2.16])
DELAYS = np.array([-0.4, -0.15, -0.05, 0.0, 0.05, 0.1, 0.2, 0.35, 0.6, 1.0, 3.0])


def _trace_dataset(values, sigma=0.005):
    ds = xr.Dataset(
        {"bleach": (("mean_excitons", "time", "energy"), values, {"units": "1"}),
         "bleach_sigma": (("mean_excitons", "time", "energy"),
                          np.full(values.shape, sigma), {"units": "1"})},
        coords={"mean_excitons": ("mean_excitons", [0.5, 2.0], {"units": "1"}),
                "time": ("time", DELAYS * 1e3, {"units": "fs"}),
                "energy": ("energy", ENERGIES, {"units": "eV"})})
    return ds


def test_irf_convolution_matches_a_brute_force_integral():
    # the convolution of ForwardModel against a 4,001-point trapezoid sum of the model on
    # a fine grid (0.3 fs spacing), with the unexcited value before the pump; a short
    # biexciton time makes the response change within the IRF
    sample = dataclasses.replace(TRUTH, tau_xx=0.3)
    data = nfit.check_data(_trace_dataset(np.zeros((2, DELAYS.size, 3))))
    fwhm, t0 = 0.12, 0.05
    model = nfit.ForwardModel(data).evaluate_block(
        data.blocks[0], sample, {"irf_fwhm": fwhm, "time_zero": t0})
    sig = fwhm / (2 * np.sqrt(2 * np.log(2)))
    fine = np.linspace(0.0, DELAYS.max() - t0 + 6 * sig, 4001)
    ds = kinetics.simulate_pulsed(sample, [0.5, 2.0], fine, energies=ENERGIES,
                                  method="master-equation")
    response = ds.bleach.values                                     # (P, fine, E)
    for k, t in enumerate(DELAYS - t0):
        g = np.exp(-0.5 * ((t - fine) / sig) ** 2) / (sig * np.sqrt(2 * np.pi))
        brute = np.trapezoid(g[None, :, None] * response, fine, axis=1)   # pre-pump: 0
        np.testing.assert_allclose(model[:, k, :], brute, atol=2e-5, rtol=1e-4)
    # far before the pump nothing is excited; long after, the IRF averages a smooth decay
    assert np.abs(model[:, 0, :]).max() < 1e-12


def test_time_zero_and_irf_recovered():
    sample = dataclasses.replace(TRUTH, tau_xx=0.5)
    data = nfit.check_data(_trace_dataset(np.zeros((2, DELAYS.size, 3))))
    truth = {"irf_fwhm": 0.1, "time_zero": 0.04}
    clean = nfit.ForwardModel(data).evaluate_block(data.blocks[0], sample, truth)
    rng = np.random.default_rng(11)
    ds = _trace_dataset(clean + 0.005 * rng.standard_normal(clean.shape))
    result = nfit.fit(ds, sample, {"delta_xx": (0.08, 0.13)},
                      nuisances={"irf_fwhm": (0.05, 0.3), "time_zero": (-0.2, 0.2)})
    assert not result.undetermined, result.report()
    for name, value in truth.items():
        assert abs(result.values[name] - value) <= 3 * result.stderr[name], (
            name, result.values[name], result.stderr[name])
    assert result.units["irf_fwhm"] == "ps" and result.units["time_zero"] == "ps"


def test_pump_scale_recovered_on_mean_excitons_data():
    ds = kinetics.simulate_pulsed(TRUTH, [0.6, 1.8], [3.0, 300.0],
                                  energies=np.linspace(2.0, 2.2, 6),
                                  method="master-equation")[["bleach"]]
    # the data were taken at <N> 20 % above the nominal values
    nominal = ds.assign_coords(mean_excitons=("mean_excitons", [0.5, 1.5], {"units": "1"}))
    nominal["bleach_sigma"] = nominal.bleach * 0 + 0.01
    nominal.bleach_sigma.attrs["units"] = "1"
    result = nfit.fit(nominal, TRUTH, {"delta_xx": (0.05, 0.15)},
                      nuisances={"pump_scale": (0.5, 2.0)})
    assert abs(result.values["pump_scale"] - 1.2) < 1e-4
    assert result.stderr["pump_scale"] < 0.01


def test_before_the_pump_nothing_is_excited():
    # delays before the pump (no IRF): absorption is the unexcited alpha_0, gain -alpha_0,
    # bleach and PL 0
    values = np.zeros((2, 3, 3))
    ds = xr.Dataset(
        {name: (("mean_excitons", "time", "energy"), values, {"units": units})
         for name, units in (("absorption", "1"), ("gain", "1"), ("bleach", "1"),
                             ("pl", "ps-1 eV-1"))},
        coords={"mean_excitons": ("mean_excitons", [0.5, 2.0], {"units": "1"}),
                "time": ("time", [-1.0, -0.01, 5.0], {"units": "ps"}),
                "energy": ("energy", ENERGIES, {"units": "eV"})})
    data = nfit.check_data(ds, sigma=1.0)
    model = nfit.ForwardModel(data).evaluate(TRUTH, {})
    after = kinetics.simulate_pulsed(TRUTH, [0.5, 2.0], [5.0], energies=ENERGIES,
                                     method="master-equation")
    alpha0 = after.alpha0.values
    expected_before = {"absorption": alpha0, "gain": -alpha0, "bleach": 0 * alpha0,
                       "pl": 0 * alpha0}
    for block, m in zip(data.blocks, model):
        for k in (0, 1):
            np.testing.assert_array_equal(m[:, k, :], np.broadcast_to(
                expected_before[block.name], m[:, k, :].shape))
        np.testing.assert_allclose(m[:, 2, :], after[block.name].values[:, 0, :], rtol=1e-12)
