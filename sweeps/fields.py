"""What a sweep varies: the swept Sample and core/shell fields, and the base sample (CoreShell)."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ncgain import models

from .checks import _json_value

__all__ = ["SAMPLE_FIELDS", "CORE_SHELL_FIELDS", "STORE_FORMAT", "GRIDS", "CoreShell"]


#: Version of the store layout (part of the definition hash).
STORE_FORMAT = 1

#: Swept :class:`models.Sample` fields: (units, long name, kind).
SAMPLE_FIELDS: dict[str, tuple[str, str, type]] = {
    "exciton_energy": ("eV", "single-exciton energy E_X", float),
    "delta_xx": ("eV", "exciton-exciton interaction Delta_XX = E_XX - 2 E_X", float),
    "linewidth": ("eV", "ensemble line width Gamma (1/e half-width)", float),
    "tau_x": ("ps", "single-exciton lifetime tau_X", float),
    "tau_xx": ("ps", "biexciton Auger lifetime tau_XX", float),
    "sigma_pump": ("cm2", "pump absorption cross-section sigma_pump", float),
    "pump_energy": ("eV", "pump photon energy", float),
    "homogeneous_linewidth": ("eV", "homogeneous (single-NC) half-width gamma", float),
    "stokes_shift": ("eV", "Stokes shift S", float),
    "degeneracy": ("1", "band-edge electron degeneracy g", int),
}

#: Swept :class:`CoreShell` parameters (``models.coreshell.sample_from_core_shell``).
CORE_SHELL_FIELDS: dict[str, tuple[str, str, type]] = {
    "core_radius": ("nm", "mean core radius R", float),
    "shell_width": ("nm", "mean shell width H", float),
    "size_dispersion": ("1", "relative size dispersion (std of R and H / mean)", float),
    "linewidth": ("eV", "total ensemble line width Gamma (1/e half-width)", float),
    "intrinsic_linewidth": ("eV", "ensemble 1/e half-width of one size class", float),
    "homogeneous_linewidth": ("eV", "homogeneous (single-NC) half-width gamma", float),
    "stokes_shift": ("eV", "Stokes shift S", float),
    "tau_x_ref": ("ps", "single-exciton lifetime of the reference NC", float),
    "tau_xx_ref": ("ps", "biexciton Auger lifetime of the reference NC", float),
    "sigma_pump_ref": ("cm2", "pump cross-section of the reference NC", float),
    "pump_energy": ("eV", "pump photon energy", float),
    "n_size_classes": ("1", "number of size classes", int),
    "degeneracy": ("1", "band-edge electron degeneracy g", int),
}

GRIDS = ("product", "points")


# ============================================================================ base samples

@dataclass(frozen=True)
class CoreShell:
    """A core/shell base sample, rebuilt at every point from its geometry.

    Sweeping ``core_radius``, ``shell_width``, ``size_dispersion`` (and the
    other :data:`CORE_SHELL_FIELDS`) recomputes E_X, Delta_XX, the lifetimes
    and the size classes with ``models.Sample.from_core_shell``.

    Parameters
    ----------
    core, shell : str
        Material names (``models.materials``).
    core_radius : float
        Mean core radius R (nm).
    shell_width : float
        Mean shell width H (nm).
    size_dispersion : float, default 0
        Relative standard deviation of R and H, in [0, 0.3].
    **options
        Further keyword arguments of ``models.coreshell.sample_from_core_shell``
        (JSON-compatible values only).

    Raises
    ------
    ValueError
        If the geometry or an option is invalid (the sample is built once here).

    Examples
    --------
    >>> base = CoreShell("CdS", "ZnSe", 1.6, 2.0)
    >>> round(base.sample().exciton_energy, 2) > 1.5
    True
    """

    core: str
    shell: str
    core_radius: float
    shell_width: float
    size_dispersion: float = 0.0
    options: Mapping = field(default_factory=dict)

    def __init__(self, core: str, shell: str, core_radius: float, shell_width: float,
                 size_dispersion: float = 0.0, **options: Any) -> None:
        set_ = lambda k, v: object.__setattr__(self, k, v)  # noqa: E731 (frozen)
        set_("core", str(core))
        set_("shell", str(shell))
        set_("core_radius", core_radius)
        set_("shell_width", shell_width)
        set_("size_dispersion", size_dispersion)
        set_("options", dict(options))
        json.dumps(_json_value(self.parameters()))  # JSON-compatible or TypeError
        self.sample()

    def parameters(self) -> dict:
        """Keyword arguments of ``sample_from_core_shell``.

        Returns
        -------
        dict
            JSON-compatible.
        """
        return {"core": self.core, "shell": self.shell, "core_radius": self.core_radius,
                "shell_width": self.shell_width, "size_dispersion": self.size_dispersion,
                **self.options}

    def sample(self, **overrides: Any) -> models.Sample:
        """Build the sample, with ``overrides`` replacing parameters.

        Parameters
        ----------
        **overrides
            Parameters of ``sample_from_core_shell`` to replace.

        Returns
        -------
        models.Sample
        """
        from ncgain.models import coreshell
        return coreshell.sample_from_core_shell(**{**self.parameters(), **overrides})


def _resolve_base(base):
    if isinstance(base, (models.Sample, CoreShell)):
        return base
    if isinstance(base, str):
        return models.presets.get(base)
    if isinstance(base, os.PathLike):
        path = Path(base)
        if not path.is_file():
            raise ValueError(f"base = {str(path)!r}: no such sample file")
        return models.Sample.from_toml(path)
    raise ValueError(f"base must be a models.Sample, a preset name, a sample TOML path or a "
                     f"sweeps.CoreShell, got {base!r}")


def _base_description(base) -> dict:
    if isinstance(base, CoreShell):
        return {"kind": "core-shell", "parameters": _json_value(base.parameters())}
    return {"kind": "sample", "sample": base.to_dict()}
