"""Peak-memory estimates, checked before any work starts.

Every public entry point estimates the largest memory its arrays will need
from the problem size and refuses, with a ValueError naming the dimension to
shrink, a problem that would not fit into the memory available now
(``psutil.virtual_memory().available``), instead of failing after minutes of
computation or driving the machine into swap.
"""

from __future__ import annotations

import psutil

__all__ = ["available_bytes", "check_fits", "FRACTION_USABLE"]

#: Share of the currently available memory a run may plan to use.
FRACTION_USABLE = 0.8


def available_bytes() -> int:
    """Memory available to new allocations now, as psutil reports it.

    Returns
    -------
    int
        Bytes (``psutil.virtual_memory().available``).
    """
    return int(psutil.virtual_memory().available)


def _gib(n: float) -> str:
    return f"{n / 2 ** 30:.3g} GiB"


def check_fits(estimate: float, dimensions: dict[str, int], *, what: str) -> None:
    """Raise ValueError if ``estimate`` bytes exceed the usable available memory.

    Parameters
    ----------
    estimate : float
        Estimated peak memory of the run (bytes).
    dimensions : dict of str to int
        The user-controlled sizes that the estimate grows with, by the name the
        user gave them (e.g. ``{"energies": 2000, "times": 1000}``); the largest
        is named as the one to shrink.
    what : str
        The entry point, e.g. ``"simulate_pulsed"``.

    Raises
    ------
    ValueError
        Naming the estimate, the available memory and the dimension to shrink.
    """
    usable = FRACTION_USABLE * available_bytes()
    if estimate <= usable:
        return
    name, size = max(dimensions.items(), key=lambda kv: kv[1])
    sizes = " x ".join(f"{k} {v}" for k, v in dimensions.items())
    raise ValueError(
        f"{what} would need about {_gib(estimate)} of memory ({sizes}), more than the "
        f"{_gib(usable)} usable now; shrink {name} ({size} values) or another dimension")
