"""The master equation stays exact for any ratio of rates (issue 12, item 4).

Lifetimes from 1e-6 to 1e9 ps and times to 1e12 ps, against closed forms,
a 60-digit reference, the detailed-balance steady state and the Monte Carlo.
"""

import mpmath
import numpy as np
import pytest
from scipy import stats

from ncgain import kinetics
from ncgain.kinetics import master_equation
from ncgain.models import Sample
from tests.conftest import assert_binomial

TIMES = np.array([0.0, 1e-9, 1e-6, 1e-3, 1.0, 1e3, 1e6, 1e9, 1e11, 1e12])
LIFETIMES = [1e-6, 1e-3, 1.0, 1e3, 1e6, 1e9]


def _two_step_closed_form(k1, k2, t):
    """p2, p1, p0 of 2 -> 1 -> 0 from state 2, cancellation-free (k1 != k2)."""
    p2 = np.exp(-k2 * t)
    lo, hi = min(k1, k2), max(k1, k2)
    # (e^{-k1 t} - e^{-k2 t}) / (k2 - k1) = e^{-lo t} (1 - e^{-(hi-lo) t}) / (hi - lo)
    p1 = k2 * np.exp(-lo * t) * -np.expm1(-(hi - lo) * t) / (hi - lo)
    return p2, p1


@pytest.mark.parametrize("tau_1", LIFETIMES)
@pytest.mark.parametrize("tau_2", LIFETIMES)
def test_two_step_decay_matches_closed_form_for_any_ratio(tau_1, tau_2):
    k1, k2 = 1 / tau_1, 1 / tau_2
    if k1 == k2:
        k2 *= 1.5
    p = master_equation.propagate([[[0.0, 0.0, 1.0]]], np.zeros((1, 3)), [[0.0, k1, k2]],
                                  TIMES)[0, :, 0]
    p2, p1 = _two_step_closed_form(k1, k2, TIMES)
    assert (p >= 0).all()
    assert np.abs(p.sum(axis=1) - 1).max() < 1e-12
    assert np.allclose(p[:, 2], p2, rtol=1e-12, atol=1e-300)
    assert np.allclose(p[:, 1], p1, rtol=1e-11, atol=1e-300)


@pytest.mark.parametrize("k", [1e-9, 1e-3, 1.0, 1e6])
def test_equal_rates_give_the_erlang_closed_form(k):
    # All n >= 1 decay with the same rate k: from state m, the number of decays by t
    # is Poisson(k t) (stopped at 0), so p_n = Poisson pmf(m - n; k t) for n >= 1.
    m = 6
    down = np.full((1, m + 1), k)
    down[0, 0] = 0.0
    p0 = np.zeros((1, 1, m + 1))
    p0[0, 0, m] = 1.0
    t = TIMES[TIMES * k < 600]                       # beyond, every p_n >= 1 underflows
    p = master_equation.propagate(p0, np.zeros_like(down), down, t)[0, :, 0]
    n = np.arange(1, m + 1)
    expected = stats.poisson.pmf(m - n[None, :], k * t[:, None])
    assert np.allclose(p[:, 1:], expected, rtol=1e-11, atol=1e-300)
    assert np.abs(p.sum(axis=1) - 1).max() < 1e-12


def _reference_expm(up, down, t, digits=60):
    """exp(A t) in 60-digit arithmetic (mpmath)."""
    with mpmath.workdps(digits):
        n = len(up)
        a = mpmath.zeros(n, n)
        for i in range(n):
            a[i, i] = -(mpmath.mpf(up[i]) + mpmath.mpf(down[i]))
            if i + 1 < n:
                a[i + 1, i] = mpmath.mpf(up[i])
                a[i, i + 1] = mpmath.mpf(down[i + 1])
        e = mpmath.expm(a * mpmath.mpf(t))
        return np.array([[float(e[i, j]) for j in range(n)] for i in range(n)])


def test_nearly_equal_rates_against_a_60_digit_reference():
    # Rates equal to 1e-12 relative: sums of exponentials cancel catastrophically here.
    down = np.array([[0.0, 1.0, 1.0 + 1e-12, 1.0 - 1e-12, 2.0, 1e6]])
    up = np.zeros_like(down)
    for t in (1e-3, 1.0, 30.0):
        p = master_equation.propagators(up, down, [t])[0, 0]
        ref = _reference_expm(up[0], down[0], t)
        nz = ref > 1e-290
        assert np.allclose(p[nz], ref[nz], rtol=1e-12)
        assert (p[~nz] < 1e-280).all()


