"""Band-edge state models: which lines a nanocrystal state has, and its rates.

One interface, :class:`BandEdgeModel` (see :mod:`.base`); one class per state
model, registered under the name ``Sample.state_model`` takes:

* ``"two-channel"``: :class:`TwoChannel`, the paper's correlated band edge;
* ``"electron-hole"``: :class:`ElectronHole`, independent carriers with hole
  fine structure;

and :class:`ResidentCharges`, which adds resident electrons to either.
:func:`band_edge_model` gives the model of a homogeneous sample; the state
table (:func:`ncgain.models.build_state_table`) and, through it, the photon
field read every line and rate from it. A new state model is a new subclass
decorated with :func:`register`.
"""

from __future__ import annotations

from typing import Any

from .base import (AUGER_SCALINGS, RADIATIVE_SCALINGS, BandEdgeModel, Line, model_class, names,
                   register)
# Importing a model registers it; the order of these imports is the order of names()
# (the one the ValueError for an unknown state_model lists).
from .twochannel import TwoChannel  # isort: skip
from .electronhole import K_BOLTZMANN, ElectronHole  # isort: skip
from .charges import ResidentCharges, charge_mixture

__all__ = ["BandEdgeModel", "Line", "TwoChannel", "ElectronHole", "ResidentCharges",
           "band_edge_model", "charge_mixture", "register", "names", "model_class",
           "RADIATIVE_SCALINGS", "AUGER_SCALINGS", "K_BOLTZMANN"]


def band_edge_model(sample: Any) -> BandEdgeModel:
    """The band-edge model of a (homogeneous) sample: its ``state_model`` and charges.

    Parameters
    ----------
    sample : Sample
        A homogeneous sample (for a mixture, the top-level fields are used; the
        size classes have their own models).

    Returns
    -------
    BandEdgeModel
        The registered class of ``sample.state_model``, wrapped in
        :class:`ResidentCharges` when ``sample.resident_electrons > 0``.

    Raises
    ------
    ValueError
        If ``state_model`` is not registered.

    Examples
    --------
    >>> from ncgain import models
    >>> band_edge_model(models.presets.TYPE_I_CDSE_FINE_STRUCTURE)
    ElectronHole('type-I CdSe, electron-hole model with dark/bright fine structure')
    """
    model = model_class(sample.state_model)(sample)
    if sample.resident_electrons:
        model = ResidentCharges(model, sample.resident_electrons)
    return model
