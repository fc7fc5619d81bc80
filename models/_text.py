"""Short, readable renderings of user values for error messages."""

from __future__ import annotations

import reprlib

import numpy as np

__all__ = ["short"]

_REPR = reprlib.Repr()
_REPR.maxlist = _REPR.maxtuple = _REPR.maxdict = _REPR.maxset = 4
_REPR.maxstring = _REPR.maxother = _REPR.maxlong = 60
_REPR.maxlevel = 3


def short(value, limit: int = 80) -> str:
    """``repr(value)`` with long sequences elided after a few items and at most ``limit`` chars.

    Parameters
    ----------
    value : object
        Any value a user passed.
    limit : int, default 80
        Largest length of the result.

    Returns
    -------
    str

    Examples
    --------
    >>> short(list(range(1000)))
    '[0, 1, 2, 3, ...] (1000 values)'
    >>> short("x" * 500)[:12]
    "'xxxxxxxxxxx"
    """
    if isinstance(value, np.ndarray):
        text = np.array2string(value.ravel()[:4] if value.size > 4 else value, separator=", ")
        if value.size > 4:
            text = text.rstrip("]") + ", ...]"
    else:
        text = _REPR.repr(value)
    try:
        n = len(value) if not isinstance(value, (str, bytes)) else None
    except TypeError:
        n = None
    if n is not None and n > 4:
        text += f" ({n} values)"
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return text
