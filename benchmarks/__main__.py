"""``python -m ncgain.benchmarks``: the benchmark command line (:mod:`ncgain.benchmarks.command`)."""

import sys

from ncgain.benchmarks.command import main

if __name__ == "__main__":
    sys.exit(main())
