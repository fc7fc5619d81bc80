"""Performance benchmark of the pulsed Monte Carlo: ``python -m ncgain.benchmarks``.

The command line of the benchmarks (``--help`` lists the options); ``--sweep``,
``--cavity``, ``--stripe``, ``--stripe-workers`` and ``--reproduce`` run the other subjects
instead.
"""

from __future__ import annotations

import argparse
import json
import sys

from .field import (_worker_cavity_memory, cavity_report, cavity_scaling, cavity_throughput,
                    stripe_throughput)
from .pulsed import _WORKERS as _PULSED_WORKERS
from .pulsed import report, run
from .reproduce import reproduce_benchmark, reproduce_report
from .stripe_workers import (_worker_stripe_workers, stripe_workers_benchmark,
                             stripe_workers_report)
from .sweep import sweep_benchmark, sweep_report

__all__ = ["main"]

#: The subprocess workers (``--worker KIND SPEC``) by kind.
_WORKERS = {**_PULSED_WORKERS, "cavity_memory": _worker_cavity_memory,
            "stripe_workers": _worker_stripe_workers}


def main(argv=None) -> int:
    """Command line of ``python -m ncgain.benchmarks``: run, print, write JSON.

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
    parser = argparse.ArgumentParser(prog="python -m ncgain.benchmarks",
                                     description=__doc__.split("\n\n")[0])
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
    parser.add_argument("--cavity-sizes", type=lambda s: [int(float(x)) for x in s.split(",")],
                        help="with --cavity: instead time per NC-step at these ensemble sizes "
                             "(e.g. 1e5,3e5,1e6; 20 ps unless --cavity-t-end)")
    parser.add_argument("--stripe", action="store_true",
                        help="instead: the Monte Carlo stripe (ASE) throughput and the twin's time")
    parser.add_argument("--stripe-workers", metavar="N,N,...",
                        type=lambda s: [int(x) for x in s.split(",")],
                        help="instead: the full fig5abc_ase study (its stripe rate equations) "
                             "with simulate_stripe(workers=N) for each N, e.g. 1,2, each in a "
                             "fresh interpreter: wall, CPU, load average, bit-identity "
                             "(~2.5 min for 1,2 on 2 quiet cores; --smoke: a small stripe); "
                             "--out defaults to benchmark_stripe_workers.json")
    parser.add_argument("--reproduce", action="store_true",
                        help="instead: `ncgain reproduce` as the machine is and again while "
                             "this benchmark runs 2 competing busy processes (started and "
                             "always stopped here); per-study times and load averages "
                             "(--quick: `reproduce --quick`); --out defaults to "
                             "benchmark_reproduce.json")
    args = parser.parse_args(argv)
    if args.reproduce:
        res = reproduce_benchmark(quick=args.quick or args.smoke)
        print(reproduce_report(res))
        out = "benchmark_reproduce.json" if args.out == "benchmark.json" else args.out
        from ncgain.fileio import write_text
        write_text(out, json.dumps(res, indent=2))
        print(f"\nwritten: {out}")
        return 0
    if args.stripe_workers:
        res = stripe_workers_benchmark(args.stripe_workers, smoke=args.smoke)
        print(stripe_workers_report(res))
        out = "benchmark_stripe_workers.json" if args.out == "benchmark.json" else args.out
        from ncgain.fileio import write_text
        write_text(out, json.dumps(res, indent=2))
        print(f"\nwritten: {out}")
        return 0
    if args.stripe:
        res = stripe_throughput(**({"n_nanocrystals": 500, "slices": 2, "channels": 8,
                                    "t_end": 20.0} if args.smoke else {}))
        print(json.dumps(res, indent=2))
        return 0
    if args.cavity and args.cavity_sizes:
        kw = {"t_end": args.cavity_t_end} if args.cavity_t_end is not None else {}
        res = cavity_scaling(args.cavity_sizes, **kw)
        for r in res:
            print(f"{r['n_nanocrystals']:>10d} NCs, {r['threads']} threads: {r['steps']} steps, "
                  f"{r['seconds']:.2f} s wall, {r['cpu_seconds']:.2f} s CPU, "
                  f"{r['ns_per_nc_step_wall']:.1f} / {r['ns_per_nc_step_cpu']:.1f} ns per "
                  f"NC-step (wall / CPU), field step {r['kernel_seconds']:.2f} s, load "
                  f"{r['load_average'][0]:.2f}")
        out = "benchmark_cavity_scaling.json" if args.out == "benchmark.json" else args.out
        from ncgain.fileio import write_text
        write_text(out, json.dumps(res, indent=2))
        print(f"\nwritten: {out}")
        return 0
    if args.cavity:
        kw = ({"n_nanocrystals": 20_000, "t_end": 2.0, "memory_nanocrystals": 20_000}
              if args.smoke else {})
        if args.cavity_t_end is not None:
            kw["t_end"] = args.cavity_t_end
        res = cavity_throughput(**kw)
        print(cavity_report(res))
        out = "benchmark_cavity.json" if args.out == "benchmark.json" else args.out
        from ncgain.fileio import write_text
        write_text(out, json.dumps(res, indent=2))
        print(f"\nwritten: {out}")
        return 0
    if args.sweep:
        res = sweep_benchmark(n_points=args.sweep_points, n_nanocrystals=args.sweep_nanocrystals)
        print(sweep_report(res))
        out = "benchmark_sweep.json" if args.out == "benchmark.json" else args.out
        from ncgain.fileio import write_text
        write_text(out, json.dumps(res, indent=2))
        print(f"\nwritten: {out}")
        return 0
    if args.worker:
        kind, spec = args.worker
        print(json.dumps(_WORKERS[kind](json.loads(spec))))
        return 0
    mode = "quick" if args.quick else "smoke" if args.smoke else "full"
    res = run(mode, sizes=args.sizes, repeats=args.repeats)
    print(report(res))
    from ncgain.fileio import write_text  # atomic: a reader never sees a half-written file
    write_text(args.out, json.dumps(res, indent=2))
    print(f"\nwritten: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
