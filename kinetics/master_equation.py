"""The exact reference: the master equation of the exciton-number chain.

For each size class c the probabilities p_n(t) of holding n excitons obey
dp/dt = A_c p, with A_c the generator of the birth-death chain of the state
table (up rates n -> n+1, down rates n -> n-1). The solution
p(t) = expm(A_c t) p(0) is exact up to the truncation at n_max.
"""

from __future__ import annotations

import numpy as np
from scipy import linalg

__all__ = ["generator", "propagate"]


def generator(up_rate: np.ndarray, down_rate: np.ndarray) -> np.ndarray:
    """Generator matrices A[c] (1/ps) of the chains, shape (K, S, S); columns sum to 0.

    Probability leaving the top state n_max upwards is lost, as in the Monte
    Carlo (where it counts as overflow); pulsed tables have no up rates.

    Parameters
    ----------
    up_rate : ndarray, shape (K, S)
        Rates n -> n+1 (1/ps) of each class and state.
    down_rate : ndarray, shape (K, S)
        Rates n -> n-1 (1/ps).

    Returns
    -------
    numpy.ndarray, shape (K, S, S)
        A[c] with dp/dt = A[c] p for the column vector p of state probabilities.
    """
    n_classes, n_states = up_rate.shape
    a = np.zeros((n_classes, n_states, n_states))
    idx = np.arange(n_states)
    a[:, idx, idx] = -(up_rate + down_rate)
    a[:, idx[1:], idx[:-1]] = up_rate[:, :-1]      # n-1 -> n
    a[:, idx[:-1], idx[1:]] = down_rate[:, 1:]     # n+1 -> n
    return a


def propagate(initial: np.ndarray, up_rate: np.ndarray, down_rate: np.ndarray,
              times: np.ndarray) -> np.ndarray:
    """Exact probabilities of the states at ``times``, from the initial ones.

    Parameters
    ----------
    initial : ndarray, shape (M, K, S)
        Probabilities at t = 0 for each excitation level m and class c.
    up_rate, down_rate : ndarray, shape (K, S)
        Rates n -> n+1 and n -> n-1 (1/ps), as for :func:`generator`.
    times : ndarray, shape (T,)
        Times after the pulse (ps), >= 0.

    Returns
    -------
    numpy.ndarray, shape (M, T, K, S)
        p[m, t, c, n] = (exp(A[c] t) initial[m, c])[n].
    """
    a = generator(up_rate, down_rate)
    # expm of the stacked (T, K, S, S) matrices A_c t_j.
    propagators = linalg.expm(np.asarray(times, float)[:, None, None, None] * a[None])
    p = np.einsum("tkij,mkj->mtki", propagators, initial)
    # expm is exact up to rounding, which can leave -1e-18-sized negatives: drop
    # them, but a real negative probability would be a bug, not rounding.
    if p.min() < -1e-12:
        raise RuntimeError(f"master equation produced a negative probability {p.min():.3g}")
    return np.maximum(p, 0.0)
