"""Workers for the posterior: a process count, a Pool-like object, or a dask client.

emcee evaluates the log-probability of all walkers of one half-ensemble through
``pool.map``; the random numbers stay in the calling process, so the chain is the same
(bit for bit) whatever evaluates the walkers. A ``dask.distributed.Client`` -- the one the
sweep machinery (:mod:`ncgain.studies.sweep`) connects to a local or remote cluster -- is
wrapped in :class:`DaskPool`.
"""

from __future__ import annotations

__all__ = ["DaskPool", "resolve_workers"]


class DaskPool:
    """A ``map`` over a dask.distributed client, in the order of its inputs.

    Parameters
    ----------
    client : distributed.Client
        A connected client.
    """

    def __init__(self, client):
        self.client = client

    def map(self, function, iterable) -> list:
        """``[function(x) for x in iterable]``, evaluated on the cluster's workers.

        Parameters
        ----------
        function : callable
            Picklable (cloudpickle) function of one argument.
        iterable : iterable

        Returns
        -------
        list
        """
        futures = self.client.map(function, list(iterable), pure=False)
        return self.client.gather(futures)


def _is_dask_client(obj) -> bool:
    return all(hasattr(obj, a) for a in ("submit", "gather", "map", "scheduler_info"))


def resolve_workers(workers):
    """Check ``workers`` and return what lmfit's ``emcee(workers=...)`` takes.

    Parameters
    ----------
    workers : int, Pool-like or distributed.Client
        1: this process; n > 1: a multiprocessing pool of n processes (lmfit spawns it);
        an object with ``map`` (``multiprocessing.Pool``, ``concurrent.futures``'
        executors' map is not list-valued and is wrapped too); a dask client.

    Returns
    -------
    int or object with ``map``

    Raises
    ------
    ValueError
        For anything else (a bool, a float, an integer < 1).
    """
    if _is_dask_client(workers):
        return DaskPool(workers)
    if isinstance(workers, bool):
        raise ValueError(f"workers = {workers!r} is outside the allowed range: an integer "
                         ">= 1, a Pool-like object with map, or a dask.distributed.Client")
    if hasattr(workers, "map") and callable(workers.map):
        return _ListPool(workers)
    try:
        import numpy as np
        ok = isinstance(workers, (int, np.integer)) and workers >= 1
    except ImportError:      # pragma: no cover
        ok = False
    if not ok:
        raise ValueError(f"workers = {workers!r} is outside the allowed range: an integer "
                         ">= 1, a Pool-like object with map, or a dask.distributed.Client")
    return int(workers)


class _ListPool:
    """A Pool-like object whose ``map`` returns a list (executors return iterators)."""

    def __init__(self, pool):
        self.pool = pool

    def map(self, function, iterable) -> list:
        return list(self.pool.map(function, iterable))
