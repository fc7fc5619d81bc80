"""The sweep benchmark (``python -m ncgain.benchmarks --sweep``): dask workers against a plain loop."""

from __future__ import annotations

import os
import tempfile
import time

import numpy as np

from .workload import _fmt, _table

__all__ = ["SWEEP_WORKLOAD", "sweep_benchmark", "sweep_report"]


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
    from ncgain import sweeps as sw
    gammas = np.linspace(*SWEEP_WORKLOAD["linewidth_ev"], n_points).tolist()
    return sw.Sweep(SWEEP_WORKLOAD["preset"], {"linewidth": gammas}, "spectra",
                    options=options, seed=SWEEP_WORKLOAD["seed"])


def _plain_loop(definition) -> float:
    """The same points as a plain Python loop of kinetics calls (no store, no dask)."""
    from ncgain import kinetics
    from ncgain import sweeps as sw
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
    from ncgain import sweeps as sw
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        sw.run(definition, tmp, scheduler=scheduler, numba_threads=1)
        return time.perf_counter() - start


def sweep_benchmark(*, n_points: int | None = None, n_nanocrystals: int | None = None,
                    verbose: bool = True) -> dict:
    """64-point Monte Carlo sweep on 1 and 2 local workers, and the per-point overhead.

    Measured in this process with Numba on 1 thread: a plain loop of
    ``kinetics.simulate_pulsed`` calls over the same points; ``sweeps.run``
    in-process (``scheduler="serial"``: validation, store, assembly); and on an
    embedded LocalCluster of 1 and of 2 single-threaded workers (start-up and the
    first call of each worker timed separately, then the sweep alone). The same
    for 64 near-empty points (a 2-energy master-equation spectrum) to expose the
    fixed cost per point, on the same two clusters (each started once; its
    start-up is reported with both workloads). Load averages before and after say whether the
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

    from ncgain import sweeps as sw

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
    kinds = (("monte_carlo", opts), ("tiny", SWEEP_WORKLOAD["tiny_options"]))
    definitions = {kind: _sweep_definition(n, options) for kind, options in kinds}
    for kind, definition in definitions.items():
        _warm()
        cpu0 = time.process_time()
        r = {"plain_loop_s": _plain_loop(definition)}
        r["plain_loop_cpu_per_wall"] = (time.process_time() - cpu0) / r["plain_loop_s"]
        say(f"[{kind}] plain loop: {r['plain_loop_s']:.2f} s")
        r["serial_sweep_s"] = _timed_sweep(definition, "serial")
        say(f"[{kind}] sweep, in-process: {r['serial_sweep_s']:.2f} s")
        res[kind] = r
    # One cluster of each size serves both workloads (its start-up, timed once, is
    # reported with each): the sweeps alone are timed per workload.
    for workers in (1, 2):
        start = time.perf_counter()
        with sw.local_cluster(workers=workers, numba_threads=1) as client:
            client.run(_warm)
            startup = time.perf_counter() - start
            say(f"{workers} worker(s): start-up + warm-up {startup:.2f} s")
            for kind, definition in definitions.items():
                r = res[kind]
                r[f"cluster_{workers}_startup_s"] = startup
                cpu0 = sum(client.run(time.process_time).values())
                r[f"cluster_{workers}_sweep_s"] = _timed_sweep(definition, client)
                cpu = sum(client.run(time.process_time).values()) - cpu0
                # Worker CPU seconds per wall second: ~workers if each worker had a core.
                r[f"cluster_{workers}_cpu_per_wall"] = cpu / r[f"cluster_{workers}_sweep_s"]
                r[f"cluster_{workers}_worker_cpu_s"] = cpu
                say(f"[{kind}] {workers} worker(s): sweep "
                    f"{r[f'cluster_{workers}_sweep_s']:.2f} s, worker CPU s per wall s "
                    f"{r[f'cluster_{workers}_cpu_per_wall']:.2f}")
    for kind in definitions:
        r = res[kind]
        r["speedup_1_to_2_workers"] = r["cluster_1_sweep_s"] / r["cluster_2_sweep_s"]
        # Independent of competing processes: worker CPU seconds for the same 64 points on
        # 2 workers over 1 worker (1.0 = no parallel overhead), and per point against the loop.
        r["worker_cpu_ratio_2_to_1"] = r["cluster_2_worker_cpu_s"] / r["cluster_1_worker_cpu_s"]
        r["loop_cpu_s"] = r["plain_loop_cpu_per_wall"] * r["plain_loop_s"]
        r["overhead_per_point_serial_ms"] = 1e3 * (r["serial_sweep_s"] - r["plain_loop_s"]) / n
        r["overhead_per_point_1_worker_ms"] = (1e3 * (r["cluster_1_sweep_s"] - r["plain_loop_s"])
                                               / n)
        r["plain_loop_per_point_ms"] = 1e3 * r["plain_loop_s"] / n
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
        f"target speed-up 1 -> 2 workers >= 1.8 (Monte Carlo, issue 19): "
        f"{'PASS' if target >= 1.8 else 'MISS'} ({target:.2f}); CPU s per wall s well below "
        "1 (loop, 1 worker) or 2 (2 workers) means other processes had the cores"])
