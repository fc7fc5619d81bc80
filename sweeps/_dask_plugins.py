"""dask.distributed plugins of :mod:`ncgain.sweeps` (imported only when a cluster is used)."""

from __future__ import annotations

import signal
import threading

from distributed import WorkerPlugin

__all__ = ["IgnoreInterrupt"]


class IgnoreInterrupt(WorkerPlugin):
    """A local worker ignores SIGINT: Ctrl-C is handled by the client process.

    In a terminal, Ctrl-C signals the whole process group, workers included;
    the client cancels the points and closes the cluster itself.
    """

    name = "ncgain-ignore-sigint"

    def setup(self, worker):
        """Ignore SIGINT in this worker process (only possible from its main thread)."""
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, signal.SIG_IGN)
