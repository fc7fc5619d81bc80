"""ncgain.models: the physics of one nanocrystal and of a sample.

Imports nothing else of ncgain. Public entry points: :class:`Sample`, the named
presets in :mod:`models.presets`, the line shapes in :mod:`models.lineshapes`,
the state tables the kinetics consume (:func:`build_state_table`), analytic
thresholds (:func:`single_exciton_threshold`), the core/shell electronic
structure in :mod:`models.coreshell` and the band-edge state models in
:mod:`models.bandedge`.

Importing the package fills the registries that :class:`Sample` looks names up
in (``models._registry``: presets, the core/shell factory; ``models.bandedge``:
state models), so ``Sample.from_file(preset=...)`` and ``Sample.from_core_shell``
work without ``sample.py`` importing the modules that import it.
"""

from . import bandedge, coreshell, lineshapes, materials, presets
from .film import Film
from .resonator import Cavity, Stripe
from .sample import AUGER_SCALINGS, RADIATIVE_SCALINGS, TAU_XX_MEANINGS, HigherTransition, Sample
from .state_table import StateTable, build_state_table
from .thresholds import (poisson_threshold_charged, poisson_threshold_no_interaction,
                         single_exciton_threshold)

__all__ = ["Sample", "Film", "StateTable", "build_state_table", "single_exciton_threshold",
           "poisson_threshold_no_interaction", "presets", "lineshapes",
           "RADIATIVE_SCALINGS", "AUGER_SCALINGS", "package_version", "bandedge",
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

