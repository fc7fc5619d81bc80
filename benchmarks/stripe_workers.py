"""The stripe study's rate equations on 1 and more processes (``--stripe-workers``).

Each worker count runs in a fresh interpreter (:func:`.workload._spawn`): the full
``fig5abc_ase`` study (:func:`ncgain.studies.fig5abc_ase.run`, its
:data:`~ncgain.studies.fig5abc_ase.WORKERS` set to the count), or with ``smoke`` a small
stripe of 4 fluences through :func:`ncgain.kinetics.simulate_stripe` directly. Reported:
wall time, the CPU time of the interpreter and of its (joined) pool processes, the load
averages before and after, and a digest of the output (the same for every count: the
pool is bit-identical).
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import time

from .workload import _spawn

__all__ = ["stripe_workers_benchmark", "stripe_workers_report", "pool_makespan"]


def _digest(ds) -> str:
    """SHA-256 of every data variable's bytes and of the attributes (bit-identity check)."""
    h = hashlib.sha256()
    for name in sorted(ds.data_vars):
        h.update(name.encode())
        h.update(ds[name].values.tobytes())
    h.update(repr(sorted((k, repr(v)) for k, v in ds.attrs.items())).encode())
    return h.hexdigest()


def _worker_stripe_workers(spec: dict) -> dict:
    """One timed run (study or small stripe) with ``spec['workers']`` processes."""
    workers = int(spec["workers"])
    load_before = list(os.getloadavg())
    if spec.get("smoke"):
        from ncgain import kinetics, models
        film = models.Film(absorption_coefficient=2000.0, confinement_factor=0.5, loss=10.0)
        stripe = models.Stripe(length=0.04, slices=3, channels=8, spontaneous_coupling=1e-3)
        run = lambda: kinetics.simulate_stripe(  # noqa: E731
            "type-ii", film, stripe, [0.0, 3.0, 100.0], fluence=[0.5, 1.0, 2.0, 4.0],
            max_slice_gain=2.0, workers=workers)
        what = "small stripe (type II, 3 slices, 8 channels, 4 fluences, 100 ps)"
    else:
        from ncgain.studies import fig5abc_ase
        fig5abc_ase.WORKERS = workers
        run = lambda: fig5abc_ase.run(progress=lambda done, total, label:  # noqa: E731
                                      label != "start" and stamps.append(time.process_time()))
        what = ("fig5abc_ase.run() (full grids: 2 presets x 16 fluences, 12 slices, 32 "
                "channels, 4 ns, max_slice_gain 2)")
    stamps = []                 # this process's CPU time at each fluence done (the study)
    t0, c0 = time.perf_counter(), time.process_time()
    ds = run()
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    res = {"workers": workers, "what": what, "seconds": wall, "cpu_seconds": cpu,
           "worker_cpu_seconds": children.ru_utime + children.ru_stime,
           "digest": _digest(ds), "cores": os.cpu_count(),
           "load_average_before": load_before, "load_average_after": list(os.getloadavg())}
    if stamps and workers == 1:       # in one process the fluences end in the grid's order
        res["fluence_cpu_seconds"] = [b - a for a, b in zip([c0] + stamps[:-1], stamps)]
        res["fluence"] = ds.fluence.values.tolist()
        res["sub_slices"] = [json.loads(ds.attrs[f"sub_slices_{k}"]) for k in ds.preset.values]
    return res


