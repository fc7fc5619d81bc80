"""ncgain.benchmarks: speed and memory, measured, one module per subject.

``python -m ncgain.benchmarks`` runs the pulsed Monte Carlo benchmark (``--sweep``,
``--cavity``, ``--stripe``: the other subjects; ``--help``); ``python -m
ncgain.benchmarks.fit`` the fit benchmark. Modules: ``workload`` (the fixed workload and
shared helpers), ``baseline`` (NumPy baseline, random-number floor), ``pulsed``, ``sweep``,
``field`` (cavity, stripe), ``fit`` and ``command`` (the command line). The old path
``ncgain.studies.benchmark`` re-exports them (except ``fit``).
"""
