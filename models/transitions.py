"""Absorption lines above the band edge: :class:`HigherTransition`, a field type of ``Sample``.

A higher transition (for example 1S3/2-2S or 2S3/2-1S in CdSe) is a parameter of
the sample; the band-edge models (:mod:`ncgain.models.bandedge`) place it in
every state's line list.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from ._checks import check_range as _check_range

__all__ = ["HigherTransition"]


@dataclass(frozen=True)
class HigherTransition:
    """An absorption line above the band edge (for example 1S3/2-2S or 2S3/2-1S in CdSe).

    It is present in unexcited and excited NCs alike (no state filling; see
    docs/theory.md) and shifts by ``stark_shift`` per exciton present.

    Parameters
    ----------
    offset : float
        Position above the NC's band-edge emission line E_i (eV), in (0, 2].
    strength : float
        Cross-section relative to the band-edge absorption of an unexcited NC
        (units of sigma_0), in [0, 100].
    width : float
        Homogeneous half-width of the line (eV), in [0, 2]: the 1/e half-width for
        Gaussian samples, the HWHM for Lorentzian ones; it is convolved with the
        sample's inhomogeneous distribution of E_i.
    stark_shift : float, default 0
        Shift of the line per exciton present in the NC (eV), in [-1, 1].

    Raises
    ------
    ValueError
        If a field is outside its range; the message names the field.

    Examples
    --------
    >>> HigherTransition(offset=0.2, strength=1.0, width=0.03).stark_shift
    0.0
    """

    offset: float
    strength: float
    width: float
    stark_shift: float = 0.0

    def __post_init__(self) -> None:
        set_ = lambda k, v: object.__setattr__(self, k, v)  # noqa: E731 (frozen)
        set_("offset", _check_range("higher_transitions.offset", self.offset, 0.0, 2.0,
                                    lo_open=True, unit=" eV"))
        set_("strength", _check_range("higher_transitions.strength", self.strength, 0.0,
                                      100.0, unit=" sigma_0"))
        set_("width", _check_range("higher_transitions.width", self.width, 0.0, 2.0,
                                   unit=" eV"))
        set_("stark_shift", _check_range("higher_transitions.stark_shift", self.stark_shift,
                                         -1.0, 1.0, unit=" eV"))

    def to_dict(self) -> dict:
        """The transition as a plain dict.

        Returns
        -------
        dict
            ``offset``, ``strength``, ``width``, ``stark_shift``.
        """
        return dataclasses.asdict(self)

    @classmethod
    def coerce(cls, value: Any, k: int) -> "HigherTransition":
        """Accept a HigherTransition, a dict of its fields or a 3/4-tuple.

        Parameters
        ----------
        value : HigherTransition, dict or tuple
            The description.
        k : int
            Its index in ``higher_transitions`` (for error messages).

        Returns
        -------
        HigherTransition

        Raises
        ------
        ValueError
            If ``value`` has the wrong form or a field is out of range.
        """
        if isinstance(value, cls):
            return value
        try:
            if isinstance(value, dict):
                return cls(**value)
            return cls(*value)
        except TypeError as exc:
            raise ValueError(f"higher_transitions[{k}] = {value!r} must be a HigherTransition, "
                             "a dict with offset, strength, width[, stark_shift] or a tuple "
                             f"(offset, strength, width[, stark_shift]): {exc}") from None
