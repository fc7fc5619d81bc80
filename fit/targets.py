"""Scalar targets: a paper's quoted numbers (value +- sigma, with units) fitted like data.

A :class:`Target` adds one term ((model - value) / sigma)^2 to the chi-square. Its
``quantity`` is a numeric :class:`ncgain.models.Sample` field (``"exciton_energy"``), a
derived number of the sample (:data:`DERIVED_QUANTITIES`: ``"xx_band_energy"``,
``"biexciton_lifetime"``, ``"auger_time"``), the gain threshold of
:func:`ncgain.kinetics.gain_threshold` (``"gain_threshold"``, options ``time``, ``energy``,
``loss``, ``statistics``), or any callable ``sample -> float`` with its units.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any

from ncgain import kinetics, models

from .units import conversion_factor

__all__ = ["Target", "DERIVED_QUANTITIES"]

#: derived quantity -> (quantity of its units, function of the sample, description)
DERIVED_QUANTITIES = {
    "xx_band_energy": ("energy", lambda s: s.exciton_energy + s.delta_xx,
                       "biexciton (X -> XX) band position E_X + Delta_XX"),
    "biexciton_lifetime": ("time", lambda s: s.biexciton_lifetime,
                           "total biexciton lifetime 1 / (k_rad(2) + k_A(2))"),
    "auger_time": ("time", lambda s: s.auger_time, "biexciton Auger time tau_A"),
}

#: Sample field -> quantity of its units (the numeric fields a target may name directly)
_FIELD_QUANTITIES = {
    "exciton_energy": "energy", "delta_xx": "energy", "linewidth": "energy",
    "homogeneous_linewidth": "energy", "stokes_shift": "energy", "pump_energy": "energy",
    "xx_absorption_width": "energy", "tau_x": "time", "tau_xx": "time",
    "trion_auger_time": "time", "sigma_pump": "cross_section", "temperature": "temperature",
}

_THRESHOLD_OPTIONS = ("time", "energy", "loss", "statistics")


@dataclass(frozen=True)
class Target:
    """A quoted number the model must reproduce: value +- sigma (1 sigma), with units.

    Parameters
    ----------
    quantity : str or callable
        What is compared: a numeric Sample field, a key of :data:`DERIVED_QUANTITIES`,
        ``"gain_threshold"`` (<N> at threshold, units "1"), or a callable
        ``f(sample) -> float`` returning the quantity in ncgain's unit for ``units``.
    value : float
        The quoted value, in ``units``.
    sigma : float
        Its 1-sigma uncertainty (> 0), in ``units``.
    units : str
        CF units of ``value`` and ``sigma`` (e.g. "eV", "meV", "ps", "ns", "1").
    options : dict, optional
        For ``"gain_threshold"``: ``time`` (ps), ``energy`` (eV or "any"), ``loss``,
        ``statistics``; passed to :func:`ncgain.kinetics.gain_threshold`.
    label : str, optional
        Name in reports (default: the quantity and options).
    kind : str, optional
        For a callable ``quantity``: the quantity of its units ("energy", "time",
        "dimensionless", ...), default "dimensionless".

    Raises
    ------
    ValueError
        If the quantity is unknown, value or sigma is not finite, sigma <= 0, the units are
        missing or unknown for the quantity, or an option is unknown.

    Examples
    --------
    >>> t = Target("xx_band_energy", 2160, 10, "meV")
    >>> abs(t.residual(models.presets.TYPE_II_CDS_ZNSE)) < 1e-9    # 2.054 + 0.106 eV
    True
    """

    quantity: Any
    value: float
    sigma: float
    units: str | None
    options: dict = field(default_factory=dict)
    label: str = ""
    kind: str = "dimensionless"

    def __post_init__(self) -> None:
        set_ = lambda k, v: object.__setattr__(self, k, v)  # noqa: E731 (frozen)
        q = self.quantity
        if callable(q):
            unit_quantity = self.kind
            name = self.label or getattr(q, "__name__", "callable")
        elif q in _FIELD_QUANTITIES:
            unit_quantity, name = _FIELD_QUANTITIES[q], q
        elif q in DERIVED_QUANTITIES:
            unit_quantity, name = DERIVED_QUANTITIES[q][0], q
        elif q == "gain_threshold":
            unit_quantity, name = "mean_excitons", q
            unknown = set(self.options) - set(_THRESHOLD_OPTIONS)
            if unknown:
                raise ValueError(f"Target options {sorted(unknown)} are not allowed for "
                                 f"gain_threshold; allowed: {_THRESHOLD_OPTIONS}")
        else:
            raise ValueError(
                f"Target quantity = {q!r} is not known; allowed: a numeric Sample field "
                f"{tuple(_FIELD_QUANTITIES)}, {tuple(DERIVED_QUANTITIES)}, 'gain_threshold' "
                "or a callable sample -> float")
        if q != "gain_threshold" and not callable(q) and self.options:
            raise ValueError(f"Target {name}: options are only for gain_threshold, got "
                             f"{self.options!r}")
        for key in ("value", "sigma"):
            v = getattr(self, key)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                raise ValueError(f"Target {name}: {key} = {v!r} must be a finite real number")
        if not self.sigma > 0:
            raise ValueError(f"Target {name}: sigma = {self.sigma!r} is outside the allowed "
                             "range (0, inf)")
        factor = conversion_factor(unit_quantity, self.units, name=f"Target {name}")
        set_("value", float(self.value))
        set_("sigma", float(self.sigma))
        set_("label", self.label or (name + (" " + ", ".join(
            f"{k}={v}" for k, v in self.options.items()) if self.options else "")))
        object.__setattr__(self, "_factor", factor)
        object.__setattr__(self, "_unit_quantity", unit_quantity)

    @property
    def canonical_value(self) -> float:
        """The value in ncgain's units (eV, ps, excitons per NC, ...)."""
        return self.value * self._factor

    @property
    def canonical_sigma(self) -> float:
        """The 1-sigma uncertainty in ncgain's units."""
        return self.sigma * self._factor

    def model_value(self, sample: models.Sample) -> float:
        """The quantity as the model predicts it for ``sample``, in ncgain's units.

        Parameters
        ----------
        sample : models.Sample

        Returns
        -------
        float
            May be ``math.inf`` (a gain threshold that is never reached).
        """
        q = self.quantity
        if callable(q):
            return float(q(sample))
        if q in _FIELD_QUANTITIES:
            value = getattr(sample, q)
            return math.nan if value is None else float(value)
        if q in DERIVED_QUANTITIES:
            return float(DERIVED_QUANTITIES[q][1](sample))
        return float(kinetics.gain_threshold(sample, **self.options))

    def residual(self, sample: models.Sample) -> float:
        """(model - value) / sigma for ``sample``; a large finite number if undefined.

        Parameters
        ----------
        sample : models.Sample

        Returns
        -------
        float
            The pull of the target; 1e6 when the model's value is infinite or undefined
            (no gain below the search limit): never NaN.
        """
        model = self.model_value(sample)
        if not math.isfinite(model):
            return 1e6
        return (model - self.canonical_value) / self.canonical_sigma

    def replace(self, **changes) -> "Target":
        """A copy with some fields changed (validated again).

        Parameters
        ----------
        **changes
            Fields of :class:`Target`.

        Returns
        -------
        Target
        """
        return dataclasses.replace(self, **changes)
