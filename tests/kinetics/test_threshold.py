import dataclasses
import math

import numpy as np
import pytest

from ncgain import kinetics
from ncgain import models
from ncgain.models import Sample

BASE = Sample(name="t", exciton_energy=2.0, delta_xx=0.0, linewidth=0.05, tau_x=1000.0,
              tau_xx=50.0, sigma_pump=1e-15, pump_energy=3.0, homogeneous_linewidth=0.0)


@pytest.mark.parametrize("ratio", [0.25, 0.5, 1.0, 1.5, 2.0, 3.0])
def test_single_statistics_reproduce_paper_formula(ratio):
    s = dataclasses.replace(BASE, delta_xx=ratio * BASE.linewidth)
    th = kinetics.gain_threshold(s, statistics="single")
    assert th == pytest.approx(models.single_exciton_threshold(s.delta_xx, s.linewidth), abs=1e-4)


def test_formula_holds_for_any_gaussian_homogeneous_width():
    # With Gaussian lines only the ensemble width enters (docs/theory.md).
    s = dataclasses.replace(BASE, delta_xx=0.05, homogeneous_linewidth=0.03)
    assert kinetics.gain_threshold(s, statistics="single") == pytest.approx(
        models.single_exciton_threshold(0.05, 0.05), abs=1e-4)


def test_no_interaction_single_statistics_never_gain():
    # Delta = 0 and p1 <= 1: at best transparency (alpha = 0), never gain.
    assert math.isinf(kinetics.gain_threshold(BASE, statistics="single"))


def test_poisson_no_interaction_root():
    th = kinetics.gain_threshold(BASE)
    assert th == pytest.approx(models.poisson_threshold_no_interaction(), abs=1e-4)
    assert th == pytest.approx(1.14619, abs=1e-4)


def test_loss_raises_threshold_and_any_energy_lowers_it():
    s = models.presets.TYPE_II_CDS_ZNSE
    base = kinetics.gain_threshold(s)
    assert kinetics.gain_threshold(s, loss=0.2) > base
    assert kinetics.gain_threshold(s, energy="any") <= base


def test_monte_carlo_threshold_agrees_with_master_equation():
    s = dataclasses.replace(BASE, delta_xx=0.08)
    exact = kinetics.gain_threshold(s, statistics="single")
    mc = kinetics.gain_threshold(s, statistics="single", method="monte-carlo",
                                 n_nanocrystals=400_000, seed=3)
    # At fixed seed the MC threshold solves p1_hat(<N>) = p1_th; p1_hat has binomial
    # standard error sqrt(p (1-p) / N) ~ 7.4e-4 and d<N>/dp1 = 1 here.
    assert abs(mc - exact) < 6 * math.sqrt(exact * (1 - exact) / 400_000)


@pytest.mark.parametrize("kwargs, fragment", [
    ({"time": -1.0}, "time = -1.0"),
    ({"time": float("nan")}, "time = nan"),
    ({"loss": -0.1}, "loss = -0.1"),
    ({"statistics": "bose"}, "statistics = 'bose'"),
    ({"method": "exact"}, "method = 'exact'"),
    ({"energy": "peak"}, "energy = 'peak'"),
    ({"energy": 5.0}, "energy = 5.0 eV is outside the allowed range"),
    ({"max_mean_excitons": 2.0, "statistics": "single"}, "max_mean_excitons = 2.0"),
])
def test_invalid_arguments(kwargs, fragment):
    with pytest.raises(ValueError) as info:
        kinetics.gain_threshold(models.presets.TYPE_II_CDS_ZNSE, **kwargs)
    assert fragment in str(info.value)


def test_criterion_states_the_loss():
    s = models.presets.TYPE_II_CDS_ZNSE
    assert kinetics.gain_threshold(s).criterion == f"alpha(E, t) < 0 at E = {s.exciton_energy:g} eV"
    assert (kinetics.gain_threshold(s, loss=0.05, energy="any").criterion
            == "alpha(E, t) < -0.05 alpha_0(peak) at any E of the default grid (every "
               "band-edge line +-3 widths)")


def test_monte_carlo_threshold_stderr_matches_the_seed_to_seed_spread():
    """The delta-method stderr of a Monte Carlo threshold vs the spread over 24 seeds.

    With n independent seeds, (n - 1) s^2 / sigma^2 ~ chi^2(n - 1): the sample standard
    deviation s lies in sigma * sqrt(chi2.ppf([a/2, 1 - a/2], n - 1) / (n - 1)) with
    probability 1 - a (a = the suite's ALPHA). The mean also agrees with the exact
    threshold within Z_BOUND sigma / sqrt(n) (plus the 1e-5 root tolerance).
    """
    from scipy import stats

    from tests.conftest import ALPHA, Z_BOUND

    n_seeds, n_nc = 24, 20_000
    runs = [kinetics.gain_threshold("type-ii", time=3.0, method="monte-carlo",
                                    n_nanocrystals=n_nc, seed=s) for s in range(n_seeds)]
    se = np.array([r.stderr for r in runs])
    assert np.all(se > 0) and se.std() < 0.1 * se.mean()   # the same sigma at every seed
    sigma = float(se.mean())
    s = float(np.std([float(r) for r in runs], ddof=1))
    lo, hi = np.sqrt(stats.chi2.ppf([ALPHA / 2, 1 - ALPHA / 2], n_seeds - 1) / (n_seeds - 1))
    assert lo * sigma < s < hi * sigma, (s, sigma)
    exact = kinetics.gain_threshold("type-ii", time=3.0)
    assert exact.stderr == 0.0
    assert abs(np.mean([float(r) for r in runs]) - exact) < Z_BOUND * sigma / np.sqrt(n_seeds) + 1e-5


def test_any_probe_reaches_an_xx_line_beyond_the_resolvable_range():
    # Type II with Gamma = 10 meV: E_X + Delta_XX lies ~10 Gamma above E_X, where alpha_0 has
    # fallen below 1e-12 of its peak. The gain there is defined (alpha / alpha_0(peak)) and
    # is where the repulsive sample's gain band lies; the 'any' grid must reach it.
    import dataclasses
    from ncgain.kinetics import observables
    s = dataclasses.replace(models.presets.TYPE_II_CDS_ZNSE, linewidth=0.010,
                            homogeneous_linewidth=0.005)
    _, r_hi = observables.resolvable_range(models.build_state_table(s, s.degeneracy))
    xx = s.exciton_energy + s.delta_xx
    assert xx > r_hi
    th = kinetics.gain_threshold(s, time=3.0, energy="any", loss=0.0189)
    assert abs(th.energy - xx) < 2 * s.linewidth
    # the same criterion at that one energy gives the same threshold
    at = kinetics.gain_threshold(s, time=3.0, energy=float(th.energy), loss=0.0189)
    assert abs(float(at) - float(th)) < 1e-4
    # and it is the XX band's (0.84), far below E_X's (~2) and the cut grid's former 2.34
    assert float(th) < 0.9 < 1.9 < float(kinetics.gain_threshold(s, time=3.0, loss=0.0189))
    # the c.w. threshold accepts the same probe energies (it was refused there); in the
    # steady state the XX band needs more pump than E_X, whose single-exciton gain comes first
    at_xx = kinetics.cw_threshold(s, energy=xx)
    assert float(at_xx) > float(kinetics.cw_threshold(s, energy="any")) > 0
