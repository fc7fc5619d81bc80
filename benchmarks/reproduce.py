"""``python -m ncgain.benchmarks --reproduce``: ``ncgain reproduce`` quiet and under load.

Runs ``ncgain reproduce`` (in a fresh interpreter, with ``--quiet``) twice: as the
machine is, then while this benchmark keeps ``load`` competing busy-loop processes
running (started here, always stopped here, also on error or Ctrl-C). Prints the
per-study wall times (from the run's manifest) and the load averages before and
after each run. The machine is not made quiet by this script: on a shared machine
"quiet" means "without our own extra load", and the load averages say what else ran.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .workload import _table

__all__ = ["competing_load", "reproduce_benchmark", "reproduce_report"]

#: Targets of issue 19 on 2 cores (seconds).
TARGETS = {"quiet_s": 180.0, "loaded_s": 360.0, "study_s": 60.0}


#: A busy loop that also ends by itself once its parent (this benchmark, pid filled in)
#: is gone, so that not even a SIGKILL of the benchmark leaves it running.
_BUSY = "import os\nwhile os.getppid() == {parent}:\n    pass\n"


class competing_load:
    """Context: ``processes`` busy-loop interpreters, each one thread, killed on exit.

    Parameters
    ----------
    processes : int
        Number of competing processes (0: none), in [0, 64].
    """

    def __init__(self, processes: int):
        if not 0 <= int(processes) <= 64:
            raise ValueError(f"processes = {processes!r} must be in [0, 64]")
        self.processes = int(processes)
        self._procs = []

    def __enter__(self):
        for _ in range(self.processes):
            self._procs.append(subprocess.Popen([sys.executable, "-c",
                                                _BUSY.format(parent=os.getpid())]))
        return self

    def __exit__(self, *exc):
        for p in self._procs:
            p.kill()
        for p in self._procs:
            p.wait()
        self._procs = []
        return False


def _one_run(quick: bool, load: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "results"
        cmd = [sys.executable, "-m", "ncgain.cli", "reproduce", "--out", str(out), "--quiet"]
        if quick:
            cmd.append("--quick")
        with competing_load(load):
            before = list(os.getloadavg())
            start = time.perf_counter()
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
            seconds = time.perf_counter() - start
            after = list(os.getloadavg())
        manifest = json.loads((out / "manifest.json").read_text())
    return {"competing_processes": load, "seconds": seconds, "load_before": before,
            "load_after": after, "studies": manifest.get("seconds", {})}


def reproduce_benchmark(*, quick: bool = False, load: int = 2) -> dict:
    """Time ``ncgain reproduce`` without and with ``load`` competing busy processes.

    Parameters
    ----------
    quick : bool, default False
        ``ncgain reproduce --quick`` (a smoke run) instead of the full run.
    load : int, default 2
        Competing single-thread busy loops of the second run.

    Returns
    -------
    dict
        ``runs``: per run the total and per-study wall seconds, the number of competing
        processes and the load averages before and after; ``cores``, ``quick``,
        ``blas_threads`` (the kinetics thread policy in force), ``targets``.
    """
    import signal

    from ncgain.kinetics import threads

    def _terminate(signum, frame):      # SIGTERM (e.g. `timeout`): stop the load on the way out
        raise SystemExit(128 + signum)

    old = signal.signal(signal.SIGTERM, _terminate)
    try:
        runs = [_one_run(quick, 0), _one_run(quick, load)]
    finally:
        signal.signal(signal.SIGTERM, old)
    return {"quick": bool(quick), "cores": os.cpu_count(), "runs": runs,
            "blas_threads": threads.blas_threads(), "targets": TARGETS}


def reproduce_report(res: dict) -> str:
    """Table of :func:`reproduce_benchmark` results (seconds per study and in all).

    Parameters
    ----------
    res : dict
        Output of :func:`reproduce_benchmark`.

    Returns
    -------
    str
    """
    quiet, loaded = res["runs"]
    names = list(quiet["studies"])
    rows = [[n, f"{quiet['studies'][n]:.1f}", f"{loaded['studies'].get(n, float('nan')):.1f}"]
            for n in names]
    rows.append(["total (wall, incl. start-up and report)", f"{quiet['seconds']:.1f}",
                 f"{loaded['seconds']:.1f}"])
    la = lambda r: (f"{r['load_before'][0]:.2f} -> {r['load_after'][0]:.2f}")  # noqa: E731
    head = ["study", "s (no extra load)", f"s ({loaded['competing_processes']} busy processes)"]
    lines = [f"ncgain reproduce{' --quick' if res['quick'] else ''}: {res['cores']} cores, "
             f"BLAS threads in kinetics {res['blas_threads']}; 1-min load average "
             f"{la(quiet)} (no extra load), {la(loaded)} (with the busy processes)",
             _table(head, rows)]
    if not res["quick"]:
        t = res["targets"]
        slowest = max(quiet["studies"].values(), default=0.0)
        for what, value, target in (("total, no extra load", quiet["seconds"], t["quiet_s"]),
                                    ("total, under load", loaded["seconds"], t["loaded_s"]),
                                    ("slowest study, no extra load", slowest, t["study_s"])):
            lines.append(f"target {what} <= {target:.0f} s: "
                         f"{'PASS' if value <= target else 'MISS'} ({value:.1f} s)")
    return "\n".join(lines)