def test_birth_death_chain_against_reference_and_detailed_balance():
    rng = np.random.default_rng(7)
    s = 8
    up = 10 ** rng.uniform(-6, 6, (1, s))
    down = 10 ** rng.uniform(-6, 6, (1, s))
    up[0, -1] = 0.0
    down[0, 0] = 0.0
    for t in (1e-3, 1.0, 1e3):
        p = master_equation.propagators(up, down, [t])[0, 0]
        assert np.abs(p - _reference_expm(up[0], down[0], t)).max() < 1e-13
    p = master_equation.propagators(up, down, TIMES)[:, 0]
    assert (p >= 0).all()
    assert np.abs(p.sum(axis=1) - 1).max() < 1e-13
    # Long-time limit: detailed balance pi_{n+1} / pi_n = up_n / down_{n+1}.
    pi = np.cumprod(np.r_[1.0, up[0, :-1] / down[0, 1:]])
    pi /= pi.sum()
    assert np.abs(p[-1] - pi[:, None]).max() < 1e-12


def test_birth_death_top_state_leak_is_exact():
    # Only the top state is pumped away: its probability leaves at rate u, exactly.
    up = np.array([[1.0, 0.0, 0.5]])
    down = np.array([[0.0, 2.0, 0.0]])
    p = master_equation.propagate([[[0.0, 0.0, 1.0]]], up, down, [0.0, 1.0, 10.0])[0, :, 0]
    assert np.allclose(p[:, 2], np.exp(-0.5 * np.array([0.0, 1.0, 10.0])), rtol=1e-13)
    assert np.allclose(p[:, :2], 0.0, atol=0)


@pytest.mark.parametrize("tau_x, tau_xx", [(1e9, 1e-6), (1e-6, 1e9), (1e3, 1e3)])
def test_stiff_sample_master_equation_against_monte_carlo(tau_x, tau_xx):
    s = Sample(name="stiff", exciton_energy=2.0, delta_xx=0.1, linewidth=0.05, tau_x=tau_x,
               tau_xx=tau_xx, sigma_pump=1e-15, pump_energy=3.0,
               tau_xx_meaning="auger")   # the rates as given: tau_xx is the Auger time
    times = [0.0, 1e-6, 1e-3, 1.0, 1e3, 1e9, 1e12]
    n_nc = 20_000
    kw = dict(energies=[2.0], n_nanocrystals=n_nc, seed=3)
    me = kinetics.simulate_pulsed(s, [0.5, 2.0], times, method="master-equation", **kw)
    mc = kinetics.simulate_pulsed(s, [0.5, 2.0], times, method="monte-carlo", **kw)
    total = me.population.sum("excitons").values
    # Conserved exactly; the Poisson tail beyond n_max (< 1e-10) is missing from the start.
    assert np.abs(total - total[:, :1]).max() < 1e-12
    assert np.abs(total - 1).max() < 1e-10
    assert (me.population.values >= 0).all()
    assert_binomial(mc.population.values, me.population.values, n_nc,
                    what=f"populations, tau_x={tau_x}, tau_xx={tau_xx}")


@pytest.mark.parametrize("bad", [[0.5 + 1j], [True, False], ["a"], [[0.5], [1.0, 2.0]]])
def test_complex_and_boolean_mean_excitons_are_refused(bad):
    s = Sample(name="t", exciton_energy=2.0, delta_xx=0.1, linewidth=0.05, tau_x=1e3,
               tau_xx=50.0, sigma_pump=1e-15, pump_energy=3.0)
    with pytest.raises(ValueError, match="mean_excitons"):
        kinetics.simulate_pulsed(s, bad, [0.0], method="master-equation")


@pytest.mark.parametrize("field, value", [("initial", [[[0.5 + 0j, 0.5]]]),
                                          ("up_rate", [[True, False]]),
                                          ("down_rate", [[0.0, np.nan]]),
                                          ("times", [-1.0])])
def test_propagate_refuses_bad_arrays(field, value):
    args = {"initial": [[[0.5, 0.5]]], "up_rate": [[0.0, 0.0]], "down_rate": [[0.0, 1.0]],
            "times": [1.0]}
    args[field] = value
    with pytest.raises(ValueError, match=field):
        master_equation.propagate(**args)
