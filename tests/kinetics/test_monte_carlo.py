"""Monte Carlo against the exact master equation, with tolerances from the sample size."""

import dataclasses
import os
import textwrap

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from ncgain import kinetics
from ncgain import models
from ncgain.kinetics import _kernels, observables
from ncgain.kinetics.pulsed import PulsedProblem
from ncgain.models import Sample
from tests.conftest import assert_binomial, assert_within_noise, one_and_two_thread_outputs

TIMES = [0.0, 3.0, 100.0, 1000.0]
MEANS = np.array([0.1, 0.5, 1.0, 2.0])


def compare(sample, means, times, *, n_nanocrystals, seed, statistics="poisson", bins=16):
    """Run both methods and assert MC = ME within the exact standard errors."""
    mc = kinetics.simulate_pulsed(sample, means, times, n_nanocrystals=n_nanocrystals, seed=seed,
                                  statistics=statistics, energy_bins=bins)
    me = kinetics.simulate_pulsed(sample, means, times, energies=mc.energy.values,
                                  method="master-equation", statistics=statistics,
                                  n_max=int(mc.n_max))
    assert_binomial(mc.population, me.population, n_nanocrystals, what="population")
    # Exact variance of the spectra: the ME occupation spread over the MC's energy bins.
    problem = PulsedProblem.build(sample, times, energies=mc.energy.values,
                                  max_mean_excitons=float(np.max(means)),
                                  n_nanocrystals=n_nanocrystals, statistics=statistics,
                                  n_max=int(mc.n_max), energy_bins=bins)
    occ = np.repeat(problem.exact_occupation(np.asarray(means, float)), bins, axis=-1) / bins
    var_a, var_pl = observables.spectra_variance(occ, problem.kernels, n_nanocrystals)
    # The dataset reports the same exact standard errors.
    np.testing.assert_allclose(mc.absorption_se, np.sqrt(var_a), rtol=1e-10, atol=1e-300)
    np.testing.assert_allclose(mc.pl_se, np.sqrt(var_pl), rtol=1e-10, atol=1e-300)
    # Floor: one NC's largest contribution, the granularity of the estimator,
    # where rare heavy states make the normal approximation optimistic.
    k = problem.kernels
    one_a = np.abs(k.absorption).max(axis=(0, 1, 2)) / k.alpha0_peak / n_nanocrystals
    one_pl = np.abs(k.pl).max(axis=(0, 1, 2)) / n_nanocrystals
    assert_within_noise(mc.absorption, me.absorption, np.sqrt(var_a), what="absorption",
                        floor=one_a)
    assert_within_noise(mc.pl, me.pl, np.sqrt(var_pl), what="pl", floor=one_pl)
    return mc, me


@pytest.mark.parametrize("preset", ["type-ii", "type-i"])
def test_presets_match_master_equation(preset):
    mc, me = compare(models.presets.get(preset), MEANS, TIMES, n_nanocrystals=200_000, seed=11)
    # The comparison is not vacuous: populations at 1 ns differ from t = 0.
    assert float(abs(me.population.isel(time=0) - me.population.isel(time=-1)).max()) > 0.05


def test_single_statistics_match():
    compare(models.presets.TYPE_II_CDS_ZNSE, [0.2, 0.7, 1.0], TIMES, n_nanocrystals=100_000,
            seed=5, statistics="single")


def test_size_classes_match_class_averaged_master_equation():
    base = models.presets.TYPE_II_CDS_ZNSE
    small = dataclasses.replace(base, exciton_energy=2.10, sigma_pump=1.2e-16, tau_xx=60.0,
                                delta_xx=0.12)
    large = dataclasses.replace(base, exciton_energy=2.00, sigma_pump=4.0e-16, tau_xx=260.0,
                                delta_xx=0.09, homogeneous_linewidth=0.01)
    mix = dataclasses.replace(base, components=((0.3, small), (0.7, large)))
    compare(mix, [0.5, 1.5], [0.0, 50.0, 500.0], n_nanocrystals=150_000, seed=2)