def pool_makespan(seconds, refine, pump, workers: int) -> float:
    """Wall time of one pool on ``workers`` idle cores, from the solves' own times.

    The pool's schedule (:func:`ncgain.kinetics.field._pump_pool.solve_order`: most
    expensive estimate first, each to the first free process), with each solve taking
    ``seconds[k]``; the processes' start-up is not included.

    Parameters
    ----------
    seconds : sequence of float
        Time of each pump value's solve (e.g. its CPU time in one process).
    refine, pump : sequence
        Sub-slices and pump values (the schedule's cost estimate).
    workers : int
        Processes.

    Returns
    -------
    float
        The time at which the last solve ends.

    Examples
    --------
    >>> pool_makespan([1.0, 1.0, 4.0], [1, 1, 2], [1.0, 2.0, 3.0], 2)
    4.0
    """
    from ncgain.kinetics.field._pump_pool import solve_order
    free = [0.0] * max(1, min(workers, len(seconds)))
    for k in solve_order(refine, pump):
        i = free.index(min(free))
        free[i] += seconds[k]
    return max(free)


def stripe_workers_benchmark(workers=(1, 2), *, smoke: bool = False) -> dict:
    """Time the stripe study's solves at each process count, each in a fresh interpreter.

    Parameters
    ----------
    workers : sequence of int, default (1, 2)
        The ``simulate_stripe(workers=...)`` counts, run in this order.
    smoke : bool, default False
        A small stripe (4 fluences, seconds) instead of the full study (minutes).

    Returns
    -------
    dict
        ``runs`` (per count: ``seconds`` wall, ``cpu_seconds`` of the interpreter,
        ``worker_cpu_seconds`` of its pool processes, ``digest``, load averages),
        ``speed_up`` (wall of the first count over each), ``identical`` (all digests
        equal) and, for the study with 1 among the counts, ``idle_core_estimate`` (per
        count: :func:`pool_makespan` of the 1-process run's CPU time per fluence, summed
        over the study's two pools; the time on idle cores, the start-up excepted).
    """
    runs = [_spawn("stripe_workers", {"workers": int(w), "smoke": bool(smoke)})
            for w in workers]
    first = runs[0]["seconds"]
    res = {"runs": runs, "speed_up": [first / r["seconds"] for r in runs],
           "identical": len({r["digest"] for r in runs}) == 1}
    one = next((r for r in runs if "fluence_cpu_seconds" in r), None)
    if one is not None:   # the study's pools (one per preset) on idle cores, from 1 process
        n_f = len(one["fluence"])
        res["idle_core_estimate"] = {
            str(w): sum(pool_makespan(one["fluence_cpu_seconds"][i * n_f:(i + 1) * n_f],
                                      refine, one["fluence"], w)
                        for i, refine in enumerate(one["sub_slices"]))
            for w in sorted({int(r["workers"]) for r in runs})}
        res["fluence_cpu_total"] = sum(one["fluence_cpu_seconds"])
    return res


def stripe_workers_report(res: dict) -> str:
    """Text summary of :func:`stripe_workers_benchmark`.

    Parameters
    ----------
    res : dict
        Its result.

    Returns
    -------
    str
        One line per process count, and whether the outputs agree bit for bit.
    """
    lines = [f"stripe rate equations by process count: {res['runs'][0]['what']}, "
             f"{res['runs'][0]['cores']} cores"]
    for r, s in zip(res["runs"], res["speed_up"]):
        lines.append(
            f"  workers {r['workers']}: wall {r['seconds']:.1f} s (x{s:.2f}), CPU "
            f"{r['cpu_seconds']:.1f} s here + {r['worker_cpu_seconds']:.1f} s in the pool; "
            "load average (1/5/15 min) before "
            + "/".join(f"{x:.2f}" for x in r["load_average_before"]) + ", after "
            + "/".join(f"{x:.2f}" for x in r["load_average_after"]))
    if "idle_core_estimate" in res:
        lines.append("  estimate on idle cores (the 1-process run's CPU s per fluence, "
                     f"{res['fluence_cpu_total']:.1f} s in all, scheduled as the pool does; "
                     "without the pools' start-up): "
                     + ", ".join(f"workers {w}: {t:.1f} s"
                                 for w, t in res["idle_core_estimate"].items()))
    lines.append("  outputs bit-identical: " + ("yes" if res["identical"] else "NO"))
    return "\n".join(lines)
