"""ncgain.models: the physics of one nanocrystal and of a sample.

Imports nothing else of ncgain. Public entry points: :class:`Sample`, the named
presets in :mod:`models.presets`, the line shapes in :mod:`models.lineshapes`,
the state tables the kinetics consume (:func:`build_state_table`), analytic
thresholds (:func:`single_exciton_threshold`) and the core/shell electronic
structure in :mod:`models.coreshell`.
"""

from . import lineshapes, presets
from .film import Film
from .resonator import Cavity, Stripe
from .sample import AUGER_SCALINGS, RADIATIVE_SCALINGS, TAU_XX_MEANINGS, HigherTransition, Sample
from .state_table import StateTable, build_state_table
from .thresholds import (poisson_threshold_charged, poisson_threshold_no_interaction,
                         single_exciton_threshold)

__all__ = ["Sample", "Film", "StateTable", "build_state_table", "single_exciton_threshold",
           "poisson_threshold_no_interaction", "presets", "lineshapes",
           "RADIATIVE_SCALINGS", "AUGER_SCALINGS", "package_version",
           "HigherTransition", "TAU_XX_MEANINGS", "poisson_threshold_charged", "Cavity", "Stripe"]


def package_version() -> str:
    """The installed ncgain version.

    Returns
    -------
    str
        The version of the installed distribution, "unknown" when run from a tree
        that was never installed.
    """
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version("ncgain")
    except PackageNotFoundError:
        return "unknown"


def __getattr__(name):
    # coreshell and materials are heavier and optional for most users: import on demand.
    if name in ("coreshell", "materials"):
        import importlib
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
