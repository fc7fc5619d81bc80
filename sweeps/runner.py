"""Running a sweep: serial, on an embedded dask LocalCluster, or on an existing cluster."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable
from pathlib import Path

import xarray as xr

from ncgain import fileio as _io

from .checks import available_cores, point_seed, _positive_int
from .definition import Sweep, _batch_task, _point_task
from .observables import OBSERVABLES
from .store import _Store, _assemble

__all__ = ["run", "local_cluster"]

#: Tasks per worker a sweep's missing points are split into (load balance) ...
TASKS_PER_WORKER = 4
#: ... with at most this many points per task (what an interruption can lose in flight).
MAX_BATCH = 16


def _batches(missing: list, n_workers: int) -> list:
    """Consecutive runs of ``missing`` of equal size, TASKS_PER_WORKER per worker.

    A task per point costs a scheduler round trip and a result message each (~6 ms
    per point measured on 2 cores, against 41 ms of work): batching amortises it.
    """
    size = max(1, min(MAX_BATCH, len(missing) // (TASKS_PER_WORKER * max(n_workers, 1))))
    return [missing[i:i + size] for i in range(0, len(missing), size)]


# ============================================================================ running

def _is_address(scheduler) -> bool:
    return isinstance(scheduler, str) and scheduler not in ("serial", "local")


def run(sweep: Sweep, store, *, scheduler=None, workers: int | None = None,
        numba_threads: int | None = None, progress: bool = False, retries: int = 2,
        _after_point: Callable[[int], None] | None = None) -> xr.Dataset:
    """Compute the missing points of ``sweep`` into ``store`` and assemble the dataset.

    Parameters
    ----------
    sweep : Sweep
        The definition.
    store : str or Path
        Output folder (created). Holds ``sweep.json``, ``points/`` and, when
        every point is done, ``sweep.nc``.
    scheduler : None, "local", "serial", str or distributed.Client, default None
        None or "local": an embedded ``LocalCluster`` of ``workers`` single-threaded
        processes (closed at the end). "serial": in this process, no dask. Any
        other string: the address of a running dask scheduler
        (``"tcp://host:8786"``). A ``distributed.Client``: used as is (not closed).
    workers : int, optional
        Workers of the embedded cluster; default: the available cores, at most
        the number of missing points.
    numba_threads : int, optional
        Numba threads per point. Default: ``max(1, cores // workers)`` on the
        embedded cluster, 1 on an existing cluster, Numba's setting in serial.
    progress : bool, default False
        Show a progress bar over the points (with the time left).
    retries : int, default 2
        Extra attempts of a point whose task raised on a worker (a *killed*
        worker's points are rescheduled by dask regardless).
    _after_point : callable, optional
        Called with the index of each point once it is stored (the tests use it
        to interrupt a run or kill a worker at a known moment).

    Returns
    -------
    xarray.Dataset
        One dimension per swept field (``point`` for a list of points) plus the
        observable's own dimensions; written to ``STORE/sweep.nc``.

    Raises
    ------
    ValueError
        Invalid points (naming the point), a store holding a different sweep,
        bad scheduler/worker settings -- all before any point is computed.
    KeyboardInterrupt
        Re-raised after a clean stop; the points finished so far stay stored.

    Examples
    --------
    >>> import tempfile
    >>> sw = Sweep("type-ii", {"delta_xx": [0.05, 0.1]}, "threshold", options={"time": [3.0]})
    >>> ds = run(sw, tempfile.mkdtemp(), scheduler="serial")
    >>> ds.threshold.dims
    ('delta_xx', 'time', 'probe', 'loss_fraction')
    """
    if not isinstance(sweep, Sweep):
        raise ValueError(f"sweep must be a sweeps.Sweep, got {sweep!r}")
    if workers is not None:
        workers = _positive_int("workers", workers, 1, 4096)
        if scheduler not in (None, "local"):
            raise ValueError("workers applies to the embedded local cluster only "
                             f"(scheduler = {scheduler!r})")
    if numba_threads is not None:
        numba_threads = _positive_int("numba_threads", numba_threads, 1, 4096)
    _positive_int("retries", retries, 0, 100)
    _check_scheduler(scheduler)
    samples = sweep.point_samples()          # every point valid, before any work
    with _connected(scheduler) as scheduler:  # an address is reached before the store exists
        path = Path(store)
        new_dir, new_store = not path.exists(), not (path / "sweep.json").exists()
        store = _Store(path, sweep).open()
        try:
            with store.lock():
                missing = sorted(set(range(sweep.n_points)) - store.done())
                if missing:
                    _compute_missing(sweep, store, samples, missing, scheduler=scheduler,
                                     workers=workers, numba_threads=numba_threads,
                                     progress=progress, retries=retries,
                                     after_point=_after_point)
                ds = _assemble(store)
                _io.write_netcdf(ds, store.dataset)
        except BaseException:
            # A start that failed before any point was stored leaves no store behind, so
            # the corrected command is not refused as "a different sweep".
            if new_store:
                store.discard_if_empty(remove_folder=new_dir)
            raise
    return ds


def _check_scheduler(scheduler) -> None:
    """The scheduler argument's type and, for an address, its form (no connection yet)."""
    if scheduler is None or scheduler in ("local", "serial"):
        return
    if _is_address(scheduler):
        from distributed.comm.addressing import parse_address
        from distributed.comm.registry import get_backend
        try:
            get_backend(parse_address(scheduler, strict=True)[0])
        except ValueError as exc:
            raise ValueError(f"scheduler = {scheduler!r} is not a dask scheduler address like "
                             f"'tcp://host:8786' ({exc})") from None
        return
    from distributed import Client
    if not isinstance(scheduler, Client):
        raise ValueError(f"scheduler = {scheduler!r}: expected None, 'local', 'serial', an "
                         "address like 'tcp://host:8786' or a distributed.Client")


@contextlib.contextmanager
def _connected(scheduler):
    """An address becomes a connected Client (closed at the end); anything else passes."""
    if not _is_address(scheduler):
        yield scheduler
        return
    import socket

    from distributed import Client
    from distributed.comm.addressing import parse_address, parse_host_port
    scheme, location = parse_address(scheduler, strict=True)
    if scheme == "tcp":
        # A plain socket first: a refused or unreachable address fails in seconds, without
        # the tracebacks a half-built Client prints when it is collected.
        try:
            socket.create_connection(parse_host_port(location), timeout=10).close()
        except (OSError, ValueError) as exc:
            raise ValueError(f"scheduler = {scheduler!r}: cannot connect ({exc})") from None
    try:
        # Not the process's default client: a failed or finished connection must not make
        # later dask-aware calls (xarray's netCDF locks) talk to this scheduler.
        client = Client(scheduler, timeout="20s", set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ValueError(f"scheduler = {scheduler!r}: cannot connect ({exc})") from None
    try:
        yield client
    finally:
        client.close()


def _bar(total, initial, desc, progress):
    if not progress:
        return None
    from tqdm.auto import tqdm
    return tqdm(total=total, initial=initial, unit="point", desc=desc, smoothing=0.1)


def _compute_missing(sweep, store, samples, missing, *, scheduler, workers, numba_threads,
                     progress, retries, after_point):
    obs = OBSERVABLES[sweep.observable]
    seeds = {i: point_seed(sweep.seed, i) for i in missing}
    bar = _bar(sweep.n_points, sweep.n_points - len(missing), f"sweep {sweep.observable}",
               progress)
    try:
        if scheduler == "serial":
            for i in missing:
                result = _point_task(obs.compute, samples[i], sweep.options, seeds[i],
                                     numba_threads)
                store.write_point(i, result)
                if bar is not None:
                    bar.update(1)
                if after_point is not None:
                    after_point(i)
            return
        with _client(scheduler, workers, len(missing), numba_threads) as (client, threads):
            _run_distributed(client, threads, sweep, store, samples, missing, seeds, obs,
                             retries, bar, after_point)
    finally:
        if bar is not None:
            bar.close()


@contextlib.contextmanager
def _client(scheduler, workers, n_missing, numba_threads):
    import logging

    from distributed import Client, LocalCluster
    if isinstance(scheduler, Client):
        with scheduler.as_current():   # as_completed finds it (it may not be the default)
            yield scheduler, numba_threads or 1
        return
    if _is_address(scheduler):
        try:
            client = Client(scheduler, timeout="20s")
        except (OSError, TimeoutError) as exc:
            raise ValueError(f"scheduler = {scheduler!r}: cannot connect ({exc})") from None
        try:
            yield client, numba_threads or 1
        finally:
            client.close()
        return
    if scheduler not in (None, "local"):
        raise ValueError(f"scheduler = {scheduler!r}: expected None, 'local', 'serial', an "
                         "address like 'tcp://host:8786' or a distributed.Client")
    cores = available_cores()
    n = min(workers or cores, max(n_missing, 1))
    threads = numba_threads or max(1, cores // n)
    env = {"NUMBA_NUM_THREADS": str(threads), "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
           "OPENBLAS_NUM_THREADS": "1"}
    # Ctrl-C in a terminal signals the whole process group: the worker processes must leave
    # it to this process, which cancels the points and closes the cluster. The cluster
    # starts in a helper thread with SIGINT blocked (the threads and worker processes it
    # creates inherit the mask; restarted workers also get SIG_IGN from the plugin); a
    # SIGINT/SIGTERM meanwhile ends the start-up at once (sweeps._startup).
    import dask
    from . import _startup

    def make():
        # No statistical profiler in the workers (it samples every 10 ms: CPU taken from
        # the points, and nobody looks at the dashboard of an embedded cluster).
        with dask.config.set({"distributed.worker.profile.enabled": False}):
            # No dashboard; the scheduler's remaining HTTP routes (health, metrics) go to a
            # free port, not 8787, which another cluster on this machine may hold.
            cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                   dashboard_address=None,
                                   scheduler_kwargs={"dashboard_address": ":0"}, env=env,
                                   # A point that fails reaches the client through its
                                   # future; dask's own messages (e.g. a worker's
                                   # heartbeat failing while the cluster closes after
                                   # Ctrl-C) would be noise.
                                   silence_logs=logging.CRITICAL)
        try:
            client = Client(cluster)
            from ._dask_plugins import IgnoreInterrupt
            client.register_plugin(IgnoreInterrupt())
        except BaseException:
            cluster.close()
            raise
        return cluster, client

    environ = dict(os.environ)
    try:
        if threading.current_thread() is threading.main_thread():
            cluster, client = _startup.start_in_thread(make)
        else:   # no signal reaches this thread: start here
            cluster, client = make()
    finally:
        _restore_environ(environ)
    try:
        yield client, threads
    finally:
        with _io.critical():   # a further signal waits until the workers are gone
            client.close()
            cluster.close()
        _restore_environ(environ)   # a worker restarted meanwhile set them again


def _restore_environ(before: dict) -> None:
    """Undo the changes made to ``os.environ`` since ``before`` was taken.

    dask's Nanny sets ``distributed.nanny.pre-spawn-environ`` (MALLOC_TRIM_THRESHOLD_=65536,
    OMP/MKL/OPENBLAS_NUM_THREADS=1) in *this* process's ``os.environ`` before it spawns a
    worker, and never removes them (by design: "even if this means poisoning the process
    running the Nanny", Nanny's docstring; dask/distributed#6749, #6841). Every process
    started afterwards inherits them: the stripe's pool workers, under glibc's then fixed
    mmap threshold (17,700 mmap/munmap pairs in 8 s of one worker, strace), spent half
    their time in the kernel and fig5abc_ase took 94-114 s instead of 30-36 s after
    linewidth_sensitivity's sweep (docs/benchmark.md).
    """
    for key in set(os.environ) - set(before):
        del os.environ[key]
    for key, value in before.items():
        if os.environ.get(key) != value:
            os.environ[key] = value


@contextlib.contextmanager
def local_cluster(workers: int | None = None, numba_threads: int | None = None):
    """An embedded dask ``LocalCluster`` sized as :func:`run` sizes it, as a Client.

    Use it to run several sweeps on one cluster (``run(..., scheduler=client)``);
    it is closed on exit.

    Parameters
    ----------
    workers : int, optional
        Worker processes (one thread each); default: the available cores.
    numba_threads : int, optional
        ``NUMBA_NUM_THREADS`` of each worker; default ``max(1, cores // workers)``.

    Yields
    ------
    distributed.Client
    """
    if workers is not None:
        workers = _positive_int("workers", workers, 1, 4096)
    with _client(None, workers, workers or available_cores(), numba_threads) as (client, _):
        yield client


def _run_distributed(client, threads, sweep, store, samples, missing, seeds, obs, retries,
                     bar, after_point):
    from distributed import as_completed
    import uuid
    # A fresh token per run: keys of a cancelled (interrupted) run are never reused.
    prefix = f"ncgain-sweep-{sweep.hash[:12]}-{uuid.uuid4().hex[:8]}"
    futures = {}
    n_workers = len(client.scheduler_info().get("workers", {})) or 1
    for batch in _batches(missing, n_workers):
        fut = client.submit(_batch_task, obs.compute, [samples[i] for i in batch],
                            sweep.options, [seeds[i] for i in batch], threads,
                            key=f"{prefix}-{batch[0]}-{batch[-1]}", retries=retries, pure=False)
        futures[fut.key] = (batch, fut)
    try:
        for fut in as_completed([f for _, f in futures.values()]):
            batch = futures[fut.key][0]
            if fut.status != "finished":
                exc = fut.exception()
                where = sweep._where(batch[0]) if len(batch) == 1 else (
                    f"one of points {batch[0]} ... {batch[-1]} (from {sweep._where(batch[0])})")
                raise RuntimeError(f"{where} failed on the cluster: "
                                   f"{type(exc).__name__}: {exc}") from exc
            for i, result in zip(batch, fut.result()):
                store.write_point(i, result)     # the whole batch stored before any hook
            fut.release()
            if bar is not None:
                bar.update(len(batch))
            if after_point is not None:
                for i in batch:
                    after_point(i)
    except BaseException:
        client.cancel([f for _, f in futures.values()])
        raise
