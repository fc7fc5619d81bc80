"""The random-number-floor loops of the pulsed benchmark (:func:`.baseline.rng_floor`).

Numba kernels of their own module, cached on disk like the engine's (``cache=True``): the
benchmark's two throughput interpreters (1 and 2 threads) compile them once between them.
"""

import numpy as np
from numba import njit, prange

from ncgain.kinetics._kernels import _stream_key, _uniform

__all__ = ["floor_table", "floor_recurrence"]


@njit(parallel=True, cache=True)
def floor_table(key_base, n_nc, n_parts, cdf, out):
    """One uniform, a Poisson by inversion of a tabulated CDF and two exponentials per NC.

    Parameters
    ----------
    key_base : int
        Stream key of the seed (``ncgain.kinetics._kernels.seed_key``).
    n_nc : int
        NCs, split into ``n_parts`` parallel parts.
    n_parts : int
        Parallel parts (the benchmark uses one per Numba thread).
    cdf : numpy.ndarray
        The Poisson CDF at k = 0, 1, ...
    out : numpy.ndarray
        (n_parts,) output: each part's sum of the draws (keeps them from being optimised
        away).
    """
    key_base = np.uint64(key_base)
    n_cdf = cdf.shape[0]
    for part in prange(n_parts):
        lo = (n_nc * part) // n_parts
        hi = (n_nc * (part + 1)) // n_parts
        acc = 0.0
        for i in range(lo, hi):
            key = _stream_key(key_base, i)
            u = _uniform(key, 0)
            k = 0
            while k < n_cdf and u > cdf[k]:
                k += 1
            acc += k - np.log(_uniform(key, 1)) - np.log(_uniform(key, 2))
        out[part] = acc


@njit(parallel=True, cache=True)
def floor_recurrence(key_base, n_nc, n_parts, lam, out):
    """As :func:`floor_table`, the Poisson by sequential search (p_k = p_{k-1} lam / k).

    Parameters
    ----------
    key_base, n_nc, n_parts, out
        As :func:`floor_table`.
    lam : float
        The Poisson mean.
    """
    key_base = np.uint64(key_base)
    p0 = np.exp(-lam)
    for part in prange(n_parts):
        lo = (n_nc * part) // n_parts
        hi = (n_nc * (part + 1)) // n_parts
        acc = 0.0
        for i in range(lo, hi):
            key = _stream_key(key_base, i)
            u = _uniform(key, 0)
            k = 0
            p = p0
            s = p0
            while u > s and k < 200:
                k += 1
                p *= lam / k
                s += p
            acc += k - np.log(_uniform(key, 1)) - np.log(_uniform(key, 2))
        out[part] = acc
