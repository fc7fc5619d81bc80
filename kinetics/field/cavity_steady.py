"""Root-solved c.w. steady states of the cavity twin: :func:`cavity_steady_state`.

At a fixed field every (class, energy bin) chain is in detailed balance
(:func:`_chain_steady`), so only the channel photon numbers are unknowns; they are
root-solved, continued from rate to rate.
"""

from __future__ import annotations

import numpy as np
from scipy import optimize

from ._cavity_problem import CavityProblem
from ._common import _cw_steady
from .cavity_threshold import cavity_gain_threshold
from ..threads import with_blas_thread_policy

__all__ = ["cavity_steady_state", "STEADY_RTOL"]


def _chain_steady(problem: CavityProblem, rate: float, q: np.ndarray) -> np.ndarray:
    """Steady occupation (K, S, B) of every (class, bin) chain at a fixed field q.

    Each (class, energy bin) is a birth-death chain in n with up rate
    G pump_scale + kappa sum_k absorb q_k (below n_max) and down rate
    k(n) + kappa sum_k em q_k, so its steady state is detailed balance:
    p_n / p_{n-1} = r_up(n-1) / r_dn(n).
    """
    tab, cp = problem.table, problem.coupling
    kap = problem.kappa
    r_up = rate * tab.pump_scale[:, None, None] + kap * np.einsum("cnbk,k->cnb", cp.absorb, q)
    r_dn = tab.decay_rate[:, :, None] + kap * np.einsum("cnbk,k->cnb", cp.em, q)
    with np.errstate(divide="ignore"):
        step = np.log(r_up[:, :-1]) - np.log(r_dn[:, 1:])
    logp = np.concatenate([np.zeros_like(r_up[:, :1]), np.cumsum(step, axis=1)], axis=1)
    logp -= logp.max(axis=1, keepdims=True)
    p = np.exp(logp)
    p /= p.sum(axis=1, keepdims=True)
    return p * problem.bins.mass[:, None, :] * tab.class_weight[:, None, None]


#: Largest relative residual abs(dQ_k/dt) / (Lambda Q_k) accepted by :func:`cavity_steady_state`.
STEADY_RTOL = 1e-9


def _check_rates(problem: CavityProblem, rates, name: str) -> np.ndarray:
    """Generation rates for the c.w. twin of ``problem``: 1-d, finite, in [0, 100], and
    within what the problem's n_max can hold (as :func:`_resolve_pump` checks at build)."""
    try:
        arr = np.atleast_1d(np.asarray(rates, float))
    except (TypeError, ValueError):
        raise ValueError(f"{name} = {rates!r} must be generation rates in ps^-1") from None
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} = {rates!r} must be a non-empty 1-d list of generation rates")
    bad = ~np.isfinite(arr) | (arr < 0) | (arr > 100.0)
    if bad.any():
        raise ValueError(f"{name} = {float(arr[bad][0])!r} ps^-1 is outside the allowed range "
                         "[0, 100] per NC per ps")
    top = float(_cw_steady(problem.table, float(arr.max()))[:, -1].max())
    if top > 1e-3:
        raise ValueError(f"{name} up to {arr.max():g} ps^-1 needs more states than the "
                         f"problem's n_max = {problem.table.n_max} (no-field steady-state mass "
                         f"in n_max {top:.2g} > 1e-3): build the problem with the largest rate")
    return arr


