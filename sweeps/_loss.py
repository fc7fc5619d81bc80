"""The loss options of the threshold observables: ``loss`` (cm^-1, with a film) or
``loss_fraction`` (units of alpha_0(peak)), one unit per name as on the command line."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from ncgain import models

from .checks import _float_list

__all__ = ["LOSS_DEFAULTS", "normalize_loss", "loss_dim", "loss_fractions", "loss_coords",
           "loss_label"]

#: The loss options (merged into the defaults of ``threshold`` and ``cw-threshold``).
LOSS_DEFAULTS = {"loss": None, "film": None, "loss_fraction": None}
#: Upper end of the net gain the kinetics search for (kinetics.gain_threshold's ``loss``).
MAX_FRACTION = 10.0
#: Upper end of a modal loss in cm^-1 (models.Film's ``loss``).
MAX_LOSS = 1e6


def _distinct(name, values, hi, unit):
    vals = _float_list(name, values, unit=f"({unit})")
    if min(vals) < 0 or max(vals) > hi or len(set(vals)) != len(vals):
        raise ValueError(f"{name} = {vals} must be distinct values in the allowed range "
                         f"[0, {hi:g}] {unit}")
    return vals


def _film(value) -> models.Film:
    if isinstance(value, models.Film):
        return value
    if isinstance(value, str) and value == "close-packed":
        return models.Film.close_packed()
    if isinstance(value, Mapping):
        fields = {f.name for f in dataclasses.fields(models.Film)}
        unknown = sorted(set(value) - fields)
        if unknown:
            raise ValueError(f"film: unknown field(s) {unknown}; models.Film fields: "
                             f"{sorted(fields)}")
        try:
            return models.Film(**value)
        except TypeError as exc:
            raise ValueError(f"film = {dict(value)!r}: {exc}") from None
    raise ValueError(f"film = {value!r} must be a models.Film, a dict of its fields or "
                     "'close-packed'")


def normalize_loss(o: dict) -> dict:
    """Check the loss options of ``o`` in place: ``loss`` + ``film``, or ``loss_fraction``.

    ``loss`` is a modal loss in cm^-1 and needs the ``film`` whose confinement factor and
    alpha_0 convert it (``loss / (Gamma_c alpha_0)``) into the kinetics' net gain; a film
    alone sweeps its own loss. ``loss_fraction`` is the net gain -alpha/alpha_0(peak)
    itself. Neither: ``loss_fraction = [0]`` (a gain threshold).

    Parameters
    ----------
    o : dict
        The observable's merged options.

    Returns
    -------
    dict
        ``o``, with ``film`` a dict of models.Film fields (JSON-compatible) or None.

    Raises
    ------
    ValueError
        Both kinds given, ``loss`` without ``film``, a value out of range, repeated values.
    """
    if o["loss_fraction"] is not None and (o["loss"] is not None or o["film"] is not None):
        raise ValueError("give loss (cm^-1, with film) or loss_fraction (units of "
                         "alpha_0(peak)), not both")
    if o["loss"] is None and o["film"] is None:
        o["loss_fraction"] = _distinct("loss_fraction", [0.0] if o["loss_fraction"] is None
                                       else o["loss_fraction"], MAX_FRACTION,
                                       "units of alpha_0(peak)")
        return o
    if o["film"] is None:
        raise ValueError(f"loss = {o['loss']!r} is a modal loss in cm^-1 and needs film (a "
                         "models.Film, a dict of its fields, or 'close-packed') to convert it "
                         "into net gain; for losses in units of alpha_0(peak) give "
                         "loss_fraction instead")
    film = _film(o["film"])
    o["film"] = dataclasses.asdict(film)
    o["loss"] = _distinct("loss", [film.loss] if o["loss"] is None else o["loss"], MAX_LOSS,
                          "cm^-1")
    top = max(loss_fractions(o))
    if top > MAX_FRACTION:
        raise ValueError(f"loss = {max(o['loss']):g} cm^-1 needs a net gain of {top:.4g} "
                         f"alpha_0(peak) in this film (Gamma_c alpha_0 = "
                         f"{_scale(film):g} cm^-1), outside the allowed range [0, "
                         f"{MAX_FRACTION:g}]")
    return o


def _scale(film) -> float:
    return film.confinement_factor * film.absorption_coefficient


def loss_fractions(o: dict) -> list[float]:
    """The losses of ``o`` in units of alpha_0(peak) (the kinetics' ``loss``), in dim order."""
    if o["loss"] is None:
        return list(o["loss_fraction"])
    scale = _scale(models.Film(**o["film"]))
    return [v / scale for v in o["loss"]]


def loss_dim(o: dict) -> dict:
    """The loss dimension: ``loss`` (cm^-1) given a film, else ``loss_fraction`` (1)."""
    if o["loss"] is None:
        return {"loss_fraction": (o["loss_fraction"], {
            "units": "1", "long_name": "loss in units of alpha_0(peak)",
            "description": "net gain -alpha/alpha_0(peak) the threshold must reach (the "
                           "kinetics' loss; --loss-fraction)"})}
    return {"loss": (o["loss"], {
        "units": "cm-1", "long_name": "modal loss",
        "description": f"modal loss of the film {o['film']['name']!r} (confinement "
                       f"{o['film']['confinement_factor']:g}, alpha_0 "
                       f"{o['film']['absorption_coefficient']:g} cm^-1) the net modal gain "
                       "must overcome (--loss)"})}


def loss_coords(o: dict) -> dict:
    """With a film: the non-index coordinate ``loss_fraction`` along ``loss``."""
    if o["loss"] is None:
        return {}
    return {"loss_fraction": ("loss", loss_fractions(o), {
        "units": "1", "long_name": "loss in units of alpha_0(peak)",
        "description": "the modal loss as the net gain -alpha/alpha_0(peak) it requires, "
                       "loss / (confinement alpha_0) (the kinetics' loss)"})}


def loss_label(o: dict) -> str:
    """Name of the loss dimension of ``o``."""
    return next(iter(loss_dim(o)))
