"""The fixed benchmark workload and the shared helpers (timing, subprocess workers, tables)."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import time

import numpy as np

__all__ = ["WORKLOAD", "CW_WORKLOAD", "TARGETS", "workload_sample", "workload_times"]


#: The fixed benchmark workload.
WORKLOAD = {
    "mean_excitons": 2.0,
    "statistics": "poisson",
    "n_times": 64,
    "time_first_ps": 0.1,
    "time_last_ps": 10000.0,
    "tau_xx_ps": 50.0,
    "tau_x_ps": 20000.0,
    "preset": "TYPE_I_CDSE",
    "seed": 1,
}

#: The c.w. transient: the same sample and record times, a dark sample switched on
#: at t = 0 under a c.w. pump of this generation rate (G tau_X = 4).
CW_WORKLOAD = {"generation_rate_per_ps": 2e-4}

#: Design targets of the engine (the kernel alone, ``energy_bins=1``, 1e7 NCs where run).
TARGETS = {
    "ncs_per_s_per_thread": 9.0e6,
    "speedup_1_to_2_threads": 1.8,
    "speedup_vs_numpy": 2.0,
    # "flat": peak-memory growth from the first size beyond one chunk to the
    # largest size, allowed in MiB (page-level noise of the allocator).
    "memory_growth_mib": 16.0,
}

SIZES_FULL = (10 ** 5, 10 ** 6, 10 ** 7)
SIZES_QUICK = (10 ** 5, 10 ** 6)
SIZES_SMOKE = (10 ** 4, 3 * 10 ** 4)
MEMORY_EXTRA_FULL = (10 ** 8,)
MIB = 1024.0 * 1024.0


# ----------------------------------------------------------------------------- the workload

def workload_sample():
    """The benchmark sample: the type-I CdSe preset with tau_XX = 50 ps, tau_X = 20 ns.

    Returns
    -------
    Sample
        The sample of the benchmark workload.
    """
    from ncgain import models
    return dataclasses.replace(models.presets.TYPE_I_CDSE, tau_xx=WORKLOAD["tau_xx_ps"],
                               tau_x=WORKLOAD["tau_x_ps"])


def workload_times() -> np.ndarray:
    """The record times of the benchmark workload.

    Returns
    -------
    numpy.ndarray
        64 log-spaced times from 0.1 ps to 10 ns, in ps.
    """
    return np.geomspace(WORKLOAD["time_first_ps"], WORKLOAD["time_last_ps"], WORKLOAD["n_times"])


def _problem(n_nanocrystals: int, energy_bins: int, method: str = "monte-carlo"):
    from ncgain.kinetics.pulsed import PulsedProblem
    return PulsedProblem.build(workload_sample(), workload_times(),
                               max_mean_excitons=WORKLOAD["mean_excitons"],
                               n_nanocrystals=int(n_nanocrystals), seed=WORKLOAD["seed"],
                               statistics=WORKLOAD["statistics"], energy_bins=energy_bins,
                               method=method)


def _cw_problem(n_nanocrystals: int, energy_bins: int):
    from ncgain.kinetics.cw import CwProblem
    return CwProblem.build(workload_sample(), [CW_WORKLOAD["generation_rate_per_ps"]],
                           workload_times(), method="monte-carlo",
                           n_nanocrystals=int(n_nanocrystals), seed=WORKLOAD["seed"],
                           energy_bins=energy_bins)


# ----------------------------------------------------------------------------- workers

_LAST_CPU = {"cpu_per_wall": float("nan")}


def _best_of(fn, repeats: int):
    """Best wall time of ``repeats`` calls (and the last value).

    Also records, for the best call, the process CPU time per wall time in
    ``_LAST_CPU``: about the thread count when every thread had a core, lower
    when other processes on the machine took cores away.
    """
    best, value = np.inf, None
    for _ in range(max(1, repeats)):
        c0 = time.process_time()
        t0 = time.perf_counter()
        value = fn()
        wall = time.perf_counter() - t0
        if wall < best:
            best = wall
            _LAST_CPU["cpu_per_wall"] = (time.process_time() - c0) / wall if wall > 0 else 0.0
    return best, value


def _spawn(kind: str, spec: dict, *, threads: int | None = None, env: dict | None = None,
           timeout: float = 1800.0) -> dict:
    """Run a worker in a fresh interpreter and return its JSON answer."""
    environ = dict(os.environ)
    if threads is not None:
        environ["NUMBA_NUM_THREADS"] = str(threads)
    environ.update(env or {})
    proc = subprocess.run([sys.executable, "-m", "ncgain.benchmarks", "--worker", kind,
                           json.dumps(spec)], capture_output=True, text=True, env=environ,
                          timeout=timeout, cwd=os.getcwd())
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark worker {kind} failed:\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _fmt(x, spec=".3g"):
    return "-" if x is None else format(x, spec)


def _table(headers, rows) -> str:
    cells = [[str(c) for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h)
              for i, h in enumerate(headers)]
    line = "  ".join(h.rjust(w) for h, w in zip(headers, widths))
    out = [line, "-" * len(line)]
    out += ["  ".join(c.rjust(w) for c, w in zip(r, widths)) for r in cells]
    return "\n".join(out)
