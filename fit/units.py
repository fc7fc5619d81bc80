"""Units of the fit's inputs: what each coordinate and variable may carry, and conversions.

ncgain's own units are eV, ps, mJ cm^-2 and dimensionless ratios (the CF ``units``
strings of :func:`ncgain.kinetics.simulate_pulsed`). Measured data often come in meV,
fs or ns, uJ cm^-2: those are converted by a constant factor on read. Units that need a
non-linear conversion (a wavelength in nm for an energy) are refused with a ValueError
that says what to do.
"""

from __future__ import annotations

__all__ = ["CANONICAL_UNITS", "conversion_factor", "normalize_units"]

#: quantity -> ncgain's unit for it
CANONICAL_UNITS = {
    "energy": "eV",
    "time": "ps",
    "mean_excitons": "1",
    "pump_fluence": "mJ cm-2",
    "dimensionless": "1",
    "pl": "ps-1 eV-1",
    "cross_section": "cm2",
    "temperature": "K",
}

#: quantity -> {accepted unit spelling (normalized) -> factor to the canonical unit}
_FACTORS = {
    "energy": {"ev": 1.0, "mev": 1e-3, "kev": 1e3},
    "time": {"ps": 1.0, "fs": 1e-3, "ns": 1e3, "us": 1e6, "µs": 1e6, "ms": 1e9, "s": 1e12},
    "mean_excitons": {"1": 1.0, "": 1.0, "excitons per nc": 1.0, "dimensionless": 1.0},
    "pump_fluence": {"mj cm-2": 1.0, "mj/cm2": 1.0, "mj/cm^2": 1.0, "mj cm^-2": 1.0,
                     "uj cm-2": 1e-3, "uj/cm2": 1e-3, "uj/cm^2": 1e-3, "uj cm^-2": 1e-3,
                     "µj cm-2": 1e-3, "µj/cm2": 1e-3, "j m-2": 0.1, "j/m2": 0.1, "j/m^2": 0.1},
    "dimensionless": {"1": 1.0, "": 1.0, "dimensionless": 1.0, "%": 1e-2, "percent": 1e-2},
    # measured PL in arbitrary units: fitted with the nuisance amplitude_pl
    "pl": {"ps-1 ev-1": 1.0, "1/(ps ev)": 1.0, "arbitrary": 1.0, "a.u.": 1.0, "counts": 1.0},
    "cross_section": {"cm2": 1.0, "cm^2": 1.0, "nm2": 1e-14, "nm^2": 1e-14},
    "temperature": {"k": 1.0},
}

_HINTS = {
    "energy": "give photon energies in eV or meV (convert wavelengths with E = 1239.84 eV nm "
              "/ lambda before reading)",
    "time": "give delays in ps, fs, ns, us, ms or s",
    "pump_fluence": "give fluences in mJ cm-2, uJ cm-2 or J m-2",
}


def normalize_units(units: str) -> str:
    """A units string in the spelling the tables use (lower case, single spaces).

    Parameters
    ----------
    units : str
        A CF/UDUNITS units string, e.g. ``"meV"`` or ``"mJ  cm-2"``.

    Returns
    -------
    str
        Lower-case, whitespace-collapsed, ``**`` read as ``^``.
    """
    return " ".join(str(units).strip().lower().replace("**", "^").split())


def conversion_factor(quantity: str, units, *, name: str) -> float:
    """The factor that converts a value in ``units`` to ncgain's unit for ``quantity``.

    Parameters
    ----------
    quantity : str
        A key of :data:`CANONICAL_UNITS` ("energy", "time", "pump_fluence", ...).
    units : str or None
        The value's CF ``units`` attribute; None (missing) is refused.
    name : str
        What carries the units (a coordinate, variable or target), for the error message.

    Returns
    -------
    float
        Multiply the value by this to express it in ``CANONICAL_UNITS[quantity]``.

    Raises
    ------
    ValueError
        If ``units`` is missing or not one the table knows for ``quantity``.

    Examples
    --------
    >>> conversion_factor("energy", "meV", name="energy")
    0.001
    >>> conversion_factor("time", "ns", name="time")
    1000.0
    """
    if quantity not in _FACTORS:
        raise ValueError(f"unknown quantity {quantity!r} for {name}; known: {tuple(_FACTORS)}")
    table = _FACTORS[quantity]
    if units is None:
        raise ValueError(f"{name} has no units attribute; allowed units for its quantity "
                         f"({quantity}): {_allowed(table)} (CF 'units')")
    factor = table.get(normalize_units(units))
    if factor is None:
        hint = _HINTS.get(quantity, f"use {CANONICAL_UNITS[quantity]!r}")
        raise ValueError(f"{name} has units = {str(units)!r}, not one ncgain converts for its "
                         f"quantity ({quantity}); allowed: {_allowed(table)}; {hint}")
    return float(factor)


def _allowed(table: dict) -> str:
    return ", ".join(repr(u) for u, f in table.items() if f is not None)
