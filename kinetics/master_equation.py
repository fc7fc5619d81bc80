"""The exact reference: the master equation of the exciton-number chain.

For each size class c the probabilities p_n(t) of holding n excitons obey
dp/dt = A_c p, with A_c the generator of the birth-death chain of the state
table (up rates n -> n+1, down rates n -> n-1). The solution
p(t) = exp(A_c t) p(0) is exact up to the truncation at n_max.

How exp(A t) is computed, and why not ``scipy.linalg.expm``
-------------------------------------------------------------
Rates of one chain can span fifteen decades (a 1e-6 ps exciton beside a
1e9 ps one) and record times reach 1e12 ps, so ||A t|| can be 1e21. A
Pade scaling-and-squaring expm then squares ~70 times a matrix whose slow
diagonal entries are 1 - 1e-21 (not representable): each squaring doubles the
relative error and populations end up summing to 0.9986 ... 1.0002. Two
methods that stay exact for any ratio of rates are used instead; both only add
and multiply non-negative numbers, so the result is non-negative by
construction.

* **Pure decay** (no up rates below n_max: pulsed excitation): the generator is
  bidiagonal, and exp(A t) has the exact diagonal exp(a_nn t). Scaling and
  squaring is done as McCurdy, Ng and Parlett (Math. Comp. 43, 501 (1984))
  compute divided differences of the exponential: a shifted, all-positive Taylor
  series for exp(A t / 2^s), then s squarings of non-negative matrices, with the
  diagonal reset to its exact value exp(a_nn t 2^(j-s)) after each. Every entry
  then carries a *relative* error of order s * n_max * machine epsilon, also the
  1e-50 survival probabilities and the equal or nearly equal rates (Erlang
  chains) where closed-form sums of exponentials cancel catastrophically.
* **Birth-death** (c.w. pumping, up rates present): the generator is made
  conservative by an explicit sink state (the probability pumped above n_max),
  and P = I + Q is squared in the form Q <- Q (P_ii + P_jj) + Q^2 for the
  off-diagonal part (all terms non-negative) with the diagonal of Q set to minus
  its column's off-diagonal sum. Probability is conserved to rounding (~1e-15)
  at every squaring and the slow diagonal entries never round to 1; entries
  carry an *absolute* error of order s * n_max * epsilon.
"""

from __future__ import annotations

import math

import numpy as np

from .threads import with_blas_thread_policy

__all__ = ["generator", "propagate", "propagators", "apply_propagators"]

#: Largest |a_nn| t / 2^s of the scaled generator fed to the Taylor series.
_SCALED_NORM = 0.5
#: Terms of the Taylor series of exp(X), ||X||_1 <= 2 * _SCALED_NORM + 0.5: 1.5^25/25! < 1e-22.
_TAYLOR_TERMS = 25


def _real_array(name: str, values, ndim: int) -> np.ndarray:
    """``values`` as a float array of ``ndim`` dimensions; refuse complex, bool, NaN."""
    arr = np.asarray(values)
    if arr.dtype.kind not in "iuf":
        raise ValueError(f"{name} must hold real numbers, got dtype {arr.dtype}")
    arr = arr.astype(float)
    if arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional, got shape {arr.shape}")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} must be finite")
    if (arr < 0).any():
        raise ValueError(f"{name} must be >= 0, got {float(arr.min())!r}")
    return arr


def generator(up_rate: np.ndarray, down_rate: np.ndarray) -> np.ndarray:
    """Generator matrices of the birth-death chains.

    Parameters
    ----------
    up_rate, down_rate : ndarray, shape (K, S)
        Rates (1/ps) of n -> n+1 and n -> n-1 for each of K classes and
        S = n_max + 1 states.

    Returns
    -------
    ndarray, shape (K, S, S)
        A[c, i, j], the rate from state j to state i (1/ps); columns sum to 0
        except that probability leaving the top state n_max upwards is lost,
        as in the Monte Carlo (where it counts as overflow).
    """
    n_classes, n_states = up_rate.shape
    a = np.zeros((n_classes, n_states, n_states))
    idx = np.arange(n_states)
    a[:, idx, idx] = -(up_rate + down_rate)
    a[:, idx[1:], idx[:-1]] = up_rate[:, :-1]      # n-1 -> n
    a[:, idx[:-1], idx[1:]] = down_rate[:, 1:]     # n+1 -> n
    return a


