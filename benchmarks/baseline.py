"""The baselines of the pulsed benchmark: a vectorized NumPy implementation and the random-number floor."""

from __future__ import annotations

import time

import numpy as np

from .workload import WORKLOAD

__all__ = ["numpy_pulsed_counts", "rng_floor"]


# ----------------------------------------------------------------------------- NumPy baseline

def numpy_pulsed_counts(table, mean_excitons: float, times, n_nanocrystals: int, *, seed=0,
                        chunk_size: int = 1 << 20):
    """The same process as the Numba kernel, vectorized over NCs with NumPy.

    Each NC draws its size class, a Poisson initial exciton number (mean
    ``pump_scale[c] * mean_excitons``), then jumps n -> n+1 / n -> n-1 with the
    rates of ``table`` (exact event-driven sampling). The loop runs over *event
    generations*: all NCs still alive draw their next holding time at once, the
    record times spanned by the current state are found by ``searchsorted``, and
    the state is counted there through a difference array (+1 where a state
    starts to be recorded, -1 where it stops; a cumulative sum over time at the
    end), so the cost per NC is O(events), not O(record times).

    Parameters
    ----------
    table : models.state_table.StateTable
    mean_excitons : float
        <N> right after the pulse.
    times : array_like
        Record times (ps), increasing.
    n_nanocrystals : int
    seed : int
        Seed of ``numpy.random.default_rng`` (a different generator from the
        kernel's: statistically, not bitwise, equivalent).
    chunk_size : int
        NCs vectorized at once (bounds memory).

    Returns
    -------
    counts : ndarray of int64, shape (T, K, n_max + 1)
        Number of NCs in class c holding n excitons at ``times[j]``.
    n_events : int
        Jumps that happened at or before the last record time (the kernel's
        definition).
    n_overflow : int
        NCs that reached a state above ``n_max`` (no longer counted).
    """
    times = np.asarray(times, float)
    n_times = times.size
    n_classes = table.n_classes
    n_states = table.n_max + 1
    rng = np.random.default_rng(seed)
    up = np.asarray(table.up_rate, float).ravel()
    total = up + np.asarray(table.decay_rate, float).ravel()
    with np.errstate(divide="ignore"):
        inv_total = np.where(total > 0.0, 1.0 / np.where(total > 0.0, total, 1.0), np.inf)
    p_up = np.where(total > 0.0, up / np.where(total > 0.0, total, 1.0), 0.0)
    any_up = bool((up > 0.0).any())
    lam = float(mean_excitons) * np.asarray(table.pump_scale, float)
    weights = np.asarray(table.class_weight, float)
    size = (n_times + 1) * n_classes * n_states     # time index n_times = "never stops"
    diff = np.zeros(size, dtype=np.int64)
    n_events = 0
    n_overflow = 0
    for first in range(0, int(n_nanocrystals), int(chunk_size)):
        n = min(int(chunk_size), int(n_nanocrystals) - first)
        if n_classes > 1:
            cls = rng.choice(n_classes, size=n, p=weights)
            state = rng.poisson(lam[cls])
        else:
            cls = np.zeros(n, dtype=np.intp)
            state = rng.poisson(lam[0], size=n)
        ok = state < n_states
        if not ok.all():
            n_overflow += int(n - ok.sum())
            cls, state = cls[ok], state[ok]
        t = np.zeros(state.size)
        j_lo = np.searchsorted(times, t, side="left")
        while state.size:
            flat = cls * n_states + state
            t = t + rng.standard_exponential(state.size) * inv_total[flat]
            j_hi = np.searchsorted(times, t, side="left")
            # state `flat` is recorded at times[j] for j_lo <= j < j_hi
            row = n_classes * n_states
            diff += np.bincount(j_lo * row + flat, minlength=size)
            diff -= np.bincount(j_hi * row + flat, minlength=size)
            alive = j_hi < n_times                     # the jump happens by times[-1]
            n_events += int(alive.sum())
            cls, state, t, j_lo, flat = cls[alive], state[alive], t[alive], j_hi[alive], flat[alive]
            if any_up:
                state = state + np.where(rng.random(state.size) < p_up[flat], 1, -1)
            else:
                state = state - 1
            ok = state < n_states
            if not ok.all():
                n_overflow += int(state.size - ok.sum())
                cls, state, t, j_lo = cls[ok], state[ok], t[ok], j_lo[ok]
    counts = np.cumsum(diff.reshape(n_times + 1, n_classes, n_states), axis=0)[:n_times]
    return counts, n_events, n_overflow


# ----------------------------------------------------------------------------- RNG floor

_FLOOR_KERNELS = {}


def _floor_kernels():
    """The random-number-floor loops (benchmarks/_floor_kernels.py), loaded once per process."""
    if _FLOOR_KERNELS:
        return _FLOOR_KERNELS
    from ._floor_kernels import floor_recurrence, floor_table
    _FLOOR_KERNELS["table"] = floor_table
    _FLOOR_KERNELS["recurrence"] = floor_recurrence
    return _FLOOR_KERNELS


def rng_floor(n_nanocrystals: int, repeats: int = 3, lam: float = 2.0) -> dict:
    """NCs/s of the random-number floor on this process's numba threads (best of repeats).

    Parameters
    ----------
    n_nanocrystals : int
        NCs per timed call.
    repeats : int, default 3
        Timed calls; the best counts.
    lam : float, default 2.0
        Poisson mean of the initial exciton number (the workload's ⟨N⟩).

    Returns
    -------
    dict
        ``threads``, ``n_nanocrystals``, ``variants`` (seconds and NCs/s of each
        Poisson inversion) and the fastest variant's ``ncs_per_s`` and
        ``ncs_per_s_per_thread``.
    """
    import numba
    from scipy import stats

    from ncgain.kinetics._kernels import seed_key

    kernels = _floor_kernels()
    n_parts = numba.get_num_threads()
    out = np.zeros(n_parts)
    key = np.uint64(seed_key(WORKLOAD["seed"]))
    cdf = np.cumsum(stats.poisson.pmf(np.arange(31), lam))
    args = {"table": cdf, "recurrence": float(lam)}
    result = {}
    for name, kernel in kernels.items():
        kernel(key, 1000, n_parts, args[name], out)          # compile + warm
        best = np.inf
        for _ in range(repeats):
            t0 = time.perf_counter()
            kernel(key, int(n_nanocrystals), n_parts, args[name], out)
            best = min(best, time.perf_counter() - t0)
        result[name] = {"seconds": best, "ncs_per_s": n_nanocrystals / best,
                        "ncs_per_s_per_thread": n_nanocrystals / best / n_parts}
    # The floor is the faster of the two (the tabulated CDF is what the engine uses).
    fastest = max(result.values(), key=lambda r: r["ncs_per_s"])
    return {"threads": n_parts, "n_nanocrystals": int(n_nanocrystals), "variants": result,
            "ncs_per_s": fastest["ncs_per_s"],
            "ncs_per_s_per_thread": fastest["ncs_per_s_per_thread"]}