def test_lorentzian_lines_match():
    s = dataclasses.replace(models.presets.TYPE_I_CDSE, homogeneous_lineshape="lorentzian",
                            homogeneous_linewidth=0.01, stokes_shift=0.015)
    compare(s, [0.5, 2.0], [0.0, 30.0], n_nanocrystals=100_000, seed=3, bins=4)


samples = st.builds(
    Sample,
    name=st.just("random"),
    exciton_energy=st.floats(1.5, 2.5),
    delta_xx=st.floats(-0.05, 0.2),
    linewidth=st.floats(0.02, 0.1),
    tau_x=st.floats(200.0, 20000.0),
    tau_xx=st.floats(5.0, 500.0),
    # The Auger time as given: a drawn total lifetime tau_xx longer than 1/k_rad(2) (e.g.
    # tau_xx = 50 ps with tau_x = 200 ps) is refused, not a random sample.
    tau_xx_meaning=st.just("auger"),
    sigma_pump=st.just(1e-15),
    pump_energy=st.just(3.0),
    homogeneous_linewidth=st.floats(0.0, 0.015),
    degeneracy=st.integers(1, 3),
    stokes_shift=st.floats(0.0, 0.03),
    radiative_scaling=st.sampled_from(["statistical", "linear"]),
    auger_scaling=st.sampled_from(["statistical", "pairwise", "none"]),
)


@settings(max_examples=20, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(sample=samples, means=st.lists(st.floats(0.0, 3.0), min_size=1, max_size=3, unique=True),
       seed=st.integers(0, 2 ** 40))
def test_random_samples_match(sample, means, seed):
    compare(sample, sorted(means), [0.0, 7.0, 300.0], n_nanocrystals=20_000, seed=seed, bins=8)


def test_uniform_draws_are_uniform_and_independent_of_index():
    from scipy import stats
    key = np.uint64(_kernels.seed_key(7))
    u = np.concatenate([_kernels.uniforms(key, i, 50) for i in range(2000)])
    assert 0.0 < u.min() and u.max() < 1.0
    assert stats.kstest(u, "uniform").pvalue > 1e-4
    # Draw k of NC i and draw k of NC i+1 are uncorrelated.
    a = np.array([_kernels.uniforms(key, i, 3) for i in range(20000)])
    r = np.corrcoef(a[:-1, 0], a[1:, 0])[0, 1]
    assert abs(r) < 6 / np.sqrt(a.shape[0])


def test_same_seed_same_output_other_seed_differs():
    s = models.presets.TYPE_II_CDS_ZNSE
    a = kinetics.simulate_pulsed(s, MEANS, TIMES, n_nanocrystals=30_000, seed=4)
    b = kinetics.simulate_pulsed(s, MEANS, TIMES, n_nanocrystals=30_000, seed=4)
    c = kinetics.simulate_pulsed(s, MEANS, TIMES, n_nanocrystals=30_000, seed=5)
    assert a.identical(b)
    assert not np.array_equal(a.population.values, c.population.values)


def test_chunk_size_does_not_change_output(monkeypatch):
    from ncgain.kinetics import pulsed
    s = models.presets.TYPE_I_CDSE
    a = kinetics.simulate_pulsed(s, MEANS, TIMES, n_nanocrystals=50_001, seed=9)
    monkeypatch.setattr(pulsed, "CHUNK_SIZE", 4_096)
    b = kinetics.simulate_pulsed(s, MEANS, TIMES, n_nanocrystals=50_001, seed=9)
    assert a.identical(b)


_SCRIPT = textwrap.dedent("""
    import hashlib
    from ncgain import kinetics, models
    ds = kinetics.simulate_pulsed(models.presets.TYPE_II_CDS_ZNSE, [0.3, 1.0, 2.5],
                                  [0.0, 3.0, 100.0, 1000.0], n_nanocrystals=300_001, seed=123)
    import numba
    h = hashlib.sha256()
    for name in ("population", "absorption", "bleach", "pl"):
        h.update(ds[name].values.tobytes())
    print(numba.get_num_threads(), h.hexdigest(), ds.attrs["n_events"])
""")


def test_bit_identical_for_one_and_two_threads():
    out = one_and_two_thread_outputs(_SCRIPT, cwd=os.path.dirname(os.path.dirname(
        os.path.dirname(os.path.abspath(__file__)))))
    assert out["1"] == out["2"]
