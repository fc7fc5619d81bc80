"""The pump values of the stripe's rate equations, solved in parallel worker processes.

:func:`simulate_stripe(..., workers=n) <ncgain.kinetics.simulate_stripe>` solves each pump
value of the rate equations independently (:func:`.stripe_twin.rate_equations` on the
value's sub-slices, then :func:`._stripe_slices.requested_record`); with ``n > 1`` these
solves run in :func:`solve_pumps`' pool of ``min(n, pump values)`` processes:

* a :class:`concurrent.futures.ProcessPoolExecutor` with the **spawn** start method (never
  fork: a forked child would inherit the parent's Numba/OpenMP/BLAS thread pools in
  whatever state they are);
* a task is ``(problem, k, sub-slices, rtol)`` and returns the record of pump value k on
  the *requested* slices (the sub-slices' records never travel). The problem travels with
  every task (1.9 MB pickled for the fig5abc_ase study, ~5 ms to pickle and unpickle),
  through the pool's queue, whose feeder thread writes it: were it an argument of the
  initializer, the parent's main thread would block in the write of each process's
  start-up data until that process had imported ncgain (~3 s), deaf to Ctrl-C;
* the pump values are submitted most expensive first (estimate: sub-slices x pump value)
  so that the last task to finish is a short one; the records are returned in the pump
  order, and every process computes exactly what the single process computes (same
  functions, same inputs, one BLAS thread: the parent's
  :func:`~ncgain.kinetics.threads.blas_threads`), so the output is bit-identical to
  ``workers=1``;
* the processes start with SIGINT blocked and then ignore it (a Ctrl-C at a terminal,
  sent to the whole process group, is the parent's to handle), and each leaves by itself
  when its parent is gone (a watchdog thread), so none outlives a killed parent;
* on any exception in the parent (KeyboardInterrupt, :class:`ncgain.fileio.Interrupted`
  after SIGINT/SIGTERM, an error of a task, re-raised here with the task's own message)
  the pending tasks are cancelled, the processes terminated and joined, and the pool's
  queues closed before the exception propagates: no orphaned process, no leaked
  semaphore.

Spawn starts a fresh interpreter that imports the caller's main module (as
``__mp_main__``): a script that calls ``simulate_stripe(..., workers=2)`` must do so under
``if __name__ == "__main__":`` (Python otherwise stops with "An attempt has been made to
start a new process before the current process has finished its bootstrapping phase").
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import signal
import sys
import threading
import time
from contextlib import contextmanager

from multiprocessing import resource_tracker

from ..inputs import _check_int

__all__ = ["MAX_WORKERS", "START_METHOD", "check_workers", "solve_order", "solve_pumps"]

#: Largest ``workers`` of :func:`simulate_stripe` (a process per worker).
MAX_WORKERS = 256
#: The pool's start method: never fork (threads of Numba, OpenMP and BLAS are not fork-safe).
START_METHOD = "spawn"
#: Seconds between a worker's checks that its parent is still alive.
_WATCHDOG_PERIOD = 0.5
#: Seconds a terminated worker is given to end before it is killed.
_JOIN_TIMEOUT = 5.0

def check_workers(workers, method: str) -> int:
    """Validate ``workers`` of :func:`simulate_stripe` before any work.

    Parameters
    ----------
    workers : int
        Processes solving the pump values, in [1, MAX_WORKERS] (a bool is refused).
    method : str
        The stripe method; ``"monte-carlo"`` takes ``workers=1`` only.

    Returns
    -------
    int
        ``workers`` as an int.

    Raises
    ------
    ValueError
        If ``workers`` is not an integer in [1, MAX_WORKERS]; if ``workers > 1`` with
        ``method="monte-carlo"`` (its Numba kernels already use every thread of
        ``NUMBA_NUM_THREADS``: processes on top would only compete for the cores); if
        ``workers > 1`` in a daemonic process (e.g. a dask worker), which cannot start
        child processes.

    Examples
    --------
    >>> check_workers(2, "rate-equations")
    2
    >>> check_workers(0, "rate-equations")
    Traceback (most recent call last):
    ...
    ValueError: workers = 0 is outside the allowed range: an integer in [1, 256]
    """
    workers = _check_int("workers", workers, 1, MAX_WORKERS)
    if workers > 1 and method == "monte-carlo":
        raise ValueError(f"workers = {workers} applies to method='rate-equations' only: the "
                         "Monte Carlo's kernels already run on all Numba threads "
                         "(NUMBA_NUM_THREADS); use workers=1 with method='monte-carlo'")
    if workers > 1 and multiprocessing.current_process().daemon:
        raise ValueError(f"workers = {workers} needs child processes, which this daemonic "
                         f"process ({multiprocessing.current_process().name}, e.g. a dask "
                         "worker) cannot start; use workers=1")
    return workers


def solve_order(refine, pump) -> list[int]:
    """The pump indices, most expensive solve first (estimate: sub-slices x pump value).

    Parameters
    ----------
    refine : sequence of int
        Sub-slices per requested slice of each pump value.
    pump : array_like of float
        The pump values (<N> or generation rates), >= 0.

    Returns
    -------
    list of int
        Indices into ``pump``, by decreasing cost, ties in index order.

    Examples
    --------
    >>> solve_order([1, 3, 3, 1], [0.5, 2.0, 4.0, 1.0])
    [2, 1, 3, 0]
    """
    cost = [m * float(p) for m, p in zip(refine, pump)]
    return sorted(range(len(cost)), key=lambda k: (-cost[k], k))


def _leave_with_parent(parent: int) -> None:
    """Watchdog of a worker: exit at once when the parent process is gone."""
    while True:
        time.sleep(_WATCHDOG_PERIOD)
        if os.getppid() != parent:
            os._exit(1)


def _exit_now() -> None:
    """A worker's end: flush the standard streams and leave without the teardown."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (AttributeError, OSError, ValueError):  # pragma: no cover
            pass
    os._exit(0)


