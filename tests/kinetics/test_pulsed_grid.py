"""PulsedGrid: the precomputed master equation is bit-identical to simulate_pulsed."""

import dataclasses

import numpy as np
import pytest
import xarray as xr

from ncgain import kinetics, models

T2 = models.presets.TYPE_II_CDS_ZNSE
T1 = models.presets.TYPE_I_CDSE
FINE = models.presets.TYPE_I_CDSE_FINE_STRUCTURE
MIX = dataclasses.replace(T2, components=((0.3, dataclasses.replace(T2, sigma_pump=T2.sigma_pump * 0.7)),
                                          (0.7, dataclasses.replace(T2, exciton_energy=2.07))))
CHARGED = T2.with_resident_electrons({0: 0.6, 1: 0.4})
QUAD = dataclasses.replace(T1, auger_scaling="quadratic")
E2 = np.linspace(1.98, 2.22, 13)
E1 = np.linspace(1.95, 2.10, 9)


@pytest.mark.parametrize("sample, energies, statistics", [
    (T2, E2, "poisson"), (T1, E1, "poisson"), (FINE, E1, "poisson"), (MIX, E2, "poisson"),
    (CHARGED, E2, "poisson"), (QUAD, E1, "poisson"), (T2, E2, "single"), (T2, None, "poisson"),
])
def test_bit_identical_to_simulate_pulsed(sample, energies, statistics):
    grid = kinetics.PulsedGrid(sample, energies, statistics=statistics)
    # several calls on the one grid, the second needing a larger n_max, then smaller again
    for mean, times in (([0.2, 0.9], [0.0, 3.0, 300.0]), ([0.5, 1.0], [0.5, 2000.0]),
                        ([0.05], [10.0])):
        if statistics == "poisson" and len(mean) == 2 and mean[1] == 1.0:
            mean = [0.5, 4.0]
        ref = kinetics.simulate_pulsed(sample, mean, times, energies=energies,
                                       method="master-equation", statistics=statistics)
        xr.testing.assert_identical(grid.dataset(mean, times), ref)
        out = grid.evaluate(mean, times)
        assert set(out) == set(kinetics.pulsed_grid.GRID_VARIABLES)
        for name, value in out.items():
            assert value.shape == ref[name].shape, name
            assert np.array_equal(value, ref[name].values), name     # bit for bit


def test_fluence_path_matches_mean_excitons():
    # the grid takes <N>; the fluence conversion is the public one
    f = np.array([0.5, 2.0])
    mean = kinetics.mean_excitons_from_fluence(f, T2)
    ref = kinetics.simulate_pulsed(T2, fluence=f, times=[1.0], energies=E2,
                                   method="master-equation")
    out = kinetics.PulsedGrid(T2, E2).evaluate(mean, [1.0], variables=("bleach", "pl"))
    assert np.array_equal(out["bleach"], ref.bleach.values)
    assert np.array_equal(out["pl"], ref.pl.values)


def test_explicit_n_max_checks_the_tail_like_simulate_pulsed():
    grid = kinetics.PulsedGrid(T2, E2, n_max=12)
    ref = kinetics.simulate_pulsed(T2, [0.5], [1.0], energies=E2, method="master-equation",
                                   n_max=12)
    assert np.array_equal(grid.evaluate([0.5], [1.0])["bleach"], ref.bleach.values)
    with pytest.raises(ValueError, match="n_max = 12 is too small"):
        kinetics.simulate_pulsed(T2, [5.0], [1.0], energies=E2, method="master-equation",
                                 n_max=12)
    with pytest.raises(ValueError, match="n_max = 12 is too small"):
        grid.evaluate([5.0], [1.0])


@pytest.mark.parametrize("call, fragment", [
    (lambda g: g.evaluate([-0.1], [1.0]), "mean_excitons = -0.1"),
    (lambda g: g.evaluate([np.nan], [1.0]), "mean_excitons"),
    (lambda g: g.evaluate([0.5], [2.0, 1.0]), "times"),
    (lambda g: g.evaluate([0.5], None), "times is required"),
    (lambda g: g.evaluate([0.5], [1.0], variables=("bleech",)), "'bleech' is not one of"),
    (lambda g: g.evaluate([60.0], [1.0]), "mean_excitons = 60.0"),
])
def test_bad_input_raises_before_work(call, fragment):
    with pytest.raises(ValueError, match=fragment):
        call(kinetics.PulsedGrid(T2, E2))


def test_bad_grid_arguments():
    with pytest.raises(ValueError, match="energies = 1.0"):
        kinetics.PulsedGrid(T2, [1.0, 2.05])
    with pytest.raises(ValueError, match="statistics"):
        kinetics.PulsedGrid(T2, E2, statistics="binomial")
    with pytest.raises(ValueError, match="preset|sample"):
        kinetics.PulsedGrid("no-such-preset", E2)
