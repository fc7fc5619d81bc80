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
import os
import resource
import time

from .workload import _spawn

__all__ = ["stripe_workers_benchmark", "stripe_workers_report"]


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
        run = fig5abc_ase.run
        what = ("fig5abc_ase.run() (full grids: 2 presets x 16 fluences, 12 slices, 32 "
                "channels, 4 ns, max_slice_gain 2)")
    t0, c0 = time.perf_counter(), time.process_time()
    ds = run()
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"workers": workers, "what": what, "seconds": wall, "cpu_seconds": cpu,
            "worker_cpu_seconds": children.ru_utime + children.ru_stime,
            "digest": _digest(ds), "cores": os.cpu_count(),
            "load_average_before": load_before, "load_average_after": list(os.getloadavg())}


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
        ``speed_up`` (wall of the first count over each) and ``identical`` (all digests
        equal).
    """
    runs = [_spawn("stripe_workers", {"workers": int(w), "smoke": bool(smoke)})
            for w in workers]
    first = runs[0]["seconds"]
    return {"runs": runs, "speed_up": [first / r["seconds"] for r in runs],
            "identical": len({r["digest"] for r in runs}) == 1}


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
    lines.append("  outputs bit-identical: " + ("yes" if res["identical"] else "NO"))
    return "\n".join(lines)
