"""Every invalid input raises ValueError naming the parameter, before any work starts."""

import numpy as np
import pytest

from ncgain import kinetics
from ncgain import models

S = models.presets.TYPE_II_CDS_ZNSE


@pytest.mark.parametrize("kwargs, fragment", [
    ({"mean_excitons": [-0.1]}, "mean_excitons = -0.1 is outside the allowed range [0, inf)"),
    ({"mean_excitons": [float("nan")]}, "mean_excitons = nan is not allowed"),
    ({"mean_excitons": []}, "mean_excitons must be a non-empty"),
    ({"mean_excitons": [[1.0, 2.0]]}, "mean_excitons must be a non-empty 1-D"),
    ({"mean_excitons": ["a"]}, "mean_excitons = ['a'] must be a sequence of real numbers"),
    ({"mean_excitons": [60.0]}, "mean_excitons = 60.0 is outside the allowed range [0, 50]"),
    ({"mean_excitons": [1.5], "statistics": "single"},
     "mean_excitons = 1.5 is outside the allowed range [0, 1]"),
    ({"times": [3.0, 0.0]}, "times must be strictly increasing"),
    ({"times": [0.0, 0.0]}, "times must be strictly increasing"),
    ({"times": [-1.0]}, "times = -1.0 ps is outside the allowed range [0, inf)"),
    ({"times": [float("inf")]}, "times = inf is not allowed"),
    ({"energies": [2.1, 2.0]}, "energies must be strictly increasing"),
    ({"energies": [0.5]}, "energies = 0.5 eV is outside the allowed range ["),
    ({"n_nanocrystals": 0}, "n_nanocrystals = 0 is outside the allowed range"),
    ({"n_nanocrystals": 1.5}, "n_nanocrystals = 1.5 is outside the allowed range"),
    ({"seed": -1}, "seed = -1 is outside the allowed range"),
    ({"statistics": "bose"}, "statistics = 'bose' is not one of"),
    ({"method": "exact"}, "method = 'exact' is not one of"),
    ({"n_max": 3, "mean_excitons": [3.0]}, "n_max = 3 is too small for mean_excitons up to 3"),
    ({"energy_bins": 0}, "energy_bins = 0 is outside the allowed range"),
    ({"sample": "type-iii"}, "preset = 'type-iii' is unknown"),
    ({"sample": 42}, "sample must be a models.Sample"),
    ({"mean_excitons": None, "fluence": [-1.0]},
     "fluence = -1.0 mJ cm^-2 is outside the allowed range [0, inf)"),
    ({"mean_excitons": None, "fluence": [float("nan")]}, "fluence = nan is not allowed"),
    ({"mean_excitons": None, "fluence": [float("inf")]}, "fluence = inf is not allowed"),
    ({"mean_excitons": None, "fluence": []}, "fluence must be a non-empty"),
    ({"mean_excitons": None, "fluence": [500.0]},
     "fluence up to 500.0 mJ cm^-2 gives <N> up to 249.972 excitons per NC: mean_excitons"),
    ({"mean_excitons": None, "fluence": [4.0], "statistics": "single"},
     "fluence up to 4.0 mJ cm^-2 gives <N> up to"),
    ({"fluence": [2.0]}, "give exactly one of mean_excitons (excitons per NC) and fluence"),
    ({"mean_excitons": None}, "give exactly one of mean_excitons"),
    ({"times": None}, "times is required"),
])
def test_invalid_input(kwargs, fragment, monkeypatch):
    from ncgain.kinetics import _kernels
    # "Before any work starts": the kernel must never be called.
    monkeypatch.setattr(_kernels, "_birth_death_counts",
                        lambda *a, **k: pytest.fail("kernel ran on invalid input"))
    args = {"sample": S, "mean_excitons": [0.5, 1.0], "times": [0.0, 10.0], **kwargs}
    with pytest.raises(ValueError) as info:
        kinetics.simulate_pulsed(args.pop("sample"), args.pop("mean_excitons"),
                                 args.pop("times"), **args)
    assert fragment in str(info.value)


def test_n_max_message_names_the_fix():
    with pytest.raises(ValueError, match=r"use n_max >= \d+ or n_max=None"):
        kinetics.simulate_pulsed(S, [3.0], [0.0], n_max=4)


def test_preset_name_is_accepted():
    ds = kinetics.simulate_pulsed("type-i", [1.0], [0.0], method="master-equation")
    assert ds.attrs["sample_name"] == models.presets.TYPE_I_CDSE.name
    assert np.isfinite(ds.bleach).all()


def test_fluence_is_converted_with_sigma_pump_and_photon_energy():
    # <N> = sigma_pump F / (h nu), by hand from the sample's fields (F in mJ cm^-2).
    F = np.array([0.0, 0.5, 2.0, 6.0])
    by_hand = S.sigma_pump * F * 1e-3 / (S.pump_energy * 1.602176634e-19)
    ds = kinetics.simulate_pulsed(S, times=[0.0, 3.0], fluence=F, method="master-equation")
    np.testing.assert_allclose(ds.mean_excitons, by_hand, rtol=1e-14)
    np.testing.assert_array_equal(ds.pump_fluence, F)            # the user's values, exactly
    assert ds.pump_fluence.attrs["units"] == "mJ cm-2"
    ref = kinetics.simulate_pulsed(S, by_hand, [0.0, 3.0], method="master-equation")
    np.testing.assert_allclose(ds.absorption, ref.absorption, rtol=0, atol=1e-12)
    np.testing.assert_allclose(kinetics.pump_fluence(by_hand, S), F, rtol=1e-14, atol=1e-15)


def test_fluence_of_a_size_dispersed_sample_uses_the_mean_cross_section():
    import dataclasses
    small = dataclasses.replace(S, sigma_pump=1e-16)
    large = dataclasses.replace(S, sigma_pump=4e-16)
    mix = dataclasses.replace(S, components=((0.25, small), (0.75, large)))
    sigma = 0.25 * 1e-16 + 0.75 * 4e-16
    expected = sigma * 2.0e-3 / (S.pump_energy * 1.602176634e-19)
    assert float(kinetics.mean_excitons_from_fluence(2.0, mix)) == pytest.approx(expected,
                                                                                 rel=1e-14)