@with_blas_thread_policy
def cavity_steady_state(problem: CavityProblem, rates=None) -> dict:
    """c.w. steady states of the rate-equation twin, by a root solve (no transient).

    At a steady state every (class, energy bin) chain is in detailed balance
    at the field Q (:func:`_chain_steady`), so only the channel photon numbers
    are unknown: ``kappa g_k(Q) + S_k(Q) / Q_k - Lambda = 0`` for every
    channel k (the photon equation divided by Q_k > 0), solved for log Q_k
    with MINPACK's hybrid method. The rates are solved in increasing order,
    each from the previous solution (continuation along the L-L curve, the
    branch that grows out of the non-lasing state); a failed step is halved
    in log G. This is the fixed point the transient of
    :func:`.cavity_twin.rate_equations` tends to (checked in the tests), at a
    cost of milliseconds instead of a stiff transient over many tau_X.

    Parameters
    ----------
    problem : CavityProblem
        A validated c.w. cavity problem (its field must be on).
    rates : array_like of float, optional
        Generation rates G (excitons per NC per ps), >= 0; default the
        problem's pump values.

    Returns
    -------
    dict
        ``occupation`` (P, K, S, B) fractions of NCs, ``photons`` (P, C) per NC,
        ``output`` (P, C) output photons per NC per ps per channel,
        ``net_gain`` (P, C) (-alpha/alpha_0(peak)), ``residual`` (P,) the
        largest abs(dQ_k/dt) / (Lambda Q_k) reached (<= STEADY_RTOL).

    Raises
    ------
    ValueError
        If the problem is pulsed or has the field off, ``rates`` is empty, a rate
        is negative, non-finite or above 100 ps^-1, or the problem's n_max is too
        small for the largest rate (no-field steady-state mass in n_max > 1e-3:
        build the problem with the largest rate).
    RuntimeError
        If the root solve does not converge (a bug: report it).
    """
    if problem.pump_kind != "cw" or not problem.field_on:
        raise ValueError("cavity_steady_state needs a c.w. problem with the field on, got "
                         f"pump_kind = {problem.pump_kind!r}, field = {problem.field_on!r}")
    rates = _check_rates(problem, problem.pump if rates is None else rates, "rates")
    cp = problem.coupling
    net = cp.em - cp.absorb
    kap, lam = problem.kappa, problem.loss_rate

    def parts(rate, x):
        q = np.exp(x)
        p = _chain_steady(problem, rate, q)
        return p, q, np.einsum("cnb,cnbk->k", p, net), np.einsum("cnb,cnbk->k", p, cp.spont)

    def resid(x, rate):
        if not np.all(np.abs(x) < 700.0):   # a trial step of the solver beyond any field
            return np.full(x.shape, 1e300)
        _, q, g, s = parts(rate, x)
        return (kap * g + s / q - lam) / lam

    def solve(rate, x0):
        sol = optimize.root(resid, x0, args=(rate,), method="hybr", options={"xtol": 1e-13})
        r = np.max(np.abs(resid(sol.x, rate)))
        return sol.x, r

    order = np.argsort(rates)
    x_prev, g_prev = None, None
    out = [None] * rates.size
    for i in order:
        rate = float(rates[i])
        if rate == 0.0:   # no pump: no excitons, no photons
            q = np.zeros(problem.channels.size)
            p = _chain_steady(problem, 0.0, q)
            out[i] = (p, q, np.einsum("cnb,cnbk->k", p, net), 0.0)
            continue
        if x_prev is None:
            # start below threshold, where Q_k = S_k / (Lambda - kappa g_k) nearly holds
            g_start = min(rate, 0.5 * cavity_gain_threshold(problem)[0])
            _, _, g0, s0 = parts(g_start, np.full(problem.channels.size, -700.0))
            q0 = s0 / np.maximum(lam - kap * g0, 1e-3 * lam)
            x_prev, g_prev = np.log(np.maximum(q0, 1e-300)), g_start
            if g_start < rate:
                x_prev, r = solve(g_start, x_prev)
                if not r <= STEADY_RTOL:  # pragma: no cover
                    raise RuntimeError(f"cavity steady state did not converge at G = "
                                       f"{g_start:g} ps^-1 (relative residual {r:.2g})")
        # continuation from the previous rate, halving failed steps in log G
        targets = [rate]
        x, done = x_prev, g_prev
        for _ in range(200):
            if not targets:
                break
            tgt = targets[-1]
            x_new, r = solve(tgt, x)
            if r <= STEADY_RTOL and np.all(np.isfinite(x_new)):
                x, done = x_new, tgt
                targets.pop()
            else:
                mid = float(np.sqrt(max(done, 1e-30) * tgt)) if done > 0 else tgt / 2
                if not mid > 0 or abs(np.log(tgt / mid)) < 1e-6:
                    raise RuntimeError(f"cavity steady state did not converge at G = {tgt:g} "
                                       f"ps^-1 (relative residual {r:.2g})")
                targets.append(mid)
        if targets:  # pragma: no cover
            raise RuntimeError(f"cavity steady state did not converge at G = {rate:g} ps^-1")
        p, q, g, _ = parts(rate, x)
        out[i] = (p, q, g, float(np.max(np.abs(resid(x, rate)))))
        x_prev, g_prev = x, rate
    return {
        "occupation": np.stack([o[0] for o in out]),
        "photons": np.stack([o[1] for o in out]),
        "output": np.stack([o[1] for o in out]) * problem.output_rate,
        "net_gain": np.stack([o[2] for o in out]),
        "residual": np.array([o[3] for o in out]),
    }
