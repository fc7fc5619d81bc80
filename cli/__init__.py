"""ncgain.cli: the ``ncgain`` command line (moved here from ``studies/cli.py``)."""
