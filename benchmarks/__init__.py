"""ncgain.benchmarks: speed and memory, measured (split by subject from ``studies/benchmark.py``)."""
