"""The no-field c.w. lasing threshold of a cavity: :func:`cavity_gain_threshold`.

The generation rate at which the net gain of the c.w. steady state without a field
(:func:`steady_gain`) first reaches the cavity's loss.
"""

from __future__ import annotations

import numpy as np
from scipy import optimize

from ._cavity_problem import CavityProblem
from ._common import _cw_steady

__all__ = ["cavity_gain_threshold", "steady_gain"]


def steady_gain(problem: CavityProblem, rate: float) -> np.ndarray:
    """Net gain -alpha/alpha_0(peak) at the channels of the no-field c.w. steady state.

    Parameters
    ----------
    problem : CavityProblem
        A validated cavity problem.
    rate : float
        Generation rate G (excitons per NC per ps).

    Returns
    -------
    ndarray
        Net gain at each channel energy.
    """
    p = _cw_steady(problem.table, rate)
    occ = p[:, :, None] * problem.bins.mass[:, None, :] * problem.table.class_weight[:, None, None]
    return np.einsum("cnb,cnbk->k", occ, problem.coupling.em - problem.coupling.absorb)


def cavity_gain_threshold(problem: CavityProblem) -> tuple[float, float]:
    """Generation rate (1/ps) where the no-field c.w. gain first reaches the cavity loss.

    Parameters
    ----------
    problem : CavityProblem
        A validated cavity problem (its table, bins, channels, kappa and loss).

    Returns
    -------
    (rate, energy)
        The smallest G with kappa max_k g_k(G) = Lambda (from the closed-form
        populations p_n / p_{n-1} = G / k(n)) and the channel energy (eV) where
        it is reached; (inf, nan) if the gain never reaches the loss below G = 100 ps^-1.
    """
    target = problem.loss_rate / problem.kappa

    def f(log_g):
        return float(np.max(steady_gain(problem, np.exp(log_g)))) - target

    grid = np.linspace(np.log(1e-7), np.log(100.0), 200)
    vals = np.array([f(x) for x in grid])
    above = np.nonzero(vals > 0)[0]
    if above.size == 0:
        return float("inf"), float("nan")
    i = int(above[0])
    if i == 0:
        return float(np.exp(grid[0])), float("nan")
    root = optimize.brentq(f, grid[i - 1], grid[i], xtol=1e-12)
    g = steady_gain(problem, float(np.exp(root)))
    return float(np.exp(root)), float(problem.channels[int(np.argmax(g))])