def _initialize(blas_threads: int, parent: int) -> None:
    """Worker start: the parent's BLAS policy, SIGINT ignored, a watchdog, a fast exit."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)        # the parent handles Ctrl-C
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    threading.Thread(target=_leave_with_parent, args=(parent,), daemon=True,
                     name="ncgain-parent-watchdog").start()
    # Registered last, run first at the worker's exit (after the pool's last message was
    # sent): skips the interpreter's teardown, ~1 s with Numba loaded, that the parent's
    # shutdown would wait for.
    atexit.register(_exit_now)
    from ..threads import set_blas_threads
    set_blas_threads(blas_threads)
    try:                 # one process per core: Numba kernels (if any) on one thread each
        import numba
        numba.set_num_threads(1)
    except (ImportError, ValueError):  # pragma: no cover
        pass


def _solve(problem, k: int, m: int, rtol: float) -> dict:
    """Worker task: pump value k on m sub-slices per slice, recorded on the requested slices."""
    from ._stripe_slices import refined, requested_record
    from .stripe_twin import rate_equations
    fine = rate_equations(refined(problem, m), k, rtol)
    return requested_record(problem, fine, m)


@contextmanager
def _sigint_blocked():
    """SIGINT blocked in this thread while the block runs (delivered after it, if sent)."""
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover (not POSIX)
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _terminate(executor, processes) -> None:
    """Cancel what is pending, end the processes, close the pool's queues (no leaks)."""
    for p in processes:
        if p.is_alive():
            p.terminate()
    for p in processes:
        p.join(_JOIN_TIMEOUT)
        if p.is_alive():                # pragma: no cover (SIGTERM is not caught)
            p.kill()
            p.join()
    # the manager thread sees the ended processes, fails the futures and closes the queues
    executor.shutdown(wait=True, cancel_futures=True)


def solve_pumps(problem, refine, rtol: float, workers: int, step=None) -> list[dict]:
    """Records of every pump value of the rate equations, solved in ``workers`` processes.

    Parameters
    ----------
    problem : _StripeProblem
        The validated stripe problem (requested slices).
    refine : sequence of int
        Sub-slices per requested slice for each pump value.
    rtol : float
        Relative tolerance of the BDF solver.
    workers : int
        Processes, >= 2 (validated by :func:`check_workers`); the pool has
        ``min(workers, pump values)``.
    step : callable, optional
        Called with the simulated time (ps) of each pump value as it completes.

    Returns
    -------
    list of dict
        The records on the requested slices, in the order of ``problem.pump``.

    Raises
    ------
    BaseException
        Whatever a task raised (its message; the worker's traceback as the cause), or the
        interrupt that arrived while waiting, after the processes are ended.
    RuntimeError
        If a worker process ended abruptly (killed, out of memory, or a script without
        the ``__main__`` guard: its workers fail while importing it); the message says so.
    """
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    from ..threads import blas_threads
    n = problem.pump.size
    t_end = float(problem.times[-1])
    records = [None] * n
    executor = ProcessPoolExecutor(max_workers=min(workers, n),
                                   mp_context=multiprocessing.get_context(START_METHOD),
                                   initializer=_initialize,
                                   initargs=(blas_threads(), os.getpid()))
    processes = []
    try:
        # The processes are spawned by the first submits: with SIGINT blocked here they
        # start with it blocked (the mask survives exec), until _initialize ignores it.
        # multiprocessing's resource tracker, started by the pool's queues, must already
        # run: starting it unblocks SIGINT in the calling thread (ensure_running is a no-op
        # when it runs)
        resource_tracker.ensure_running()
        with _sigint_blocked():
            pending = {executor.submit(_solve, problem, k, refine[k], rtol): k
                       for k in solve_order(refine, problem.pump)}
            processes = list(executor._processes.values())
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                records[pending.pop(fut)] = fut.result()
                if step is not None:
                    step(t_end)
    except BaseException as exc:
        _terminate(executor, processes or list((executor._processes or {}).values()))
        if isinstance(exc, BrokenProcessPool):
            raise RuntimeError(
                f"a worker process of simulate_stripe(workers={workers}) ended abruptly "
                f"({exc}); from a script, call simulate_stripe under `if __name__ == "
                "'__main__':` (each worker imports the script's main module), or pass "
                "workers=1 to solve in this process") from exc
        raise
    executor.shutdown(wait=True)
    return records
