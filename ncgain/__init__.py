"""ncgain: optical gain in colloidal semiconductor nanocrystals.

A Numba Monte Carlo of exciton populations with an exact master-equation twin, built to
reproduce and extend Klimov et al., "Single-exciton optical gain in semiconductor
nanocrystals", Nature 447, 441 (2007).

The repository's folders install as subpackages, one room each (docs/architecture.md):
:mod:`ncgain.models` (physics of one nanocrystal and of a sample), :mod:`ncgain.kinetics`
(what happens in time), :mod:`ncgain.fit` (fits to data), :mod:`ncgain.sweeps` (parameter
sweeps), :mod:`ncgain.studies` (the paper's figures and users' studies),
:mod:`ncgain.benchmarks` (speed and memory) and :mod:`ncgain.cli` (the ``ncgain`` command
line); :mod:`ncgain.fileio` writes every file atomically.

Examples
--------
>>> import ncgain
>>> sample = ncgain.presets.TYPE_II_CDS_ZNSE
>>> round(sample.delta_xx, 3)
0.106
"""

from importlib.metadata import PackageNotFoundError as _PackageNotFoundError
from importlib.metadata import version as _version

from . import kinetics, models
from .kinetics import gain_threshold, simulate_pulsed
from .kinetics import cw_threshold, simulate_cw
from .models import Sample, presets

try:
    __version__ = _version("ncgain")
except _PackageNotFoundError:  # running from a tree that was never installed
    __version__ = "unknown"



def __getattr__(name):
    # ncgain.fit loads lmfit and emcee: imported on first use, not with the package.
    if name == "fit":
        import importlib
        return importlib.import_module("ncgain.fit")
    raise AttributeError(f"module 'ncgain' has no attribute {name!r}")


__all__ = ["__version__", "models", "kinetics", "Sample", "presets", "simulate_pulsed",
           "gain_threshold", "simulate_cw", "cw_threshold"]
