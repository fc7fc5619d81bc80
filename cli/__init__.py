"""ncgain.cli: the ``ncgain`` command line.

:func:`main` is the console script's entry (``ncgain_console.py`` calls it after installing
the signal handlers); :func:`build_parser` builds the argument parser. One module per
command group: ``pulsed`` (``simulate``, ``threshold``), ``cw`` (``threshold --cw``),
``field`` (``lase``, ``ase``), ``sweep``, ``reproduce``; ``_args`` holds the shared
argument helpers. ``python -m ncgain.cli`` runs the command line too. The old import path
``ncgain.studies.cli`` re-exports this package.
"""

from ._args import (ASE_N_NANOCRYSTALS, LASE_N_NANOCRYSTALS, MAX_VALUES, THRESHOLD_TIME,
                    parse_count, parse_values)
from .app import build_parser, main

__all__ = ["main", "parse_values", "parse_count", "build_parser"]
