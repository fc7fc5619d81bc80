"""Starting the embedded LocalCluster so that SIGINT/SIGTERM end the start-up at once.

``LocalCluster(...)`` blocks for seconds (4-19 s measured under load) while it spawns
its worker processes. It runs here in a helper thread with SIGINT blocked -- the
threads dask creates from it, and the worker processes they spawn, inherit the blocked
mask, so a terminal's Ctrl-C to the process group never reaches the workers -- while the
main thread waits in short joins with its own handlers in place. A signal then raises in
the main thread within ~50 ms; :func:`abandon` kills every process the start-up
spawned (SIGKILL: there is nothing to save during a start-up) and releases the
semaphores the start-up created (else multiprocessing's resource tracker warns about
"leaked semaphore objects" when the process ends), and the exception propagates.
"""

from __future__ import annotations

import signal
import threading
import time

__all__ = ["start_in_thread", "abandon", "QUIET_PERIOD", "ABANDON_TIMEOUT"]

#: A start-up is abandoned once no new child process has appeared for this long (s) ...
QUIET_PERIOD = 0.2
#: ... or after this long (s) at most. A worker spawned later still exits by itself: a
#: dask worker process leaves at once when its parent's "alive" pipe closes.
ABANDON_TIMEOUT = 1.0


def _semaphore_finalizers() -> dict:
    """multiprocessing's pending finalizers that unlink a semaphore, by registry key."""
    try:
        from multiprocessing import synchronize, util
        registry = dict(util._finalizer_registry)
    except (ImportError, AttributeError):   # pragma: no cover - another multiprocessing
        return {}
    return {k: f for k, f in registry.items()
            if getattr(f, "_callback", None) is synchronize.SemLock._cleanup}


def _release_semaphores(before) -> None:
    """Unlink (and unregister) the semaphores created since ``before`` was taken."""
    for key, fin in _semaphore_finalizers().items():
        if key not in before:
            fin()


class _AbandonedComms:
    """Drops asyncio's "Future exception was never retrieved" for a dask comm closed by
    :func:`abandon` (a broadcast to a killed worker); every other record passes."""

    def filter(self, record) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not (str(record.msg).startswith("Future exception was never retrieved")
                    and type(exc).__name__ == "CommClosedError")


_FILTER = _AbandonedComms()


def _child_pids() -> set:
    """Process ids of this process's children and their descendants, now."""
    import psutil
    try:
        return {c.pid for c in psutil.Process().children(recursive=True)}
    except psutil.Error:   # pragma: no cover
        return set()


def abandon(before, children_before=frozenset()) -> None:
    """Kill the start-up's worker processes and release the start-up's semaphores.

    Parameters
    ----------
    before : collection
        Keys of the semaphore finalizers that existed before the start-up
        (:func:`start_in_thread` takes them); only newer ones are released.
    children_before : collection of int, optional
        Child processes that existed before the start-up (a session's own pool, say):
        left alone, as is multiprocessing's resource tracker.
    """
    import logging

    import psutil
    from multiprocessing import resource_tracker
    logging.getLogger("asyncio").addFilter(_FILTER)   # once: the same object
    tracker = getattr(resource_tracker._resource_tracker, "_pid", None)
    me = psutil.Process()
    start = last = time.monotonic()
    while True:
        now = time.monotonic()
        try:
            kids = [c for c in me.children(recursive=True)
                    if c.pid != tracker and c.pid not in children_before]
        except psutil.Error:   # pragma: no cover
            kids = []
        for child in kids:
            try:
                if child.status() != psutil.STATUS_ZOMBIE:
                    child.kill()
                    last = now
            except psutil.Error:
                pass
        _release_semaphores(before)
        if now - last >= QUIET_PERIOD or now - start >= ABANDON_TIMEOUT:
            break
        time.sleep(0.02)


def start_in_thread(make):
    """Run ``make()`` (the cluster and its client) in a helper thread; interruptible.

    Parameters
    ----------
    make : callable
        Builds and returns the started objects; runs with SIGINT blocked.

    Returns
    -------
    object
        What ``make`` returned.

    Raises
    ------
    BaseException
        What ``make`` raised, or what a signal handler of the main thread raised while
        waiting (KeyboardInterrupt, :class:`ncgain.fileio.Interrupted`): then the start-up
        was abandoned (:func:`abandon`) first.
    """
    # Started now, not by dask's first queue: starting it unblocks SIGINT in the calling
    # thread (multiprocessing, bpo-33613), which would undo the mask in dask's threads.
    from multiprocessing import resource_tracker
    resource_tracker.ensure_running()
    before = set(_semaphore_finalizers())
    children_before = _child_pids()
    box = {}

    def target():
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            box["result"] = make()
        except BaseException as exc:   # handed to the main thread
            box["error"] = exc

    helper = threading.Thread(target=target, name="ncgain-cluster-start", daemon=True)
    try:
        helper.start()
        while helper.is_alive():
            helper.join(0.05)     # the main thread's signal handlers run between joins
    except BaseException:
        abandon(before, children_before)
        raise
    if "error" in box:
        raise box["error"]
    return box["result"]
