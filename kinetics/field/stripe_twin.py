"""The stripe's deterministic twin: the slices' master equations in their shared light.

:func:`rate_equations` integrates the populations of every slice with scipy's stiff
BDF solver (sparse Jacobian of the master equations at the current light; its Newton
systems are tridiagonal chain by chain and solved so, :mod:`._chain_bdf`), the light
quasi-static at each instant. The steps are taken in s = ln t (:mod:`._log_time`): at
t = 0 an inverted stripe's light makes the stimulated rates enormous and the gain
collapses self-similarly over tens of decades of time.
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy import sparse

from ._chain_bdf import ChainBDF
from ._log_time import solve_in_log_time
from ._stripe_problem import _StripeProblem, _drift_kernel, _light_kernel
from .cavity_twin import _initial_only
from ..threads import with_blas_thread_policy

__all__ = ["rate_equations"]


@with_blas_thread_policy
def rate_equations(problem: _StripeProblem, k: int, rtol: float) -> dict:
    """Solve the twin for pump value k; returns a dict of records at ``times``.

    Parameters
    ----------
    problem : _StripeProblem
        The validated stripe problem.
    k : int
        Index of the pump value (``problem.pump[k]``).
    rtol : float
        Relative tolerance of the BDF solver.

    Returns
    -------
    dict
        Records at ``problem.times`` (edge emission, gain, populations, books, ...),
        read by :func:`.stripe_dataset._dataset`.
    """
    kk, s, b, nch = problem.shape
    n_p = kk * s * b
    n_sl = problem.stripe.slices
    kap = problem.kappa
    em, ab, sp, dn = problem.em, problem.ab, problem.sp, problem.dn
    sp_tot = sp.sum(axis=1)
    up = np.repeat(problem.up_rate(k)[:, :, None], b, axis=2).reshape(n_p)
    p0 = (problem.initial(k)[:, :, None] * problem.bins.mass[:, None, :]
          * problem.table.class_weight[:, None, None])
    n_pop = n_sl * n_p
    y0 = np.concatenate([np.tile(p0.reshape(n_p), n_sl), np.zeros(2 * nch + 5)])

    # One matrix product each for what the light reads off the populations (net gain and
    # spontaneous source) and for the stimulated rates the light sets (emission and
    # absorption); the twin evaluates its right-hand side thousands of times per pump.
    gain_source = np.ascontiguousarray(np.hstack([problem.net, sp]))     # (n_p, 2C)
    em_ab_t = np.ascontiguousarray(np.hstack([em.T, ab.T]))              # (C, 2 n_p)
    loss, half_v = problem.film.loss, 2 * problem.v_g
    up_k, dn_k = up.reshape(kk, s, b), dn.reshape(kk, s, b)
    dp = np.empty((n_sl, kk, s, b))
    both = np.empty((n_sl, nch))
    u_end = np.empty(nch)

    def rhs(_t, y):
        p = y[:n_pop].reshape(n_sl, n_p)
        pp = np.maximum(p, 0.0)
        gs = pp @ gain_source
        # problem.light(pp), from the shared product
        _light_kernel(np.ascontiguousarray(problem.gam_a0 * gs[:, :nch] - loss),
                      np.ascontiguousarray(gs[:, nch:] / half_v), problem.dz, both, u_end)
        # problem.drift(p, both, up), from the shared product
        w = kap * (both @ em_ab_t)
        w_em, w_ab = w[:, :n_p], w[:, n_p:]
        _drift_kernel(p.reshape(n_sl, kk, s, b), w_ab.reshape(n_sl, kk, s, b),
                      w_em.reshape(n_sl, kk, s, b), up_k, dn_k, dp)
        spf = float((p @ sp_tot).sum())
        books = np.array([float((up * p).sum()), float((w_ab * p).sum()),
                          float((w_em * p).sum()), spf, float((p @ dn).sum()) - spf]) / n_sl
        # problem.unamplified_edge_rate(pp), from the shared product
        unamplified = gs[:, nch:].sum(axis=0) * problem.dz / 2
        return np.concatenate([dp.ravel(), problem.v_g * u_end, unamplified, books])

    n_y = y0.size
    idx = np.arange(n_pop).reshape(n_sl, kk, s, b)
    lo_i, hi_i = idx[:, :, :-1].ravel(), idx[:, :, 1:].ravel()
    # the unknowns chain by chain (slice, class, bin, then n): the Newton matrix is then
    # tridiagonal; the light, edge and book variables (no Jacobian entries) follow
    chains = np.concatenate([idx.transpose(0, 1, 3, 2).ravel(), np.arange(n_pop, n_y)])

    def jac(_t, y):
        # The master equation of each slice at the current light (the light's own
        # dependence on the populations is left out: an approximate Newton matrix).
        p = y[:n_pop].reshape(n_sl, n_p)
        u, _ = problem.light(np.maximum(p, 0.0))
        r_up = (up[None, :] + kap * (u @ ab.T)).reshape(n_sl, kk, s, b)
        r_dn = (dn[None, :] + kap * (u @ em.T)).reshape(n_sl, kk, s, b)
        diag = -(r_up + r_dn).ravel()
        rows = np.concatenate([idx.ravel(), hi_i, lo_i])
        cols = np.concatenate([idx.ravel(), lo_i, hi_i])
        vals = np.concatenate([diag, r_up[:, :, :-1].ravel(), r_dn[:, :, 1:].ravel()])
        return sparse.csc_matrix((vals, (rows, cols)), shape=(n_y, n_y))

    # BDF's rejected trial steps can overflow exp(gain dz) (it then shrinks the step);
    # the accepted solution is checked for finiteness below.
    if float(problem.times[-1]) == 0.0:
        sol = _initial_only(y0, problem.times)   # a single record time 0: the initial state
    else:
        with warnings.catch_warnings(), np.errstate(over="ignore", invalid="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)
            # in s = ln t: the gain of an inverted stripe collapses self-similarly from
            # ~1e-42 ps on (_log_time)
            sol = solve_in_log_time(rhs, jac, y0, problem.times, rtol=rtol, atol=1e-12,
                                    method=ChainBDF, chain_order=chains, chain_length=s)
    if not np.all(np.isfinite(sol.y)):  # pragma: no cover
        raise RuntimeError("stripe rate equations produced non-finite values")
    if not sol.success:  # pragma: no cover
        raise RuntimeError(f"stripe rate equations failed: {sol.message}")
    obs = [problem.observe(np.maximum(sol.y[:n_pop, i].reshape(n_sl, n_p), 0.0))
           for i in range(problem.times.size)]
    return {"edge": np.array([o[0] for o in obs]), "gain": np.array([o[1] for o in obs]),
            "slice_population": np.array([o[2] for o in obs]),
            "edge_integrated": sol.y[n_pop:n_pop + nch, -1],
            "unamplified": sol.y[n_pop + nch:n_pop + 2 * nch, -1],
            "books": sol.y[n_pop + 2 * nch:, :].T,
            "field_books": sol.y[n_pop + 2 * nch:, :].T[:, [2, 1, 3]],
            "occupation": sol.y[:n_pop, :].T.reshape(-1, n_sl, n_p),
            "initial_excitons": float((p0.sum(axis=(0, 2)) * np.arange(s)).sum()),
            "n_rhs_evaluations": int(sol.nfev)}
