"""Stiff solves in log time: scipy's BDF on s = ln t for runs whose rates start huge.

At t = 0 an inverted stripe amplifies its spontaneous emission by e^(a L) (gain-length
products ~100 at fig5abc_ase's highest fluences), so the quasi-static light drives
stimulated rates of ~1e41 per ps, and the gain collapses self-similarly: each decade
of time removes about the same gain-length product, from ~1e-42 ps on. The solution is
then a smooth function of ln t, not of t. BDF in t resolves it with steps h ~ t / 20
(measured: 1,870 of a 16 mJ cm^-2 run's 2,274 steps before 1 ps, 1,565 before 1e-6 ps);
in s = ln t the same run takes 1,123 steps (docs/benchmark.md). The equations are the
same (dy/ds = t f(t, y), Jacobian t J), so is the error control (rtol, atol on y); what
changes is only the variable the steps are taken in. At late times Delta t = t Delta s,
so the steps there are those of a solve in t.

The solve starts at t0 > 0, tiny against the fastest rate at t = 0:
t0 = min(1e-2 rtol / lambda_0, 1e-3 t_1) (lambda_0 the largest total rate out of a state
at t = 0, the largest diagonal entry of -J; t_1 the first record time after 0), reached
by one explicit Euler step y(t0) = y0 + t0 f(0, y0), whose error is of order
(t0 lambda_0)^2 <= 1e-4 rtol^2 of the state.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from scipy import integrate

__all__ = ["solve_in_log_time", "log_time_start"]

#: t0 lambda_0 / rtol of the first point (see the module docstring).
START_RATE_FRACTION = 1e-2
#: t0 / (first record time after 0), at most.
START_RECORD_FRACTION = 1e-3


def log_time_start(fun, jac, y0, times, rtol):
    """First time t0 of the log-time solve, or None where the log-time solve does not apply.

    None when nothing moves at t = 0 (lambda_0 = 0), when lambda_0 is not finite, or when
    t0 underflows.
    """
    lam = float(np.max(np.abs(jac(0.0, y0).diagonal()), initial=0.0))
    if not np.isfinite(lam) or lam <= 0.0:
        return None
    t1 = float(times[times > 0][0])
    t0 = min(START_RATE_FRACTION * rtol / lam, START_RECORD_FRACTION * t1)
    return t0 if t0 > 0.0 and np.isfinite(np.log(t0)) else None


def solve_in_log_time(fun, jac, y0, times, *, rtol, atol, method, **options):
    """``solve_ivp(fun, (0, times[-1]), y0, t_eval=times, ...)``, solved in s = ln t.

    Parameters
    ----------
    fun, jac : callable
        ``fun(t, y)`` and the sparse ``jac(t, y)`` of dy/dt, as for solve_ivp.
    y0 : ndarray
        State at t = 0.
    times : ndarray
        Record times, >= 0, strictly increasing, the last > 0.
    rtol, atol : float
        Tolerances of the solver (on y, as in t).
    method : type
        The solver class (:class:`._chain_bdf.ChainBDF`), with its ``options``.

    Returns
    -------
    types.SimpleNamespace
        ``y`` (n, times.size), ``t``, ``success``, ``message``, ``nfev``, ``njev``,
        ``nlu``, ``log_time`` (False where it fell back to a solve in t) as solve_ivp's.
    """
    t_end = float(times[-1])
    t0 = log_time_start(fun, jac, y0, times, rtol)
    if t0 is None:
        sol = integrate.solve_ivp(fun, (0.0, t_end), y0, method=method, t_eval=times,
                                  rtol=rtol, atol=atol, jac=jac, **options)
        sol.log_time = False
        return sol
    y_start = y0 + t0 * fun(0.0, y0)

    def fun_s(s, y):
        t = np.exp(s)
        return t * fun(t, y)

    def jac_s(s, y):
        t = np.exp(s)
        return jac(t, y) * t

    positive = times > 0
    sol = integrate.solve_ivp(fun_s, (np.log(t0), np.log(t_end)), y_start, method=method,
                              t_eval=np.log(times[positive]), rtol=rtol, atol=atol, jac=jac_s,
                              **options)
    y = np.empty((y0.size, times.size))
    y[:, ~positive] = y0[:, None]
    if sol.success:
        y[:, positive] = sol.y
    else:   # pragma: no cover - the callers raise on failure
        y[:, positive] = np.nan
    return SimpleNamespace(y=y, t=np.asarray(times), success=sol.success, message=sol.message,
                           nfev=sol.nfev + 1, njev=sol.njev + 1, nlu=sol.nlu, log_time=True)
