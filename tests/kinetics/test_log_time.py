"""Stiff solves in s = ln t (kinetics/field/_log_time.py) against solves in t and exact limits."""

import json
import math

import numpy as np
import pytest
from scipy import integrate

from ncgain import kinetics, models
from ncgain.kinetics.field import _log_time, stripe_twin
from ncgain.kinetics.field._chain_bdf import ChainBDF


def _collapse(g0):
    """dg/dt = -e^g: a gain-length g whose depletion rate is its amplification e^g.

    g(t) = -ln(e^(-g0) + t): from g0 = 100 the rate starts at e^100 ~ 3e43 and each decade
    of t after 1e-43 removes ln 10 of g, as the inverted stripe's gain (module docstring).
    """
    fun = lambda t, y: -np.exp(y)                       # noqa: E731
    jac = lambda t, y: np.array([[-np.exp(y[0])]])     # noqa: E731
    exact = lambda t: -np.log(np.exp(-g0) + t)          # noqa: E731
    return fun, jac, exact


def test_self_similar_collapse_is_solved_to_its_tolerance_in_fewer_steps():
    fun, jac, exact = _collapse(100.0)
    times = np.array([0.0, 1e-40, 1e-30, 1e-10, 1.0, 100.0])
    rtol, atol = 1e-8, 1e-10
    got = _log_time.solve_in_log_time(fun, jac, np.array([100.0]), times, rtol=rtol,
                                      atol=atol, method=integrate.BDF)
    assert got.success and got.log_time
    # a global error of a few hundred local tolerances over ~45 decades of time
    np.testing.assert_allclose(got.y[0], exact(times), rtol=300 * rtol, atol=300 * atol)
    assert got.y[0, 0] == 100.0                         # the record at t = 0 is y0 itself
    ref = integrate.solve_ivp(fun, (0.0, 100.0), [100.0], method="BDF", t_eval=times,
                              rtol=rtol, atol=atol, jac=jac)
    assert ref.success
    assert got.nfev < ref.nfev / 3          # the point of the change of variable


def test_the_start_is_tiny_against_the_fastest_rate_and_the_first_record():
    fun, jac, _ = _collapse(100.0)
    rtol = 1e-6
    t0 = _log_time.log_time_start(fun, jac, np.array([100.0]), np.array([0.0, 5.0]), rtol)
    assert t0 == pytest.approx(_log_time.START_RATE_FRACTION * rtol / np.exp(100.0), rel=1e-12)
    slow = lambda t, y: -1e-9 * y                         # noqa: E731
    slow_jac = lambda t, y: np.array([[-1e-9]])           # noqa: E731
    t0 = _log_time.log_time_start(slow, slow_jac, np.array([1.0]), np.array([0.0, 2.0]), rtol)
    assert t0 == _log_time.START_RECORD_FRACTION * 2.0


def test_nothing_moving_at_t0_falls_back_to_a_solve_in_t():
    fun = lambda t, y: np.zeros_like(y)                   # noqa: E731
    jac = lambda t, y: np.zeros((2, 2))                   # noqa: E731
    got = _log_time.solve_in_log_time(fun, jac, np.array([1.0, 2.0]), np.array([0.0, 1.0, 3.0]),
                                      rtol=1e-6, atol=1e-12, method=integrate.BDF)
    assert got.success and not got.log_time
    assert np.array_equal(got.y, [[1.0, 1.0, 1.0], [2.0, 2.0, 2.0]])


def _in_t(fun, jac, y0, times, *, rtol, atol, method, **options):
    """The twin's former solve, in t (the reference)."""
    return integrate.solve_ivp(fun, (0.0, float(times[-1])), y0, method=method, t_eval=times,
                               rtol=rtol, atol=atol, jac=jac, **options)


def test_stripe_twin_in_log_time_equals_its_solve_in_t(monkeypatch):
    """An inverted stripe (<N> = 6, a dz = 8 per slice) and a weakly pumped one, at rtol 1e-8.

    The slices as requested (max_slice_gain inf): the two solves of one discretization.
    """
    film = models.Film.close_packed()
    stripe = models.Stripe(length=0.04, slices=4, channels=8, spontaneous_coupling=1e-4)
    times = [0.0, 1e-3, 3.0, 30.0, 300.0, 1000.0]
    run = lambda: kinetics.simulate_stripe("type-ii", film, stripe, times,  # noqa: E731
                                           mean_excitons=[1.0, 6.0], rtol=1e-8,
                                           max_slice_gain=math.inf)
    calls = []
    real = _log_time.solve_in_log_time
    monkeypatch.setattr(stripe_twin, "solve_in_log_time",
                        lambda *a, **k: calls.append(1) or real(*a, **k))
    got = run()
    assert len(calls) == 2 and json.loads(got.attrs["slice_error_bound"])[1] > 1.0
    monkeypatch.setattr(stripe_twin, "solve_in_log_time", _in_t)
    ref = run()
    for name in ("edge_emission_integrated", "edge_emission_unamplified", "edge_emission",
                 "population", "net_gain", "books_stimulated_emission", "books_pumped"):
        x, y = got[name].values, ref[name].values
        # both solves' global errors are <~ 100 rtol of the variable's scale
        assert np.abs(x - y).max() <= 1e-6 * np.abs(y).max(), name
