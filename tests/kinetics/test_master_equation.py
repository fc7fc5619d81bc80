"""The master equation against closed-form solutions of the decay cascade."""

import dataclasses

import numpy as np
import pytest
from scipy import stats

from ncgain import kinetics
from ncgain.models import Sample

S = Sample(name="t", exciton_energy=2.0, delta_xx=0.1, linewidth=0.05, tau_x=1000.0,
           tau_xx=50.0, sigma_pump=1e-15, pump_energy=3.0)
TIMES = np.array([0.0, 1.0, 10.0, 100.0, 1000.0, 5000.0])


def test_initial_poisson_and_single():
    ds = kinetics.simulate_pulsed(S, [0.3, 2.0], [0.0], method="master-equation")
    n = ds.excitons.values
    assert np.allclose(ds.population.isel(time=0), stats.poisson.pmf(n, [[0.3], [2.0]]),
                       atol=1e-15)
    ds = kinetics.simulate_pulsed(S, [0.3, 1.0], [0.0], method="master-equation",
                                  statistics="single")
    assert np.allclose(ds.population.isel(time=0)[:, :3], [[0.7, 0.3, 0], [0, 1, 0]])


def test_single_exciton_decay_is_exponential():
    ds = kinetics.simulate_pulsed(S, [0.4], TIMES, method="master-equation", statistics="single")
    p1 = ds.population.sel(excitons=1, mean_excitons=0.4).values
    assert np.allclose(p1, 0.4 * np.exp(-TIMES / S.tau_x), rtol=1e-12)


def test_biexciton_cascade_closed_form():
    # A NC starting with 2 excitons: p2 = e^{-k2 t},
    # p1 = k2/(k2-k1) (e^{-k1 t} - e^{-k2 t}).
    k1, k2 = S.radiative_rate(1), S.radiative_rate(2) + S.auger_rate(2)
    from ncgain.kinetics import master_equation
    table_up = np.zeros((1, 3))
    down = np.array([[0.0, k1, k2]])
    p = master_equation.propagate(np.array([[[0.0, 0.0, 1.0]]]), table_up, down, TIMES)[0, :, 0]
    assert np.allclose(p[:, 2], np.exp(-k2 * TIMES), rtol=1e-12, atol=1e-300)
    assert np.allclose(p[:, 1], k2 / (k2 - k1) * (np.exp(-k1 * TIMES) - np.exp(-k2 * TIMES)),
                       rtol=1e-10, atol=1e-15)
    assert np.allclose(p.sum(axis=1), 1.0, rtol=1e-13)


def test_probability_and_mean_consistency():
    ds = kinetics.simulate_pulsed(S, [0.5, 3.0], TIMES, method="master-equation")
    assert np.allclose(ds.population.sum("excitons"), 1.0, atol=1e-10)
    assert np.allclose(ds.mean_excitons_t.isel(time=0), [0.5, 3.0], atol=1e-9)
    assert (np.diff(ds.mean_excitons_t, axis=1) < 0).all()


def test_unexcited_sample_has_zero_bleach_and_no_pl():
    ds = kinetics.simulate_pulsed(S, [0.0], [0.0, 10.0], method="master-equation")
    assert np.allclose(ds.bleach, 0.0, atol=1e-12) and np.all(ds.pl == 0)
    assert np.allclose(ds.absorption.isel(mean_excitons=0, time=0), ds.alpha0)
    assert ds.alpha0.max() == pytest.approx(1.0, abs=1e-6)


def test_transparency_of_single_excitons_without_interaction():
    # Delta = 0: one exciton per NC (p1 = 1) gives alpha = 0 exactly, at every energy.
    s = dataclasses.replace(S, delta_xx=0.0)
    ds = kinetics.simulate_pulsed(s, [1.0], [0.0], method="master-equation", statistics="single")
    assert np.allclose(ds.absorption, 0.0, atol=1e-12)
    assert np.allclose(ds.bleach, 1.0, atol=1e-9)
