"""Resident charges: extra electrons in the band-edge level, composed with any band edge.

A NC with r resident electrons (a trion X- with one exciton and r = 1, ...) has
n + r electrons and n holes. The electrons fill band-edge states (state
filling: less absorption), the state's lines are those of the neutral model
with that many electrons, and the statistical Auger law counts carrier triples
with N_e = n + r (docs/theory.md, section 8.3). Resident electrons shift no
line (assumption). A distribution over charge states is a mixture of
homogeneous samples, one per r (:func:`charge_mixture`).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from .._checks import check_range
from .base import BandEdgeModel

__all__ = ["ResidentCharges", "charge_mixture"]


class ResidentCharges(BandEdgeModel):
    """A band-edge model with ``resident_electrons`` extra electrons per NC.

    Parameters
    ----------
    neutral : BandEdgeModel
        The model of the neutral NC (two-channel, electron-hole, ...).
    resident_electrons : int
        r, 1 ... degeneracy.

    Examples
    --------
    >>> from ncgain import models
    >>> from ncgain.models.bandedge import TwoChannel
    >>> trion = ResidentCharges(TwoChannel(models.presets.TYPE_II_CDS_ZNSE), 1)
    >>> trion.band_edge_lines(1), trion.carriers(1)
    (([(0.106, 0.0)], [(0.0, 0.5)]), (2, 1))
    """

    def __init__(self, neutral: BandEdgeModel, resident_electrons: int):
        super().__init__(neutral.sample)
        self._neutral = neutral
        self.resident_electrons = resident_electrons
        self.name = neutral.name

    def __repr__(self) -> str:
        return f"ResidentCharges({self._neutral!r}, {self.resident_electrons})"

    @property
    def neutral(self) -> BandEdgeModel:
        """The model of the same NC without the resident electrons."""
        return self._neutral

    def carrier_lines(self, n: int, electrons: int) -> tuple[list, list]:
        """The neutral model's lines with the charged state's electrons (state filling).

        Parameters
        ----------
        n, electrons : int
            Excitons; electrons including the resident ones.

        Returns
        -------
        tuple of two lists
            (absorption, emission), as :meth:`BandEdgeModel.carrier_lines`.
        """
        return self._neutral.carrier_lines(n, electrons)

    def einstein_ratio(self, n: int, electrons: int) -> float:
        """The neutral model's ratio: its unit stays the neutral exciton's emission.

        Parameters
        ----------
        n, electrons : int
            The charged state.

        Returns
        -------
        float
        """
        return self._neutral.einstein_ratio(n, electrons)


def charge_mixture(sample: Any, fractions) -> Any:
    """A mixture of charge states: the NCs carry 0, 1, ... resident electrons.

    Backs :meth:`ncgain.models.Sample.with_resident_electrons`, which documents it.

    Parameters
    ----------
    sample : Sample
        The neutral (or charged) sample, homogeneous or a mixture of size classes.
    fractions : dict {int: float} or sequence of float
        Number fraction of NCs with r resident electrons (index r for a sequence).

    Returns
    -------
    Sample
        ``(weight, class with r electrons)`` components; top-level ``resident_electrons`` 0.

    Raises
    ------
    ValueError
        If a fraction is negative, they do not sum to 1, or r is outside [0, degeneracy].
    """
    # a mixture of charge states would silently lose its charges (each class's r is replaced)
    charged = sorted({c.resident_electrons for _, c in sample.components} - {0})
    if charged:
        raise ValueError(
            f"sample is already a mixture of charge states (resident_electrons {charged} in "
            "its components); with_resident_electrons splits one sample: call it on the "
            "neutral or uniformly charged one")
    if isinstance(fractions, dict):
        items = fractions.items()
    elif isinstance(fractions, (list, tuple, np.ndarray)) and len(fractions) > 0:
        items = enumerate(fractions)
    else:
        raise ValueError(f"fractions = {fractions!r:.60} is outside the allowed range: a dict "
                         "{resident electrons: fraction} or a non-empty sequence of fractions "
                         "summing to 1")
    pairs = []
    for r, f in items:
        f = check_range(f"fractions[{r!r}]", f, 0.0, 1.0)
        if isinstance(r, bool) or not isinstance(r, int) or not 0 <= r <= sample.degeneracy:
            raise ValueError(f"resident_electrons = {r!r} is outside the allowed range: an "
                             f"integer in [0, degeneracy = {sample.degeneracy}]")
        if f > 0:
            pairs.append((r, f))
    total = sum(f for _, f in pairs)
    if abs(total - 1.0) > 1e-9:
        raise ValueError(f"fractions sum to {total!r}; allowed: 1 (within 1e-9)")
    comps = []
    for w, base in sample.size_classes():
        for r, f in pairs:
            comps.append((w * f, dataclasses.replace(base, resident_electrons=r,
                                                     components=())))
    mean_r = sum(r * f for r, f in pairs)
    return dataclasses.replace(
        sample, resident_electrons=0, components=tuple(comps),
        description=(sample.description + "; " if sample.description else "")
        + f"charged: mean {mean_r:g} resident electrons per NC")
