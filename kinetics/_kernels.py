"""Numba Monte Carlo kernels: small, physics-free loops over plain arrays.

Random numbers are counter-based: draw k of nanocrystal i is a pure function of
(seed, i, k), built from the SplitMix64 mixing function (Steele, Lea & Flood,
"Fast splittable pseudorandom number generators", OOPSLA 2014). Which thread
simulates a NC therefore never changes what it draws, and because the kernels
accumulate integer counts (exact, associative sums), one seed gives
bit-identical output for any number of threads or chunk sizes.
"""

from __future__ import annotations

import os

# Idle OpenMP threads sleep instead of spinning (unless the user chose otherwise):
# set before Numba starts its thread pool. The cavity Monte Carlo synchronises its
# threads once per step; on a shared machine a spinning thread burns the core the
# delayed one needs (measured in docs/benchmark.md: 2 threads under a load average
# of 4, 1e6 NCs, 20 ps: 6.9e7 NC-steps/s spinning, 9.6e7 sleeping).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np  # noqa: E402
from numba import njit, prange  # noqa: E402

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_STREAM = np.uint64(0xD1B54A32D192ED03)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_TWO_M53 = 1.0 / 9007199254740992.0


@njit(cache=True, inline="always")
def _mix64(z):
    """SplitMix64 finalizer: a bijective avalanche hash of a 64-bit word."""
    z = (z ^ (z >> _S30)) * _MIX1
    z = (z ^ (z >> _S27)) * _MIX2
    return z ^ (z >> _S31)


@njit(cache=True, inline="always")
def _stream_key(seed_key, index):
    """Key of the random stream of NC ``index`` (uint64) under ``seed_key``."""
    return _mix64(seed_key + np.uint64(index) * _STREAM)


@njit(cache=True, inline="always")
def _uniform(key, counter):
    """Draw ``counter`` of stream ``key``: a double in the open interval (0, 1)."""
    x = _mix64(key + np.uint64(counter) * _GOLDEN)
    return (np.float64(x >> _S11) + 0.5) * _TWO_M53


@njit(cache=True)
def seed_key(seed):
    """Hash a user seed (0 <= seed < 2**63) into the kernel's stream-key base."""
    return _mix64(np.uint64(seed) ^ np.uint64(0x6A09E667F3BCC909))


@njit(cache=True)
def uniforms(key_base, index, n):
    """The first ``n`` uniforms of NC ``index``'s stream (for tests of the generator)."""
    key = _stream_key(np.uint64(key_base), index)
    out = np.empty(n)
    for k in range(n):
        out[k] = _uniform(key, k)
    return out


@njit(cache=True, inline="always")
def _search_cdf(cdf, u):
    """Smallest index j with u <= cdf[j]; len(cdf) if u exceeds cdf[-1]."""
    j = 0
    n = cdf.shape[0]
    while j < n and u > cdf[j]:
        j += 1
    return j


@njit(parallel=True, cache=True)
def _birth_death_counts(key_base, first_nc, n_nc, class_cdf, initial_cdf, up_rate,
                        down_rate, times, n_bins, counts, n_events, n_overflow):
    """Simulate ``n_nc`` independent birth-death chains and count states at ``times``.

    NC i (global index ``first_nc + i``) draws its class c from ``class_cdf``,
    its inhomogeneous-energy bin b uniformly among ``n_bins`` equal-probability
    bins, and, for every excitation level m, its initial state from
    ``initial_cdf[m, c]``; it then jumps n -> n+1 with rate ``up_rate[c, n]`` and
    n -> n-1 with rate ``down_rate[c, n]`` (exact event-driven sampling, no time
    step) and adds 1 to ``counts[part, m, j, c, n, b]`` at each record time
    ``times[j]``. Each sojourn in a state writes two differences along the time
    axis (O(events) writes per NC, not one per record time); a prefix sum over
    time at the end of each part turns them into counts. Every level m reuses
    the same random draws (common random numbers), so curves versus excitation
    level are smooth.

    Parameters are plain arrays: class_cdf (K,), initial_cdf (M, K, S),
    up_rate and down_rate (K, S) in 1/ps, times (T,) increasing in ps,
    counts (P, M, T, K, S, B) int64, n_events and n_overflow (P,) int64,
    where P = counts.shape[0] is the number of parts run in parallel.
    """
    key_base = np.uint64(key_base)  # int64 + uint64 would silently promote to float64
    n_parts = counts.shape[0]
    n_levels = initial_cdf.shape[0]
    n_classes = class_cdf.shape[0]
    n_states = initial_cdf.shape[2]
    n_times = times.shape[0]
    for part in prange(n_parts):
        lo = first_nc + (n_nc * part) // n_parts
        hi = first_nc + (n_nc * (part + 1)) // n_parts
        events = 0
        overflow = 0
        # counts[part] first receives differences along time: +1 at the first
        # record time of a sojourn in state n, -1 at the first record time after it.
        for i in range(lo, hi):
            key = _stream_key(key_base, i)
            c = 0
            if n_classes > 1:
                c = min(_search_cdf(class_cdf, _uniform(key, 0)), n_classes - 1)
            b = min(int(_uniform(key, 1) * n_bins), n_bins - 1)
            for m in range(n_levels):
                counter = 2
                n = _search_cdf(initial_cdf[m, c], _uniform(key, counter))
                counter += 1
                if n >= n_states:
                    overflow += 1
                    continue
                t = 0.0
                t_next = np.inf
                up = up_rate[c, n]
                total = up + down_rate[c, n]
                if total > 0.0:
                    t_next = -np.log(_uniform(key, counter)) / total
                    counter += 1
                j = 0
                while True:
                    j0 = j
                    if t_next > times[n_times - 1]:   # no more jumps by the last time
                        j = n_times
                    else:                             # times[j] >= t_next exists
                        while times[j] < t_next:
                            j += 1
                    if j > j0:
                        counts[part, m, j0, c, n, b] += 1
                        if j < n_times:
                            counts[part, m, j, c, n, b] -= 1
                    if j >= n_times:
                        break
                    t = t_next
                    if up > 0.0 and _uniform(key, counter) * total < up:
                        n += 1
                    else:
                        n -= 1
                    if up > 0.0:
                        counter += 1
                    events += 1
                    if n >= n_states:
                        overflow += 1
                        break
                    up = up_rate[c, n]
                    total = up + down_rate[c, n]
                    t_next = np.inf
                    if total > 0.0:
                        t_next = t - np.log(_uniform(key, counter)) / total
                        counter += 1
        for m in range(n_levels):
            for j in range(1, n_times):
                for c in range(counts.shape[3]):
                    for n in range(counts.shape[4]):
                        for b in range(counts.shape[5]):
                            counts[part, m, j, c, n, b] += counts[part, m, j - 1, c, n, b]
        n_events[part] = events
        n_overflow[part] = overflow
