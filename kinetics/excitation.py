"""Pulsed excitation: the distribution of exciton numbers right after the pump.

``statistics="poisson"`` (the physical default): a NC of size class c holds
n ~ Poisson(lambda_c) excitons with lambda_c = pump_scale_c * <N>, since
absorption events of independent pump photons are Poisson distributed.

``statistics="single"``: the paper's idealization behind its threshold formula:
no NC holds more than one exciton, p1 = lambda_c <= 1, p0 = 1 - p1.
"""

from __future__ import annotations

import functools

import numpy as np

__all__ = ["STATISTICS", "initial_distribution", "required_n_max", "poisson_tail"]

STATISTICS = ("poisson", "single")

#: Largest Poisson mass allowed beyond n_max (exact reference truncation error).
TAIL_TOLERANCE = 1e-10
#: Largest expected number of Monte Carlo NCs drawn beyond n_max in one run.
EXPECTED_OVERFLOW = 1e-4


def poisson_tail(n_max: int, mean: float) -> float:
    """P(n > n_max) for n ~ Poisson(mean).

    Parameters
    ----------
    n_max : int
        Highest represented exciton number.
    mean : float
        Poisson mean ⟨N⟩ (excitons per NC), >= 0.

    Returns
    -------
    float
        The probability of more than ``n_max`` excitons.

    Examples
    --------
    >>> from ncgain.kinetics import excitation
    >>> round(excitation.poisson_tail(0, 1.0), 6)   # 1 - exp(-1)
    0.632121
    """
    return _poisson_tail(int(n_max), float(mean))


@functools.lru_cache(maxsize=4096)
def _poisson_tail(n_max: int, mean: float) -> float:
    # memoized (pure; scipy's sf costs ~0.1 ms a call, and a fit repeats the same few)
    from scipy import stats     # (lazily: scipy.stats costs ~0.4 s of every `import ncgain`)
    return float(stats.poisson.sf(n_max, mean))


def allowed_tail(n_nanocrystals: int) -> float:
    """Largest Poisson tail beyond n_max for a run of ``n_nanocrystals`` NCs.

    Parameters
    ----------
    n_nanocrystals : int
        Ensemble size of the run.

    Returns
    -------
    float
        min(TAIL_TOLERANCE, EXPECTED_OVERFLOW / n_nanocrystals).
    """
    return min(TAIL_TOLERANCE, EXPECTED_OVERFLOW / max(int(n_nanocrystals), 1))


def required_n_max(max_mean: float, degeneracy: int, n_nanocrystals: int) -> int:
    """Smallest n_max >= degeneracy whose Poisson tail is below :func:`allowed_tail`.

    Parameters
    ----------
    max_mean : float
        Largest mean exciton number ⟨N⟩ of the run (excitons per NC).
    degeneracy : int
        Band-edge degeneracy g of the sample.
    n_nanocrystals : int
        Ensemble size of the run.

    Returns
    -------
    int
        The number of exciton states to represent, minus one.
    """
    return _required_n_max(float(max_mean), int(degeneracy), int(n_nanocrystals))


@functools.lru_cache(maxsize=4096)
def _required_n_max(max_mean: float, degeneracy: int, n_nanocrystals: int) -> int:
    # memoized: a fit asks for the same few <N> thousands of times (each scipy sf ~0.1 ms)
    tol = allowed_tail(n_nanocrystals)
    lo = max(int(degeneracy), 1)
    if poisson_tail(lo, max_mean) <= tol:
        return lo
    # The tail falls with n: bracket by doubling, then bisect (O(log n) evaluations).
    hi = 2 * lo
    while poisson_tail(hi, max_mean) > tol:
        lo, hi = hi, 2 * hi
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if poisson_tail(mid, max_mean) > tol:
            lo = mid
        else:
            hi = mid
    return hi


def initial_distribution(mean_excitons: np.ndarray, pump_scale: np.ndarray, n_max: int,
                         statistics: str) -> np.ndarray:
    """Initial probabilities p[m, c, n] of n = 0 ... n_max excitons.

    Parameters
    ----------
    mean_excitons : ndarray, shape (M,)
        Ensemble mean exciton numbers <N> right after the pulse.
    pump_scale : ndarray, shape (K,)
        Per-class pump cross-section relative to the ensemble mean.
    n_max : int
        Highest represented exciton number.
    statistics : {"poisson", "single"}
        Poisson numbers of excitons, or at most one exciton per NC (p1 = ⟨N⟩).

    Returns
    -------
    ndarray, shape (M, K, n_max + 1)
        The probabilities. For Poisson statistics the mass beyond n_max (at most the tail tolerance
        checked by the caller) is not represented.
    """
    lam = np.asarray(mean_excitons, float)[:, None] * np.asarray(pump_scale, float)[None, :]
    n = np.arange(n_max + 1)
    if statistics == "poisson":
        from scipy import stats     # (lazily, as in _poisson_tail)
        return stats.poisson.pmf(n[None, None, :], lam[..., None])
    p = np.zeros(lam.shape + (n_max + 1,))
    p[..., 0] = 1.0 - lam
    p[..., 1] = lam
    return p