def _taylor_exp_nonnegative(x: np.ndarray) -> np.ndarray:
    """exp(x) for stacked non-negative matrices of 1-norm <= ~1.5 (Taylor series)."""
    n = x.shape[-1]
    out = np.broadcast_to(np.eye(n), x.shape).copy()
    term = out.copy()
    for j in range(1, _TAYLOR_TERMS + 1):
        term = term @ x / j
        out += term
    return out


def _scalings(a: np.ndarray, times: np.ndarray) -> int:
    """Number s of squarings so that max |a_nn| t / 2^s <= _SCALED_NORM."""
    rate = float(np.max(-np.diagonal(a, axis1=-2, axis2=-1), initial=0.0))
    span = rate * float(np.max(times, initial=0.0))
    if span <= _SCALED_NORM:
        return 0
    return int(math.ceil(math.log2(span / _SCALED_NORM)))


def _expm_triangular(a: np.ndarray, times: np.ndarray) -> np.ndarray:
    """exp(a t) for one upper-bidiagonal generator ``a`` (S, S) at all ``times``: (T, S, S)."""
    s = _scalings(a, times)
    diag = np.diagonal(a).copy()                   # <= 0
    off = np.where(np.eye(a.shape[0], dtype=bool), 0.0, a)   # >= 0
    h = times / 2.0 ** s
    mu = -diag.min(initial=0.0) * h               # shift making the Taylor terms >= 0
    x = off[None] * h[:, None, None] + np.einsum("t,n->tn", h, diag)[:, :, None] \
        * np.eye(a.shape[0])[None] + mu[:, None, None] * np.eye(a.shape[0])[None]
    e = _taylor_exp_nonnegative(np.maximum(x, 0.0)) * np.exp(-mu)[:, None, None]
    idx = np.arange(a.shape[0])
    e[:, idx, idx] = np.exp(np.outer(h, diag))
    for j in range(1, s + 1):
        e = e @ e
        e[:, idx, idx] = np.exp(np.outer(times / 2.0 ** (s - j), diag))
    return e


def _expm_birth_death(a: np.ndarray, leak: float, times: np.ndarray) -> np.ndarray:
    """exp(a t) for one tridiagonal generator ``a`` (S, S) at all ``times``: (T, S, S).

    ``leak`` is the up rate of the top state (1/ps), the only probability leaving the chain.
    """
    n = a.shape[0]
    # A sink state collects what leaves the chain (pumping above n_max): conservative.
    # Its rate is given, not computed as a column sum (rounding would leak probability).
    g = np.zeros((n + 1, n + 1))
    g[:n, :n] = a
    off_mask = ~np.eye(n + 1, dtype=bool)
    g[n, n - 1] = leak
    s = _scalings(g, times)
    h = times / 2.0 ** s
    out_rate = -np.diagonal(g)
    mu = out_rate.max(initial=0.0) * h
    x = g[None] * h[:, None, None] + mu[:, None, None] * np.eye(n + 1)[None]
    e = _taylor_exp_nonnegative(np.maximum(x, 0.0)) * np.exp(-mu)[:, None, None]
    q = np.where(off_mask, e, 0.0)
    idx = np.arange(n + 1)
    for _ in range(s):
        # P_jj = 1 + Q_jj, unclipped: a -1e-17 here keeps every column summing
        # to 1, where clipping it would let the excess double at each squaring.
        p_diag = 1.0 - q.sum(axis=-2)
        q = q * (p_diag[:, :, None] + p_diag[:, None, :]) + q @ q
        q[:, idx, idx] = 0.0
    # Rounding can leave an off-diagonal column sum of 1 + 1e-16 (a vanishing
    # diagonal): rescale such columns so that P stays a stochastic matrix.
    total = q.sum(axis=-2)
    q /= np.maximum(total, 1.0)[:, None, :]
    p = q
    p[:, idx, idx] = np.maximum(1.0 - np.minimum(total, 1.0), 0.0)
    return p[:, :n, :n]


