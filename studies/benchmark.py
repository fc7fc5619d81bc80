"""Old import path of :mod:`ncgain.benchmarks` (the benchmarks, split by subject), a re-export.

``python -m ncgain.studies.benchmark`` still runs the benchmark command line; new code
uses ``python -m ncgain.benchmarks`` and imports :mod:`ncgain.benchmarks`.
"""

import sys

from ncgain.benchmarks.baseline import numpy_pulsed_counts, rng_floor  # noqa: F401
from ncgain.benchmarks.command import _WORKERS, main  # noqa: F401
from ncgain.benchmarks.field import (_cavity_setup, _worker_cavity_memory,  # noqa: F401
                                     cavity_report, cavity_throughput, stripe_throughput)
from ncgain.benchmarks.pulsed import (_extras, _meta, _targets, _worker_compile,  # noqa: F401
                                      _worker_memory, _worker_throughput, report, run)
from ncgain.benchmarks.sweep import (SWEEP_WORKLOAD, _plain_loop, _sweep_definition,  # noqa: F401
                                     _timed_sweep, _warm, sweep_benchmark, sweep_report)
from ncgain.benchmarks.workload import (CW_WORKLOAD, MEMORY_EXTRA_FULL, MIB,  # noqa: F401
                                        SIZES_FULL, SIZES_QUICK, SIZES_SMOKE, TARGETS,
                                        WORKLOAD, _best_of, _cw_problem, _fmt, _problem,
                                        _spawn, _table, workload_sample, workload_times)


if __name__ == "__main__":
    sys.exit(main())
