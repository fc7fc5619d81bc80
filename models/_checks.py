"""Validation helpers shared by the parameter classes of :mod:`ncgain.models`.

They turn a user's value into a float or raise a ValueError that names the
parameter, its value and the allowed range: the messages every ``Sample``,
``Film`` and resonator field gives.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

from ._text import short

__all__ = ["check_finite", "check_range"]


def check_finite(name: str, value: Any) -> float:
    """``value`` as a finite float, or a ValueError naming ``name``.

    Parameters
    ----------
    name : str
        The parameter's name, quoted in the message.
    value : object
        A real number (booleans and complex numbers are refused, not read as 0/1
        or truncated).

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If ``value`` is not a real number or is not finite.
    """
    if isinstance(value, bool) or type(value).__name__ == "bool_" \
            or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a real number, got {short(value)} "
                         f"({type(value).__name__})")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return value


def check_range(name: str, value: Any, lo: float | None, hi: float | None,
                *, lo_open: bool = False, unit: str = "") -> float:
    """``value`` as a float in [lo, hi] (or (lo, hi]), or a ValueError naming the range.

    Parameters
    ----------
    name, value
        As in :func:`check_finite`.
    lo, hi : float or None
        The bounds; None is unbounded.
    lo_open : bool, default False
        Exclude ``lo``.
    unit : str, default ""
        Appended to the numbers in the message, e.g. ``" eV"``.

    Returns
    -------
    float
        ``value``, in range; outside it (or not finite) a ValueError names the range.

    Examples
    --------
    >>> check_range("tau_x", 2, 0.0, None, lo_open=True, unit=" ps")
    2.0
    """
    left = "(" if lo_open else "["
    lo_s = "-inf" if lo is None else f"{lo:g}"
    hi_s = "inf)" if hi is None else f"{hi:g}]"
    allowed = f"{left}{lo_s}, {hi_s}" + (f" {unit.strip()}" if unit else "")
    try:
        value = check_finite(name, value)
    except ValueError as exc:   # NaN and infinities: say what is allowed instead
        raise ValueError(f"{exc}; allowed range {allowed}") from None
    ok = True
    if lo is not None:
        ok &= value > lo if lo_open else value >= lo
    if hi is not None:
        ok &= value <= hi
    if not ok:
        raise ValueError(f"{name} = {value!r}{unit} is outside the allowed range {allowed}")
    return value
