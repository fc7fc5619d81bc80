"""Performance benchmark of the pulsed Monte Carlo: ``python -m ncgain.benchmarks``.

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

import datetime
import os
import platform
import sys
import tempfile
import time

import numpy as np

from .baseline import numpy_pulsed_counts, rng_floor
from .workload import (CW_WORKLOAD, MEMORY_EXTRA_FULL, MIB, SIZES_FULL, SIZES_QUICK, SIZES_SMOKE,
                       TARGETS, WORKLOAD, _LAST_CPU, _best_of, _cw_problem, _fmt, _problem,
                       _spawn, _table, workload_sample, workload_times)

__all__ = ["run", "report", "fresh_import_seconds"]


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


def fresh_import_seconds(module: str = "ncgain.kinetics") -> float:
    """Wall time of ``import module`` in a fresh interpreter (nothing of ours cached).

    Timed inside a new ``python -c`` process, so that the import is not the no-op of a
    module already in ``sys.modules`` (the interpreter's own start-up is not counted).

    Parameters
    ----------
    module : str, default "ncgain.kinetics"
        The module to import.

    Returns
    -------
    float
        Seconds.
    """
    import subprocess
    import sys
    code = ("import time; t0 = time.perf_counter(); import " + module
            + "; print(repr(time.perf_counter() - t0))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    return float(done.stdout.strip().splitlines()[-1])


def _worker_compile(spec: dict) -> dict:
    """First call (compile or cache load) minus a warm call of the same problem."""
    t_import = fresh_import_seconds("ncgain.kinetics")
    mean = np.array([WORKLOAD["mean_excitons"]])
    problem = _problem(2000, 16)
    first, _ = _best_of(lambda: problem.monte_carlo_counts(mean), 1)
    warm, _ = _best_of(lambda: problem.monte_carlo_counts(mean), 5)
    return {"import_seconds": t_import, "first_call_seconds": first, "warm_call_seconds": warm,
            "compile_seconds": first - warm}


_WORKERS = {"throughput": _worker_throughput, "memory": _worker_memory,
            "compile": _worker_compile}


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
        1e6, 2 repeats) or "smoke" (tiny sizes, peak memory at the largest only, for
        tests only: its figures mean nothing).
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
    if mode == "smoke":   # one fresh interpreter is enough to test the measurement
        mem_sizes = mem_sizes[-1:]
    res["memory"] = []
    for n in mem_sizes:
        say(f"peak memory at {n:.0e} NCs ...")
        res["memory"].append(_spawn("memory", {"n": n, "bins": 16}))

    res["coreshell"] = None
    if coreshell is None:
        coreshell = mode != "smoke"
    if coreshell:
        from ncgain.studies import coreshell_figures
        say("studies.coreshell_figures.benchmark() ...")
        res["coreshell"] = {k: (float(v) if isinstance(v, (int, float, np.number)) else v)
                            for k, v in coreshell_figures.benchmark().items()}
    res["meta"]["load_average_1min_at_end"] = os.getloadavg()[0]
    res["targets"] = _targets(res)
    return res


# ----------------------------------------------------------------------------- report


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
