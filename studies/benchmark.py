"""Performance benchmark of the pulsed Monte Carlo: ``python -m ncgain.studies.benchmark``.

Workload (:data:`WORKLOAD`): one excitation level <N> = 2 (Poisson), 64 log-spaced
record times from 0.1 ps to 10 ns, tau_XX = 50 ps, tau_X = 20 ns (the type-I
CdSe preset otherwise). Measured, each in a fresh subprocess so that numba's
thread count (fixed at import) and the resident-set high-water mark are clean:

* compile time: first call with an empty numba cache minus a warm call, and the
  first call when the on-disk cache is populated (cached load);
* Monte Carlo throughput at several ensemble sizes on 1 and 2 threads, for the
  kernel alone (``PulsedProblem.monte_carlo_counts``) and for the full
  ``kinetics.simulate_pulsed`` call (which adds the spectra), best of repeats;
* the random-number floor: a Numba loop drawing one uniform, one Poisson by
  inversion and two exponentials per NC from the same SplitMix64 streams;
* peak memory (RSS high-water mark minus the baseline after imports and a
  warm-up call) versus ensemble size;
* the exact master equation on the same workload;
* a vectorized NumPy implementation of the same process (:func:`numpy_pulsed_counts`)
  as the baseline;
* ``studies.coreshell_figures.benchmark()`` if present.

Results are printed as tables (units in every header) and written to JSON.
Timings are never asserted by tests: the exit status is 0 even if a target is
missed; each target is printed as PASS or MISS with the measured figure.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

import numpy as np

__all__ = ["WORKLOAD", "workload_sample", "workload_times", "numpy_pulsed_counts",
           "rng_floor", "run", "main", "TARGETS", "SWEEP_WORKLOAD", "sweep_benchmark",
           "sweep_report"]

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


# ----------------------------------------------------------------------------- NumPy baseline

def numpy_pulsed_counts(table, mean_excitons: float, times, n_nanocrystals: int, *, seed=0,
                        chunk_size: int = 1 << 20):
    """The same process as the Numba kernel, vectorized over NCs with NumPy.

    Each NC draws its size class, a Poisson initial exciton number (mean
    ``pump_scale[c] * mean_excitons``), then jumps n -> n+1 / n -> n-1 with the
    rates of ``table`` (exact event-driven sampling). The loop runs over *event
    generations*: all NCs still alive draw their next holding time at once, the
    record times spanned by the current state are found by ``searchsorted``, and
    the state is counted there through a difference array (+1 where a state
    starts to be recorded, -1 where it stops; a cumulative sum over time at the
    end), so the cost per NC is O(events), not O(record times).

    Parameters
    ----------
    table : models.state_table.StateTable
    mean_excitons : float
        <N> right after the pulse.
    times : array_like
        Record times (ps), increasing.
    n_nanocrystals : int
    seed : int
        Seed of ``numpy.random.default_rng`` (a different generator from the
        kernel's: statistically, not bitwise, equivalent).
    chunk_size : int
        NCs vectorized at once (bounds memory).

    Returns
    -------
    counts : ndarray of int64, shape (T, K, n_max + 1)
        Number of NCs in class c holding n excitons at ``times[j]``.
    n_events : int
        Jumps that happened at or before the last record time (the kernel's
        definition).
    n_overflow : int
        NCs that reached a state above ``n_max`` (no longer counted).
    """
    times = np.asarray(times, float)
    n_times = times.size
    n_classes = table.n_classes
    n_states = table.n_max + 1
    rng = np.random.default_rng(seed)
    up = np.asarray(table.up_rate, float).ravel()
    total = up + np.asarray(table.decay_rate, float).ravel()
    with np.errstate(divide="ignore"):
        inv_total = np.where(total > 0.0, 1.0 / np.where(total > 0.0, total, 1.0), np.inf)
    p_up = np.where(total > 0.0, up / np.where(total > 0.0, total, 1.0), 0.0)
    any_up = bool((up > 0.0).any())
    lam = float(mean_excitons) * np.asarray(table.pump_scale, float)
    weights = np.asarray(table.class_weight, float)
    size = (n_times + 1) * n_classes * n_states     # time index n_times = "never stops"
    diff = np.zeros(size, dtype=np.int64)
    n_events = 0
    n_overflow = 0
    for first in range(0, int(n_nanocrystals), int(chunk_size)):
        n = min(int(chunk_size), int(n_nanocrystals) - first)
        if n_classes > 1:
            cls = rng.choice(n_classes, size=n, p=weights)
            state = rng.poisson(lam[cls])
        else:
            cls = np.zeros(n, dtype=np.intp)
            state = rng.poisson(lam[0], size=n)
        ok = state < n_states
        if not ok.all():
            n_overflow += int(n - ok.sum())
            cls, state = cls[ok], state[ok]
        t = np.zeros(state.size)
        j_lo = np.searchsorted(times, t, side="left")
        while state.size:
            flat = cls * n_states + state
            t = t + rng.standard_exponential(state.size) * inv_total[flat]
            j_hi = np.searchsorted(times, t, side="left")
            # state `flat` is recorded at times[j] for j_lo <= j < j_hi
            row = n_classes * n_states
            diff += np.bincount(j_lo * row + flat, minlength=size)
            diff -= np.bincount(j_hi * row + flat, minlength=size)
            alive = j_hi < n_times                     # the jump happens by times[-1]
            n_events += int(alive.sum())
            cls, state, t, j_lo, flat = cls[alive], state[alive], t[alive], j_hi[alive], flat[alive]
            if any_up:
                state = state + np.where(rng.random(state.size) < p_up[flat], 1, -1)
            else:
                state = state - 1
            ok = state < n_states
            if not ok.all():
                n_overflow += int(state.size - ok.sum())
                cls, state, t, j_lo = cls[ok], state[ok], t[ok], j_lo[ok]
    counts = np.cumsum(diff.reshape(n_times + 1, n_classes, n_states), axis=0)[:n_times]
    return counts, n_events, n_overflow


# ----------------------------------------------------------------------------- RNG floor

_FLOOR_KERNELS = {}


def _floor_kernels():
    """Compile (once per process) the random-number-floor loops."""
    if _FLOOR_KERNELS:
        return _FLOOR_KERNELS
    from numba import njit, prange

    from ncgain.kinetics._kernels import _stream_key, _uniform

    @njit(parallel=True)
    def floor_table(key_base, n_nc, n_parts, cdf, out):
        # one uniform + Poisson by inversion of a tabulated CDF + two exponentials
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

    @njit(parallel=True)
    def floor_recurrence(key_base, n_nc, n_parts, lam, out):
        # one uniform + Poisson by sequential-search inversion (p_k = p_{k-1} lam / k)
        # + two exponentials
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

    _FLOOR_KERNELS["table"] = floor_table
    _FLOOR_KERNELS["recurrence"] = floor_recurrence
    return _FLOOR_KERNELS


def rng_floor(n_nanocrystals: int, repeats: int = 3, lam: float = 2.0) -> dict:
    """NCs/s of the random-number floor on this process's numba threads (best of repeats).

    Parameters
    ----------
    n_nanocrystals : int
        NCs per timed call.
    repeats : int, default 3
        Timed calls; the best counts.
    lam : float, default 2.0
        Poisson mean of the initial exciton number (the workload's ⟨N⟩).

    Returns
    -------
    dict
        ``threads``, ``n_nanocrystals``, ``variants`` (seconds and NCs/s of each
        Poisson inversion) and the fastest variant's ``ncs_per_s`` and
        ``ncs_per_s_per_thread``.
    """
    import numba
    from scipy import stats

    from ncgain.kinetics._kernels import seed_key

    kernels = _floor_kernels()
    n_parts = numba.get_num_threads()
    out = np.zeros(n_parts)
    key = np.uint64(seed_key(WORKLOAD["seed"]))
    cdf = np.cumsum(stats.poisson.pmf(np.arange(31), lam))
    args = {"table": cdf, "recurrence": float(lam)}
    result = {}
    for name, kernel in kernels.items():
        kernel(key, 1000, n_parts, args[name], out)          # compile + warm
        best = np.inf
        for _ in range(repeats):
            t0 = time.perf_counter()
            kernel(key, int(n_nanocrystals), n_parts, args[name], out)
            best = min(best, time.perf_counter() - t0)
        result[name] = {"seconds": best, "ncs_per_s": n_nanocrystals / best,
                        "ncs_per_s_per_thread": n_nanocrystals / best / n_parts}
    # The floor is the faster of the two (the tabulated CDF is what the engine uses).
    fastest = max(result.values(), key=lambda r: r["ncs_per_s"])
    return {"threads": n_parts, "n_nanocrystals": int(n_nanocrystals), "variants": result,
            "ncs_per_s": fastest["ncs_per_s"],
            "ncs_per_s_per_thread": fastest["ncs_per_s_per_thread"]}


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


def _worker_throughput(spec: dict) -> dict:
    """Kernel and full-call throughput at ``spec['sizes']`` on this process's threads."""
    import numba

    from ncgain import kinetics
    threads = numba.get_num_threads()
    mean = np.array([WORKLOAD["mean_excitons"]])
    repeats = int(spec["repeats"])
    rows = []
    # warm-up: loads the compiled kernel (and the line kernels / xarray paths)
    kinetics.simulate_pulsed(workload_sample(), mean, workload_times(), n_nanocrystals=1000,
                             seed=WORKLOAD["seed"])
    for n in spec["sizes"]:
        for bins in spec["bins"]:
            problem = _problem(n, bins)
            problem.monte_carlo_counts(mean)   # warm (first call of this shape)
            sec, (_, events) = _best_of(lambda: problem.monte_carlo_counts(mean), repeats)
            rows.append({"what": "kernel", "threads": threads, "n_nanocrystals": int(n),
                         "energy_bins": bins, "n_max": problem.table.n_max, "seconds": sec,
                         "events": int(events), "cpu_per_wall": _LAST_CPU["cpu_per_wall"]})
            full_repeats = repeats if n <= 10 ** 6 else max(1, min(repeats, 3))
            sec, ds = _best_of(lambda: kinetics.simulate_pulsed(
                workload_sample(), mean, workload_times(), n_nanocrystals=int(n),
                seed=WORKLOAD["seed"], energy_bins=bins), full_repeats)
            rows.append({"what": "simulate_pulsed", "threads": threads, "n_nanocrystals": int(n),
                         "energy_bins": bins, "n_max": int(ds.attrs["n_max"]), "seconds": sec,
                         "events": int(ds.attrs["n_events"]),
                         "cpu_per_wall": _LAST_CPU["cpu_per_wall"]})
    # The c.w. transient to 10 ns: same kernel, pump as an up rate, dark start.
    for n in spec["sizes"]:
        problem = _cw_problem(n, 1)
        problem.monte_carlo_counts()
        sec, (_, events, _) = _best_of(problem.monte_carlo_counts, repeats)
        rows.append({"what": "c.w. kernel", "threads": threads, "n_nanocrystals": int(n),
                     "energy_bins": 1, "n_max": problem.table.n_max, "seconds": sec,
                     "events": int(events), "cpu_per_wall": _LAST_CPU["cpu_per_wall"]})
    for r in rows:
        r["ncs_per_s"] = r["n_nanocrystals"] / r["seconds"]
        r["ncs_per_s_per_thread"] = r["ncs_per_s"] / threads
        r["events_per_s"] = r["events"] / r["seconds"]
        r["events_per_nc"] = r["events"] / r["n_nanocrystals"]
    out = {"threads": threads, "rows": rows,
           "rng_floor": rng_floor(spec["floor_size"], repeats)}
    if spec.get("extras"):
        out.update(_extras(spec))
    return out


def _extras(spec: dict) -> dict:
    """Single-thread-only figures: master equation and NumPy baseline."""
    from ncgain import kinetics
    mean = np.array([WORKLOAD["mean_excitons"]])
    repeats = int(spec["repeats"])
    sample, times = workload_sample(), workload_times()
    kinetics.simulate_pulsed(sample, mean, times, method="master-equation")
    sec_full, _ = _best_of(lambda: kinetics.simulate_pulsed(sample, mean, times,
                                                            method="master-equation"),
                           max(repeats, 3))
    problem = _problem(1, 1, method="master-equation")
    sec_prop, _ = _best_of(lambda: problem.exact_occupation(mean), max(repeats, 3))
    master = {"simulate_pulsed_seconds": sec_full, "propagate_seconds": sec_prop,
              "n_max": problem.table.n_max}
    rows = []
    for n in spec["numpy_sizes"]:
        table = _problem(n, 1).table
        np_repeats = repeats if n <= 10 ** 6 else max(1, min(repeats, 3))
        sec, (counts, events, overflow) = _best_of(
            lambda: numpy_pulsed_counts(table, WORKLOAD["mean_excitons"], times, n,
                                        seed=WORKLOAD["seed"]), np_repeats)
        rows.append({"n_nanocrystals": int(n), "seconds": sec, "ncs_per_s": n / sec,
                     "events": int(events), "events_per_s": events / sec,
                     "events_per_nc": events / n, "overflow": int(overflow)})
    return {"master_equation": master, "numpy_baseline": rows}


def _worker_memory(spec: dict) -> dict:
    """Peak RSS of one ``simulate_pulsed`` call of ``spec['n']`` NCs over the warm baseline."""
    import resource

    import numba

    from ncgain import kinetics
    mean = np.array([WORKLOAD["mean_excitons"]])
    kw = dict(seed=WORKLOAD["seed"], energy_bins=int(spec["bins"]))
    kinetics.simulate_pulsed(workload_sample(), mean, workload_times(), n_nanocrystals=10_000,
                             **kw)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024.0   # KiB on Linux
    t0 = time.perf_counter()
    kinetics.simulate_pulsed(workload_sample(), mean, workload_times(),
                             n_nanocrystals=int(spec["n"]), **kw)
    sec = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024.0
    return {"n_nanocrystals": int(spec["n"]), "energy_bins": int(spec["bins"]),
            "threads": numba.get_num_threads(), "baseline_mib": base / MIB,
            "peak_mib": peak / MIB, "growth_mib": (peak - base) / MIB, "seconds": sec}


def _worker_compile(spec: dict) -> dict:
    """First call (compile or cache load) minus a warm call of the same problem."""
    t0 = time.perf_counter()
    from ncgain import kinetics  # noqa: F401  (import time is reported separately)
    from ncgain.kinetics.pulsed import PulsedProblem  # noqa: F401
    t_import = time.perf_counter() - t0
    mean = np.array([WORKLOAD["mean_excitons"]])
    problem = _problem(2000, 16)
    first, _ = _best_of(lambda: problem.monte_carlo_counts(mean), 1)
    warm, _ = _best_of(lambda: problem.monte_carlo_counts(mean), 5)
    return {"import_seconds": t_import, "first_call_seconds": first, "warm_call_seconds": warm,
            "compile_seconds": first - warm}


_WORKERS = {"throughput": _worker_throughput, "memory": _worker_memory,
            "compile": _worker_compile}


def _spawn(kind: str, spec: dict, *, threads: int | None = None, env: dict | None = None,
           timeout: float = 1800.0) -> dict:
    """Run a worker in a fresh interpreter and return its JSON answer."""
    environ = dict(os.environ)
    if threads is not None:
        environ["NUMBA_NUM_THREADS"] = str(threads)
    environ.update(env or {})
    proc = subprocess.run([sys.executable, "-m", "ncgain.studies.benchmark", "--worker", kind,
                           json.dumps(spec)], capture_output=True, text=True, env=environ,
                          timeout=timeout, cwd=os.getcwd())
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark worker {kind} failed:\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# ----------------------------------------------------------------------------- driver

def _meta(mode: str, sizes, repeats: int) -> dict:
    import numba
    import scipy

    from ncgain import models
    from ncgain.kinetics import pulsed
    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {"date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
            "mode": mode, "sizes": [int(s) for s in sizes], "repeats": repeats,
            "cpu": cpu, "logical_cpus": os.cpu_count(), "platform": platform.platform(),
            "python": platform.python_version(), "numpy": np.__version__,
            "numba": numba.__version__, "scipy": scipy.__version__,
            "ncgain": models.package_version(), "chunk_size": pulsed.CHUNK_SIZE,
            "workload": dict(WORKLOAD), "cw_workload": dict(CW_WORKLOAD),
            # other processes on the machine disturb timings: recorded, not corrected
            "load_average_1min_at_start": os.getloadavg()[0]}


def _targets(res: dict) -> list[dict]:
    rows = [r for r in res["monte_carlo"] if r["what"] == "kernel" and r["energy_bins"] == 1]
    out = []
    biggest = max(r["n_nanocrystals"] for r in rows)
    per_thread = [r for r in rows if r["n_nanocrystals"] == biggest]
    worst = min(per_thread, key=lambda r: r["ncs_per_s_per_thread"])
    out.append({"target": "kernel NCs/s per thread >= 9e6",
                "measured": worst["ncs_per_s_per_thread"],
                "detail": f"worst of 1 and 2 threads at {biggest:.0e} NCs, energy_bins=1",
                "pass": worst["ncs_per_s_per_thread"] >= TARGETS["ncs_per_s_per_thread"]})
    sp = [s for s in res["scaling"] if s["energy_bins"] == 1 and s["n_nanocrystals"] == biggest]
    if sp:
        out.append({"target": "speed-up 1 -> 2 threads >= 1.8",
                    "measured": sp[0]["speedup"],
                    "detail": f"kernel, {biggest:.0e} NCs, energy_bins=1",
                    "pass": sp[0]["speedup"] >= TARGETS["speedup_1_to_2_threads"]})
    vs = res.get("speedup_vs_numpy") or []
    if vs:
        v = max(vs, key=lambda r: r["n_nanocrystals"])
        out.append({"target": "kernel >= 2x the NumPy baseline (1 thread)",
                    "measured": v["speedup_1_thread"],
                    "detail": f"{v['n_nanocrystals']:.0e} NCs; 2 threads: "
                              f"{v['speedup_2_threads']:.1f}x",
                    "pass": v["speedup_1_thread"] >= TARGETS["speedup_vs_numpy"]})
    floor = res["rng_floor"].get("1")
    if floor:
        ratio = worst["ncs_per_s_per_thread"] / floor["ncs_per_s_per_thread"]
        out.append({"target": "kernel >= 0.5 x RNG floor per thread (context)",
                    "measured": ratio,
                    "detail": f"floor {floor['ncs_per_s_per_thread']:.3g} NCs/s per thread",
                    "pass": ratio >= 0.5})
    chunk = res["meta"]["chunk_size"]
    mem = sorted((m for m in res["memory"]), key=lambda m: m["n_nanocrystals"])
    beyond = [m for m in mem if m["n_nanocrystals"] > chunk]
    if len(beyond) >= 2:
        growth = beyond[-1]["growth_mib"] - beyond[0]["growth_mib"]
        out.append({"target": "peak memory flat beyond one chunk",
                    "measured": growth,
                    "detail": (f"growth {beyond[0]['n_nanocrystals']:.0e} -> "
                               f"{beyond[-1]['n_nanocrystals']:.0e} NCs in MiB, allowed "
                               f"{TARGETS['memory_growth_mib']:g}"),
                    "pass": abs(growth) <= TARGETS["memory_growth_mib"]})
    else:
        out.append({"target": "peak memory flat beyond one chunk", "measured": None,
                    "detail": f"not measured: needs two sizes > CHUNK_SIZE = {chunk}",
                    "pass": None})
    return out


def run(mode: str = "full", sizes=None, repeats: int | None = None, *, verbose: bool = True,
        coreshell: bool | None = None) -> dict:
    """Run the benchmark; return the results dictionary (what is written to JSON).

    Parameters
    ----------
    mode : {"full", "quick", "smoke"}
        "full" (1e5, 1e6, 1e7 NCs, 5 repeats, memory up to 1e8 NCs), "quick" (1e5 and
        1e6, 2 repeats) or "smoke" (tiny sizes, for tests only: its figures mean
        nothing).
    sizes : sequence of int, optional
        Ensemble sizes instead of the mode's.
    repeats : int, optional
        Timed repeats instead of the mode's.
    verbose : bool, default True
        Report progress on stderr.
    coreshell : bool, optional
        Time the core/shell model too (default: except in "smoke" mode).

    Returns
    -------
    dict
        The results: ``meta`` (machine, versions, settings) and one entry per
        measurement, as described in docs/benchmark.md.
    """
    def say(msg):
        if verbose:
            print(msg, file=sys.stderr, flush=True)

    if sizes is None:
        sizes = {"full": SIZES_FULL, "quick": SIZES_QUICK, "smoke": SIZES_SMOKE}[mode]
    sizes = sorted(int(s) for s in sizes)
    if repeats is None:
        repeats = {"full": 5, "quick": 2, "smoke": 1}[mode]
    res = {"meta": _meta(mode, sizes, repeats)}

    say("compile time (fresh interpreters, empty then populated numba cache) ...")
    with tempfile.TemporaryDirectory(prefix="ncgain-numba-cache-") as cache:
        cold = _spawn("compile", {}, env={"NUMBA_CACHE_DIR": cache})
        cached = _spawn("compile", {}, env={"NUMBA_CACHE_DIR": cache})
    res["compile"] = {"cold": cold, "cached": cached,
                      "compile_seconds": cold["compile_seconds"],
                      "cached_load_seconds": cached["compile_seconds"]}

    floor_size = min(max(sizes), 10 ** 7) if mode != "smoke" else 10 ** 5
    numpy_sizes = [s for s in sizes if s <= 10 ** 6] if mode == "full" else sizes
    if mode == "full" and 10 ** 7 in sizes:
        numpy_sizes = sizes
    mc, floors = [], {}
    for threads in (1, 2):
        say(f"Monte Carlo throughput on {threads} thread(s) ...")
        spec = {"sizes": sizes, "bins": [1, 16], "repeats": repeats, "floor_size": floor_size,
                "extras": threads == 1, "numpy_sizes": numpy_sizes}
        out = _spawn("throughput", spec, threads=threads)
        mc += out["rows"]
        floors[str(out["threads"])] = out["rng_floor"]
        if threads == 1:
            res["master_equation"] = out["master_equation"]
            res["numpy_baseline"] = out["numpy_baseline"]
    res["monte_carlo"] = mc
    res["rng_floor"] = floors

    scaling = []
    for r1 in mc:
        if r1["threads"] != 1:
            continue
        for r2 in mc:
            if (r2["threads"] == 2 and r2["what"] == r1["what"]
                    and r2["n_nanocrystals"] == r1["n_nanocrystals"]
                    and r2["energy_bins"] == r1["energy_bins"]):
                scaling.append({"what": r1["what"], "n_nanocrystals": r1["n_nanocrystals"],
                                "energy_bins": r1["energy_bins"],
                                "speedup": r1["seconds"] / r2["seconds"]})
    res["scaling"] = scaling
    speed = []
    for b in res["numpy_baseline"]:
        k = {r["threads"]: r for r in mc if r["what"] == "kernel" and r["energy_bins"] == 1
             and r["n_nanocrystals"] == b["n_nanocrystals"]}
        if 1 in k and 2 in k:
            speed.append({"n_nanocrystals": b["n_nanocrystals"],
                          "speedup_1_thread": b["seconds"] / k[1]["seconds"],
                          "speedup_2_threads": b["seconds"] / k[2]["seconds"]})
    res["speedup_vs_numpy"] = speed

    mem_sizes = list(sizes) + (list(MEMORY_EXTRA_FULL) if mode == "full" else [])
    res["memory"] = []
    for n in mem_sizes:
        say(f"peak memory at {n:.0e} NCs ...")
        res["memory"].append(_spawn("memory", {"n": n, "bins": 16}))

    res["coreshell"] = None
    if coreshell is None:
        coreshell = mode != "smoke"
    if coreshell:
        from . import coreshell_figures
        say("studies.coreshell_figures.benchmark() ...")
        res["coreshell"] = {k: (float(v) if isinstance(v, (int, float, np.number)) else v)
                            for k, v in coreshell_figures.benchmark().items()}
    res["meta"]["load_average_1min_at_end"] = os.getloadavg()[0]
    res["targets"] = _targets(res)
    return res


# ----------------------------------------------------------------------------- report

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


def report(res: dict) -> str:
    """Human-readable tables of a results dictionary.

    Parameters
    ----------
    res : dict
        The result of :func:`run`.

    Returns
    -------
    str
        Plain-text tables, units in every header, targets marked PASS or MISS.
    """
    m = res["meta"]
    w = m["workload"]
    parts = [f"ncgain {m['ncgain']} benchmark, {m['date']}, {m['cpu']} "
             f"({m['logical_cpus']} logical CPUs), numba {m['numba']}, numpy {m['numpy']}",
             f"workload: <N> = {w['mean_excitons']} (Poisson), {w['n_times']} log-spaced times "
             f"{w['time_first_ps']} ps .. {w['time_last_ps'] / 1000:g} ns, tau_XX = "
             f"{w['tau_xx_ps']:g} ps, tau_X = {w['tau_x_ps'] / 1000:g} ns (c.w. kernel: "
             f"G = {CW_WORKLOAD['generation_rate_per_ps']:g} ps^-1 from a dark start, same "
             "times); CHUNK_SIZE = "
             f"{m['chunk_size']}; best of {m['repeats']}", ""]
    c = res["compile"]
    parts.append(_table(["compile, cold (s)", "cached load (s)", "import kinetics (s)",
                         "warm call 2e3 NCs (s)"],
                        [[_fmt(c["compile_seconds"]), _fmt(c["cached_load_seconds"]),
                          _fmt(c["cached"]["import_seconds"]),
                          _fmt(c["cached"]["warm_call_seconds"])]]))
    parts.append("")
    rows = []
    for r in sorted(res["monte_carlo"], key=lambda r: (r["what"] != "kernel", r["energy_bins"],
                                                        r["n_nanocrystals"], r["threads"])):
        rows.append([r["what"], r["energy_bins"], f"{r['n_nanocrystals']:.0e}", r["threads"],
                     _fmt(r["seconds"], ".4f"), _fmt(r["ncs_per_s"]),
                     _fmt(r["ncs_per_s_per_thread"]), _fmt(r["events_per_s"]),
                     _fmt(r["events_per_nc"], ".4f"), _fmt(r.get("cpu_per_wall"), ".2f")])
    parts.append(_table(["Monte Carlo", "energy bins", "NCs", "threads", "time (s)", "NCs/s",
                         "NCs/s per thread", "events/s", "events/NC", "CPU s per wall s"], rows))
    parts.append("")
    parts.append(_table(["speed-up 1 -> 2 threads", "energy bins", "NCs", "speed-up (x)"],
                        [[s["what"], s["energy_bins"], f"{s['n_nanocrystals']:.0e}",
                          _fmt(s["speedup"], ".2f")] for s in res["scaling"]]))
    parts.append("")
    frows = []
    for th, f in sorted(res["rng_floor"].items()):
        for name, v in f["variants"].items():
            frows.append([th, name, _fmt(v["ncs_per_s"]), _fmt(v["ncs_per_s_per_thread"])])
    parts.append(_table(["RNG floor threads", "Poisson inversion", "NCs/s", "NCs/s per thread"],
                        frows))
    parts.append("")
    parts.append(_table(["NumPy baseline NCs", "time (s)", "NCs/s", "events/s", "events/NC",
                         "kernel speed-up 1 thread (x)", "2 threads (x)"],
                        [[f"{b['n_nanocrystals']:.0e}", _fmt(b["seconds"], ".4f"),
                          _fmt(b["ncs_per_s"]), _fmt(b["events_per_s"]),
                          _fmt(b["events_per_nc"], ".4f"),
                          _fmt(next((s["speedup_1_thread"] for s in res["speedup_vs_numpy"]
                                     if s["n_nanocrystals"] == b["n_nanocrystals"]), None), ".2f"),
                          _fmt(next((s["speedup_2_threads"] for s in res["speedup_vs_numpy"]
                                     if s["n_nanocrystals"] == b["n_nanocrystals"]), None), ".2f")]
                         for b in res["numpy_baseline"]]))
    parts.append("")
    me = res["master_equation"]
    parts.append(_table(["master equation: simulate_pulsed (s)", "propagate only (s)", "n_max"],
                        [[_fmt(me["simulate_pulsed_seconds"], ".4f"),
                          _fmt(me["propagate_seconds"], ".4f"), me["n_max"]]]))
    parts.append("")
    parts.append(_table(["peak memory NCs", "threads", "baseline RSS (MiB)", "peak RSS (MiB)",
                         "growth (MiB)", "run time (s)"],
                        [[f"{x['n_nanocrystals']:.0e}", x["threads"], _fmt(x["baseline_mib"], ".1f"),
                          _fmt(x["peak_mib"], ".1f"), _fmt(x["growth_mib"], ".2f"),
                          _fmt(x["seconds"], ".2f")] for x in res["memory"]]))
    if res.get("coreshell"):
        cs = res["coreshell"]
        parts.append("")
        parts.append(_table(["core/shell: one (R,H) point (s)", "60x60 map (s)", "map workers"],
                            [[_fmt(cs.get("one_point_seconds")), _fmt(cs.get("map_60x60_seconds")),
                              cs.get("map_workers", "-")]]))
    parts.append("")
    parts.append(_table(["target", "measured", "result", "detail"],
                        [[t["target"], _fmt(t["measured"]),
                          {True: "PASS", False: "MISS", None: "n/a"}[t["pass"]], t["detail"]]
                         for t in res["targets"]]))
    return "\n".join(parts)


# ----------------------------------------------------------------------------- sweeps

#: The sweep benchmark (issue 10): 64 Monte Carlo points, and 64 near-empty points.
SWEEP_WORKLOAD = {
    "preset": "type-ii",
    "linewidth_ev": (0.03, 0.12),
    "n_points": 64,
    "observable": "spectra",
    "options": {"mean_excitons": [0.5, 1.0, 2.0], "times": [0.0, 3.0, 100.0, 1000.0],
                "energies": [2.00, 2.02, 2.04, 2.06, 2.08, 2.10, 2.12, 2.14, 2.16],
                "method": "monte-carlo", "n_nanocrystals": 500_000, "energy_bins": 4},
    "tiny_options": {"mean_excitons": [1.0], "times": [3.0], "energies": [2.05, 2.10],
                     "method": "master-equation"},
    "seed": 10,
}


def _sweep_definition(n_points: int, options: dict):
    from ncgain.studies import sweep as sw
    gammas = np.linspace(*SWEEP_WORKLOAD["linewidth_ev"], n_points).tolist()
    return sw.Sweep(SWEEP_WORKLOAD["preset"], {"linewidth": gammas}, "spectra",
                    options=options, seed=SWEEP_WORKLOAD["seed"])


def _plain_loop(definition) -> float:
    """The same points as a plain Python loop of kinetics calls (no store, no dask)."""
    from ncgain import kinetics
    from ncgain.studies import sweep as sw
    o = definition.options
    start = time.perf_counter()
    for i in range(definition.n_points):
        kinetics.simulate_pulsed(definition.point_sample(i), o["mean_excitons"], o["times"],
                                 energies=o["energies"], n_nanocrystals=o["n_nanocrystals"],
                                 seed=sw.point_seed(definition.seed, i), method=o["method"],
                                 energy_bins=o["energy_bins"])
    return time.perf_counter() - start


def _warm():
    from ncgain import kinetics
    kinetics.simulate_pulsed("type-ii", [1.0], [3.0], energies=[2.05], n_nanocrystals=1000)
    return os.getpid()


def _timed_sweep(definition, scheduler) -> float:
    from ncgain.studies import sweep as sw
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        sw.run(definition, tmp, scheduler=scheduler, numba_threads=1)
        return time.perf_counter() - start


def sweep_benchmark(*, n_points: int | None = None, n_nanocrystals: int | None = None,
                    verbose: bool = True) -> dict:
    """64-point Monte Carlo sweep on 1 and 2 local workers, and the per-point overhead.

    Measured in this process with Numba on 1 thread: a plain loop of
    ``kinetics.simulate_pulsed`` calls over the same points; ``studies.sweep.run``
    in-process (``scheduler="serial"``: validation, store, assembly); and on an
    embedded LocalCluster of 1 and of 2 single-threaded workers (start-up and the
    first call of each worker timed separately, then the sweep alone). The same
    for 64 near-empty points (a 2-energy master-equation spectrum) to expose the
    fixed cost per point. Load averages before and after say whether the
    machine was shared.

    Parameters
    ----------
    n_points : int, optional
        Number of points (default 64).
    n_nanocrystals : int, optional
        Monte Carlo ensemble per point (default 500,000).
    verbose : bool, default True
        Print each figure as it is measured.

    Returns
    -------
    dict
    """
    import numba

    from ncgain.studies import sweep as sw

    def say(msg):
        if verbose:
            print(msg, flush=True)

    numba.set_num_threads(1)
    n = n_points or SWEEP_WORKLOAD["n_points"]
    opts = dict(SWEEP_WORKLOAD["options"])
    if n_nanocrystals:
        opts["n_nanocrystals"] = int(n_nanocrystals)
    res = {"workload": {**SWEEP_WORKLOAD, "n_points": n, "options": opts},
           "cores": sw.available_cores(), "load_before": list(os.getloadavg())}
    for kind, options in (("monte_carlo", opts), ("tiny", SWEEP_WORKLOAD["tiny_options"])):
        definition = _sweep_definition(n, options)
        _warm()
        cpu0 = time.process_time()
        r = {"plain_loop_s": _plain_loop(definition)}
        r["plain_loop_cpu_per_wall"] = (time.process_time() - cpu0) / r["plain_loop_s"]
        say(f"[{kind}] plain loop: {r['plain_loop_s']:.2f} s")
        r["serial_sweep_s"] = _timed_sweep(definition, "serial")
        say(f"[{kind}] sweep, in-process: {r['serial_sweep_s']:.2f} s")
        for workers in (1, 2):
            start = time.perf_counter()
            with sw.local_cluster(workers=workers, numba_threads=1) as client:
                client.run(_warm)
                r[f"cluster_{workers}_startup_s"] = time.perf_counter() - start
                cpu0 = sum(client.run(time.process_time).values())
                r[f"cluster_{workers}_sweep_s"] = _timed_sweep(definition, client)
                cpu = sum(client.run(time.process_time).values()) - cpu0
            # Worker CPU seconds per wall second: ~workers if each worker had a core.
            r[f"cluster_{workers}_cpu_per_wall"] = cpu / r[f"cluster_{workers}_sweep_s"]
            r[f"cluster_{workers}_worker_cpu_s"] = cpu
            say(f"[{kind}] {workers} worker(s): start-up + warm-up "
                f"{r[f'cluster_{workers}_startup_s']:.2f} s, sweep "
                f"{r[f'cluster_{workers}_sweep_s']:.2f} s, worker CPU s per wall s "
                f"{r[f'cluster_{workers}_cpu_per_wall']:.2f}")
        r["speedup_1_to_2_workers"] = r["cluster_1_sweep_s"] / r["cluster_2_sweep_s"]
        # Independent of competing processes: worker CPU seconds for the same 64 points on
        # 2 workers over 1 worker (1.0 = no parallel overhead), and per point against the loop.
        r["worker_cpu_ratio_2_to_1"] = r["cluster_2_worker_cpu_s"] / r["cluster_1_worker_cpu_s"]
        r["loop_cpu_s"] = r["plain_loop_cpu_per_wall"] * r["plain_loop_s"]
        r["overhead_per_point_serial_ms"] = 1e3 * (r["serial_sweep_s"] - r["plain_loop_s"]) / n
        r["overhead_per_point_1_worker_ms"] = (1e3 * (r["cluster_1_sweep_s"] - r["plain_loop_s"])
                                               / n)
        r["plain_loop_per_point_ms"] = 1e3 * r["plain_loop_s"] / n
        res[kind] = r
    res["load_after"] = list(os.getloadavg())
    return res


def sweep_report(res: dict) -> str:
    """Tables of :func:`sweep_benchmark` results.

    Parameters
    ----------
    res : dict
        Output of :func:`sweep_benchmark`.

    Returns
    -------
    str
    """
    rows = []
    for kind in ("monte_carlo", "tiny"):
        r = res[kind]
        rows.append([kind, _fmt(r["plain_loop_per_point_ms"]), _fmt(r["plain_loop_s"]),
                     _fmt(r["serial_sweep_s"]), _fmt(r["cluster_1_sweep_s"]),
                     _fmt(r["cluster_2_sweep_s"]), _fmt(r["speedup_1_to_2_workers"]),
                     _fmt(r["overhead_per_point_serial_ms"]),
                     _fmt(r["overhead_per_point_1_worker_ms"]),
                     _fmt(r["cluster_1_startup_s"]), _fmt(r["cluster_2_startup_s"]),
                     f"{r['plain_loop_cpu_per_wall']:.2f} / {r['cluster_1_cpu_per_wall']:.2f} / "
                     f"{r['cluster_2_cpu_per_wall']:.2f}",
                     f"{r['loop_cpu_s']:.2f} / {r['cluster_1_worker_cpu_s']:.2f} / "
                     f"{r['cluster_2_worker_cpu_s']:.2f}"])
    head = ["points", "loop ms/point", "loop s", "serial sweep s", "1 worker s", "2 workers s",
            "speed-up 1->2", "overhead serial ms/point", "overhead 1 worker ms/point",
            "start 1 worker s", "start 2 workers s", "CPU s per wall s loop / 1 w / 2 w", "CPU s loop / 1 w / 2 w"]
    n = res["workload"]["n_points"]
    target = res["monte_carlo"]["speedup_1_to_2_workers"]
    return "\n".join([
        f"sweep benchmark: {n} points, {res['cores']} cores, load average before "
        f"{res['load_before'][0]:.2f}, after {res['load_after'][0]:.2f}",
        _table(head, rows),
        f"target speed-up 1 -> 2 workers >= 1.7 (Monte Carlo): "
        f"{'PASS' if target >= 1.7 else 'MISS'} ({target:.2f}); CPU s per wall s well below "
        "1 (loop, 1 worker) or 2 (2 workers) means other processes had the cores"])
def cavity_throughput(n_nanocrystals: int = 1_000_000, channels: int = 64,
                      t_end: float = 200.0, generation_rate: float = 0.02,
                      memory_nanocrystals: int = 10_000_000, memory_t_end: float = 2.0,
                      twin: bool = True) -> dict:
    """Photon-field (cavity) Monte Carlo: NC-steps and events per second, twin time, memory.

    A c.w. pumped type-II film in a cavity (alpha_0 = 500 cm^-1, Gamma_c = 0.5,
    tau_c = 5 ps, beta = 1e-3, ``channels`` channels, G = ``generation_rate``
    per NC per ps, above the lasing threshold), ``t_end`` ps after the pump
    starts: the default 200 ps covers the turn-on and ~150 ps of lasing, where
    stimulated events are ~10x more frequent than in the first 20 ps. The first
    (compiling) call is excluded. Wall and process CPU time are both reported
    (the machine is shared: CPU seconds per wall second below the thread count
    mean other processes had the cores), with the load averages. The memory
    figure comes from a fresh interpreter running ``memory_nanocrystals`` NCs
    for ``memory_t_end`` ps (peak RSS over the warm baseline).

    Parameters
    ----------
    n_nanocrystals : int, default 1_000_000
    channels : int, default 64
    t_end : float, default 200.0
        Simulated time (ps); the issue's target run is 2000 ps.
    generation_rate : float, default 0.02
    memory_nanocrystals : int, default 10_000_000
        Size of the memory run (0: skip it).
    memory_t_end : float, default 2.0
    twin : bool, default True
        Also time the rate-equation twin over the same window.

    Returns
    -------
    dict
        ``nc_steps_per_s`` (wall), ``nc_steps_per_cpu_s``, ``events_per_s``,
        ``events_per_nc_step``, ``twin_seconds``, ``bytes_per_nc``, ``memory``
        (the 1e7-NC run), ``load_average_before/after``, ``threads``.
    """
    import numba
    from ncgain import kinetics
    film, cav = _cavity_setup(channels)
    kinetics.simulate_cavity("type-ii", film, cav, [0.0, 1.0], generation_rate=[generation_rate],
                             n_nanocrystals=1000)
    load_before = list(os.getloadavg())
    t0, c0 = time.perf_counter(), time.process_time()
    ds = kinetics.simulate_cavity("type-ii", film, cav, [0.0, t_end],
                                  generation_rate=[generation_rate],
                                  n_nanocrystals=n_nanocrystals)
    mc, cpu = time.perf_counter() - t0, time.process_time() - c0
    load_after_mc = list(os.getloadavg())
    steps = json.loads(ds.attrs["n_steps"])[0]
    events = json.loads(ds.attrs["n_events"])[0]
    twin_s = float("nan")
    if twin:
        t0 = time.perf_counter()
        kinetics.simulate_cavity("type-ii", film, cav, [0.0, t_end],
                                 generation_rate=[generation_rate], method="rate-equations")
        twin_s = time.perf_counter() - t0
    memory = None
    if memory_nanocrystals:
        memory = _spawn("cavity_memory", {"n": int(memory_nanocrystals), "t_end": memory_t_end,
                                          "channels": channels, "rate": generation_rate})
    nc_steps = n_nanocrystals * steps
    return {"n_nanocrystals": n_nanocrystals, "channels": channels, "t_end_ps": t_end,
            "generation_rate_per_ps": generation_rate, "steps": steps,
            "mean_dt_ps": t_end / steps, "seconds": mc, "cpu_seconds": cpu,
            "nc_steps_per_s": nc_steps / mc, "nc_steps_per_cpu_s": nc_steps / cpu,
            "ns_per_nc_step_per_thread": mc * numba.get_num_threads() / nc_steps * 1e9,
            "events": events, "events_per_s": events / mc, "events_per_nc_step": events / nc_steps,
            "twin_seconds": twin_s, "bytes_per_nc": kinetics.cavity.BYTES_PER_NC,
            "memory": memory, "threads": numba.get_num_threads(),
            "cores": os.cpu_count(), "load_average_before": load_before,
            "load_average_after_monte_carlo": load_after_mc,
            "target_nc_steps_per_s": 1e8}


def _cavity_setup(channels: int):
    from ncgain import models
    film = models.Film(absorption_coefficient=500.0, confinement_factor=0.5)
    cav = models.Cavity(photon_lifetime=5.0, channels=channels, spontaneous_coupling=1e-3)
    return film, cav


def _worker_cavity_memory(spec: dict) -> dict:
    """Peak RSS of one cavity Monte Carlo of ``spec['n']`` NCs over the warm baseline."""
    import resource

    from ncgain import kinetics
    film, cav = _cavity_setup(int(spec["channels"]))
    kw = dict(generation_rate=[float(spec["rate"])])
    kinetics.simulate_cavity("type-ii", film, cav, [0.0, 1.0], n_nanocrystals=1000, **kw)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024.0   # KiB on Linux
    t0 = time.perf_counter()
    ds = kinetics.simulate_cavity("type-ii", film, cav, [0.0, float(spec["t_end"])],
                                  n_nanocrystals=int(spec["n"]), **kw)
    sec = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024.0
    steps = json.loads(ds.attrs["n_steps"])[0]
    return {"n_nanocrystals": int(spec["n"]), "t_end_ps": float(spec["t_end"]), "steps": steps,
            "seconds": sec, "nc_steps_per_s": int(spec["n"]) * steps / sec,
            "baseline_mib": base / MIB, "peak_mib": peak / MIB, "growth_mib": (peak - base) / MIB,
            "growth_bytes_per_nc": (peak - base) / int(spec["n"]),
            "state_mib": kinetics.cavity.BYTES_PER_NC * int(spec["n"]) / MIB}


_WORKERS["cavity_memory"] = _worker_cavity_memory


def cavity_report(res: dict) -> str:
    """Text summary of :func:`cavity_throughput`.

    Parameters
    ----------
    res : dict
        The result of :func:`cavity_throughput`.

    Returns
    -------
    str
        A few lines with the figures, the load and the target verdict.
    """
    r = res
    lines = [
        f"cavity Monte Carlo: {r['n_nanocrystals']:.0e} NCs, {r['channels']} channels, "
        f"{r['t_end_ps']:g} ps ({r['steps']} steps, mean dt {r['mean_dt_ps']:.3g} ps), "
        f"{r['threads']} threads on {r['cores']} cores",
        "  load average (1/5/15 min) before "
        + "/".join(f"{x:.2f}" for x in r["load_average_before"]) + ", after "
        + "/".join(f"{x:.2f}" for x in r["load_average_after_monte_carlo"]),
        f"  wall {r['seconds']:.2f} s, CPU {r['cpu_seconds']:.2f} s: "
        f"{r['nc_steps_per_s']:.3g} NC-steps/s (wall), {r['nc_steps_per_cpu_s']:.3g} NC-steps per "
        f"CPU s; {r['events_per_s']:.3g} events/s ({r['events_per_nc_step']:.3g} per NC-step)",
        f"  rate-equation twin: {r['twin_seconds']:.2f} s",
        f"  state: {r['bytes_per_nc']} bytes per NC",
        f"  target >= {r['target_nc_steps_per_s']:.0e} NC-steps/s (wall): "
        f"{'PASS' if r['nc_steps_per_s'] >= r['target_nc_steps_per_s'] else 'MISS'}",
    ]
    m = r.get("memory")
    if m:
        lines.append(
            f"  memory run: {m['n_nanocrystals']:.0e} NCs, {m['t_end_ps']:g} ps "
            f"({m['steps']} steps, {m['seconds']:.1f} s, {m['nc_steps_per_s']:.3g} NC-steps/s): peak RSS "
            f"{m['peak_mib']:.0f} MiB, {m['growth_mib']:.0f} MiB over the warm baseline "
            f"({m['growth_bytes_per_nc']:.1f} bytes per NC; NC state {m['state_mib']:.0f} MiB)")
    return "\n".join(lines)


def stripe_throughput(n_nanocrystals: int = 50_000, slices: int = 8, channels: int = 32,
                      t_end: float = 300.0, mean_excitons: float = 1.5) -> dict:
    """Monte Carlo stripe: NC-steps and events per second, and the twin's time.

    A pulsed type-II film (alpha_0 = 2000 cm^-1, Gamma_c = 0.5, loss 10 cm^-1) under a
    0.04 cm stripe of ``slices`` slices with ``n_nanocrystals`` NCs each, ``channels``
    channels, beta = 1e-3, <N> = ``mean_excitons``, 0 ... ``t_end`` ps (ASE with ~100x
    amplification at the peak). The first (compiling) call is excluded.
    """
    import time as _time

    import numba
    from ncgain import kinetics, models
    film = models.Film(absorption_coefficient=2000.0, confinement_factor=0.5, loss=10.0)
    stripe = models.Stripe(length=0.04, slices=slices, channels=channels,
                           spontaneous_coupling=1e-3)
    kw = dict(mean_excitons=[mean_excitons], method="monte-carlo")
    kinetics.simulate_stripe("type-ii", film, stripe, [0.0, 1.0], n_nanocrystals=500, **kw)
    t0 = _time.perf_counter()
    ds = kinetics.simulate_stripe("type-ii", film, stripe, [0.0, t_end],
                                  n_nanocrystals=n_nanocrystals, **kw)
    mc = _time.perf_counter() - t0
    steps = json.loads(ds.attrs["n_steps"])[0]
    events = json.loads(ds.attrs["n_events"])[0]
    t0 = _time.perf_counter()
    kinetics.simulate_stripe("type-ii", film, stripe, [0.0, t_end],
                             mean_excitons=[mean_excitons])
    twin = _time.perf_counter() - t0
    n_all = n_nanocrystals * slices
    return {"n_nanocrystals_per_slice": n_nanocrystals, "slices": slices,
            "channels": channels, "t_end_ps": t_end, "steps": steps, "seconds": mc,
            "nc_steps_per_s": n_all * steps / mc, "events_per_s": events / mc,
            "twin_seconds": twin, "threads": numba.get_num_threads(),
            "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None}


def main(argv=None) -> int:
    """Command line of ``python -m ncgain.studies.benchmark``: run, print, write JSON.

    Parameters
    ----------
    argv : list of str, optional
        The arguments (default: ``sys.argv[1:]``); ``--help`` lists them.

    Returns
    -------
    int
        The exit code, 0 (also when a target is missed: each is printed as PASS or
        MISS).
    """
    parser = argparse.ArgumentParser(prog="python -m ncgain.studies.benchmark", description=__doc__.split(
        "\n\n")[0])
    parser.add_argument("--out", default="benchmark.json", help="JSON output (default %(default)s)")
    g = parser.add_mutually_exclusive_group()
    g.add_argument("--quick", action="store_true", help="1e5 and 1e6 NCs, 2 repeats (< 1 min)")
    g.add_argument("--smoke", action="store_true", help="tiny sizes, for tests only")
    parser.add_argument("--sizes", type=lambda s: [int(float(x)) for x in s.split(",")],
                        help="comma-separated ensemble sizes, e.g. 1e5,1e6,1e7")
    parser.add_argument("--repeats", type=int, help="timing repeats (best of)")
    parser.add_argument("--worker", nargs=2, metavar=("KIND", "SPEC"), help=argparse.SUPPRESS)
    parser.add_argument("--sweep", action="store_true",
                        help="instead: the sweep benchmark, a 64-point Monte Carlo sweep on 1 "
                             "and 2 local dask workers and the per-point overhead against a "
                             "plain loop (~3 min on 2 cores); --out defaults to "
                             "benchmark_sweep.json")
    parser.add_argument("--sweep-points", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--sweep-nanocrystals", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--cavity", action="store_true",
                        help="instead: the photon-field (cavity) Monte Carlo, 1e6 NCs, 64 "
                             "channels, 200 ps of c.w. lasing, the twin, and the memory of a "
                             "1e7-NC run (~2 min on 2 cores); --out defaults to "
                             "benchmark_cavity.json")
    parser.add_argument("--cavity-t-end", type=float, default=None,
                        help="simulated time of the cavity run in ps (default 200; the issue's "
                             "target run is 2000)")
    parser.add_argument("--stripe", action="store_true",
                        help="instead: the Monte Carlo stripe (ASE) throughput and the twin's time")
    args = parser.parse_args(argv)
    if args.stripe:
        res = stripe_throughput(**({"n_nanocrystals": 500, "slices": 2, "channels": 8,
                                    "t_end": 20.0} if args.smoke else {}))
        print(json.dumps(res, indent=2))
        return 0
    if args.cavity:
        kw = ({"n_nanocrystals": 20_000, "t_end": 2.0, "memory_nanocrystals": 20_000}
              if args.smoke else {})
        if args.cavity_t_end is not None:
            kw["t_end"] = args.cavity_t_end
        res = cavity_throughput(**kw)
        print(cavity_report(res))
        out = "benchmark_cavity.json" if args.out == "benchmark.json" else args.out
        from ._io import write_text
        write_text(out, json.dumps(res, indent=2))
        print(f"\nwritten: {out}")
        return 0
    if args.sweep:
        res = sweep_benchmark(n_points=args.sweep_points, n_nanocrystals=args.sweep_nanocrystals)
        print(sweep_report(res))
        out = "benchmark_sweep.json" if args.out == "benchmark.json" else args.out
        with open(out, "w") as fh:
            json.dump(res, fh, indent=2)
        print(f"\nwritten: {out}")
        return 0
    if args.worker:
        kind, spec = args.worker
        print(json.dumps(_WORKERS[kind](json.loads(spec))))
        return 0
    mode = "quick" if args.quick else "smoke" if args.smoke else "full"
    res = run(mode, sizes=args.sizes, repeats=args.repeats)
    print(report(res))
    from ._io import write_text  # atomic: a reader never sees a half-written file
    write_text(args.out, json.dumps(res, indent=2))
    print(f"\nwritten: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
