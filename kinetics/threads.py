"""One thread policy for the BLAS/LAPACK calls inside kinetics.

Every dense or sparse linear-algebra call of the kinetics solvers (scipy's stiff
BDF solves of the stripe and cavity twins with their LAPACK (tridiagonal) factorisations and
error norms, the eigenvalues of the small-signal analysis, the root solves of the
c.w. steady states, the matrix products of the master equation, ...) runs inside
:func:`blas_thread_policy`, which limits the threads of every loaded BLAS library
(OpenBLAS, MKL, BLIS; through threadpoolctl) to :func:`blas_threads`.

Default: **one thread.** These problems are small dense matrices (a few hundred
rows) and sparse systems with vectors of ~1e4-1e5 entries: one thread computes
them as fast as two on a quiet machine, and on a shared one OpenBLAS' threads
spin-wait for cores that other processes hold. Measured on 2 cores under a
competing 2-process load: the stripe study's BDF error norms (``ndarray.dot``
of ~5e4 entries, which OpenBLAS splits across its threads) took 420 s of a 571 s
run with OpenBLAS' default two threads; the small-signal eigenvalues 6 s instead
of 0.1 s (docs/benchmark.md has the figures). The Numba Monte Carlo kernels are
not affected: their threads are Numba's (``NUMBA_NUM_THREADS``,
:func:`numba.set_num_threads`).

Override, in this order of precedence:

* :func:`set_blas_threads` (``None`` returns to the environment / default);
* the environment variable ``NCGAIN_BLAS_THREADS`` (a positive integer), read at
  each entry into the policy.

The limit is process-wide (BLAS thread counts are global): the first entry sets
it, the last exit restores the libraries' previous setting, also when solver
calls run in several Python threads at once; nested entries cost nothing.
"""

from __future__ import annotations

import functools
import os
import threading
from contextlib import contextmanager

__all__ = ["ENV_VAR", "DEFAULT_BLAS_THREADS", "blas_threads", "set_blas_threads",
           "blas_thread_policy", "with_blas_thread_policy"]

#: Environment variable that overrides the default (a positive integer).
ENV_VAR = "NCGAIN_BLAS_THREADS"
#: BLAS threads inside kinetics' solvers unless overridden (see the module docstring).
DEFAULT_BLAS_THREADS = 1
_MAX_THREADS = 4096

_override: int | None = None
_lock = threading.Lock()
_depth = 0
_active = None          # the threadpoolctl limiter of the outermost entry
_active_limit = DEFAULT_BLAS_THREADS
_controller = None      # cached: building one scans the loaded libraries (~2 ms)


def _check_threads(name: str, value) -> int:
    try:
        ok = int(value) == float(value) and 1 <= int(value) <= _MAX_THREADS
    except (TypeError, ValueError):
        ok = False
    if isinstance(value, bool) or not ok:
        raise ValueError(f"{name} = {value!r} must be an integer number of threads in "
                         f"[1, {_MAX_THREADS}]")
    return int(value)


def blas_threads() -> int:
    """BLAS threads the policy allows: the setter's value, else the environment, else 1.

    Returns
    -------
    int
        The limit applied inside :func:`blas_thread_policy`.

    Raises
    ------
    ValueError
        If ``NCGAIN_BLAS_THREADS`` is set but is not an integer in [1, 4096].
    """
    if _override is not None:
        return _override
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return _check_threads(ENV_VAR, env)
    return DEFAULT_BLAS_THREADS


def set_blas_threads(threads: int | None) -> None:
    """Set the BLAS thread limit of kinetics' solvers for this process.

    Parameters
    ----------
    threads : int or None
        Threads per BLAS call, in [1, 4096]; ``None`` returns to ``NCGAIN_BLAS_THREADS``
        or the default of 1. Takes effect at the next outermost solver call.

    Raises
    ------
    ValueError
        If ``threads`` is neither None nor an integer in [1, 4096].

    Examples
    --------
    >>> from ncgain.kinetics import threads
    >>> threads.set_blas_threads(2)
    >>> threads.blas_threads()
    2
    >>> threads.set_blas_threads(None)
    """
    global _override
    _override = None if threads is None else _check_threads("threads", threads)


def _limiter(limit: int):
    global _controller
    from threadpoolctl import ThreadpoolController
    if _controller is None:
        _controller = ThreadpoolController()
    return _controller.limit(limits=limit, user_api="blas")


@contextmanager
def blas_thread_policy():
    """Context in which every BLAS library runs with :func:`blas_threads` threads.

    Yields
    ------
    int
        The limit in force.

    Raises
    ------
    ValueError
        If ``NCGAIN_BLAS_THREADS`` is invalid (before any work).

    Examples
    --------
    >>> import numpy as np
    >>> from threadpoolctl import threadpool_info
    >>> from ncgain.kinetics.threads import blas_thread_policy
    >>> with blas_thread_policy() as limit:
    ...     inside = {i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"}
    >>> inside == {limit}
    True
    """
    global _depth, _active, _active_limit
    limit = blas_threads()
    with _lock:
        if _depth == 0:
            _active, _active_limit = _limiter(limit), limit
        _depth += 1
        in_force = _active_limit
    try:
        yield in_force
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                _active.restore_original_limits()
                _active = None


def with_blas_thread_policy(func):
    """Decorator: run ``func`` inside :func:`blas_thread_policy`.

    Parameters
    ----------
    func : callable
        A solver that calls BLAS/LAPACK (directly or through numpy/scipy).

    Returns
    -------
    callable
        ``func`` wrapped, same signature and docstring.
    """
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with blas_thread_policy():
            return func(*args, **kwargs)
    return wrapper