@with_blas_thread_policy
def propagators(up_rate: np.ndarray, down_rate: np.ndarray, times: np.ndarray) -> np.ndarray:
    """Transition matrices exp(A_c t) of the chains at ``times``.

    Parameters
    ----------
    up_rate, down_rate : array_like, shape (K, S)
        Rates (1/ps) of n -> n+1 and n -> n-1, finite and >= 0.
    times : array_like, shape (T,)
        Times (ps), finite and >= 0.

    Returns
    -------
    ndarray, shape (T, K, S, S)
        P[t, c, i, j]: probability of state i at ``times[t]`` starting from
        state j, non-negative; see the module docstring for the method and its
        accuracy.

    Raises
    ------
    ValueError
        If an argument is not a real, finite, non-negative array of the stated shape.
    """
    up = _real_array("up_rate", up_rate, 2)
    down = _real_array("down_rate", down_rate, 2)
    t = _real_array("times", times, 1)
    if up.shape != down.shape:
        raise ValueError(f"up_rate and down_rate must have the same shape, got {up.shape} "
                         f"and {down.shape}")
    a = generator(up, down)
    out = np.empty((t.size,) + a.shape)
    for c in range(a.shape[0]):
        if up[c, :-1].any():
            out[:, c] = _expm_birth_death(a[c], float(up[c, -1]), t)
        else:
            out[:, c] = _expm_triangular(a[c], t)
    return out


@with_blas_thread_policy
def propagate(initial: np.ndarray, up_rate: np.ndarray, down_rate: np.ndarray,
              times: np.ndarray) -> np.ndarray:
    """Exact probabilities of the exciton-number chains at ``times``.

    Parameters
    ----------
    initial : array_like, shape (M, K, S)
        Probabilities p[m, c, n] at t = 0 for M excitation levels, K classes
        and S = n_max + 1 states (real, finite, >= 0).
    up_rate, down_rate : array_like, shape (K, S)
        Rates (1/ps) of n -> n+1 and n -> n-1 (real, finite, >= 0). Up rates
        of the top state are lost probability, as in the Monte Carlo.
    times : array_like, shape (T,)
        Times (ps), >= 0.

    Returns
    -------
    ndarray, shape (M, T, K, S)
        p[m, t, c, n], non-negative. The total probability is conserved to
        ~1e-13 (relative accuracy of every entry for pure decay, absolute for
        birth-death chains), for any ratio of rates and any time.

    Raises
    ------
    ValueError
        If an argument is complex, boolean, non-finite, negative or of the wrong shape.

    Examples
    --------
    A biexciton with a 1e-6 ps lifetime beside a 1e9 ps exciton, followed to
    1e12 ps: the populations sum to 1 and the exciton decays as exp(-t / 1e9 ps).

    >>> import numpy as np
    >>> from ncgain.kinetics.master_equation import propagate
    >>> p = propagate([[[0.0, 0.0, 1.0]]], np.zeros((1, 3)), [[0.0, 1e-9, 1e6]],
    ...               [0.0, 1.0, 1e11, 1e12])
    >>> bool(np.abs(p.sum(axis=-1) - 1).max() < 1e-14)
    True
    >>> bool(np.isclose(p[0, 2, 0, 1], np.exp(-100.0) / (1 - 1e-15), rtol=1e-12))
    True
    """
    return apply_propagators(propagators(up_rate, down_rate, times), initial)


@with_blas_thread_policy
def apply_propagators(prop: np.ndarray, initial: np.ndarray) -> np.ndarray:
    """p[m, t, c, n] from precomputed :func:`propagators` and initial probabilities.

    :func:`propagate` is ``apply_propagators(propagators(up, down, times), initial)``;
    a caller evaluating many initial distributions on one chain keeps ``prop``.

    Parameters
    ----------
    prop : ndarray, shape (T, K, S, S)
        From :func:`propagators`.
    initial : array_like, shape (M, K, S)
        Probabilities at t = 0 (real, finite, >= 0).

    Returns
    -------
    ndarray, shape (M, T, K, S)
    """
    p0 = _real_array("initial", initial, 3)
    if p0.shape[1:] != prop.shape[1:3]:
        raise ValueError(f"initial has shape {p0.shape}; expected (M, {prop.shape[1]}, "
                         f"{prop.shape[2]}) to match the rates")
    return np.einsum("tkij,mkj->mtki", prop, p0)
