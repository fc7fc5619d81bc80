"""Peak-memory and work estimates, checked before any work starts.

Every public entry point estimates the largest memory its arrays will need
from the problem size and refuses, with a ValueError naming the dimension to
shrink, a problem that would not fit into the memory available now
(``psutil.virtual_memory().available``), instead of failing after minutes of
computation or driving the machine into swap. The Monte Carlo methods and the
photon-field rate equations also estimate their work (NC-events, NC-steps or
state-channel products) and refuse work above :data:`WORK_LIMITS`, instead of
running for hours without a word: raise the limit to allow a longer run.
"""

from __future__ import annotations

import psutil

__all__ = ["available_bytes", "check_fits", "check_work", "FRACTION_USABLE", "WORK_LIMITS",
           "cavity_bytes", "stripe_bytes", "RECORD_BYTES"]

#: Share of the currently available memory a run may plan to use.
FRACTION_USABLE = 0.8

#: Largest work one call may plan, per unit of work (a module-level setting: raise it
#: to allow a longer run). Speeds from docs/benchmark.md and the estimates' calibration
#: runs (2 loaded cores):
#:
#: * ``"NC-events"`` (simulate_pulsed, simulate_cw Monte Carlo): NCs x excitation levels
#:   x (1 + expected exciton events per NC); 1.6-2e7 events/s per thread, so 1e11 is
#:   about 1.5 h on one thread;
#: * ``"NC-steps"`` (simulate_cavity, simulate_stripe Monte Carlo): NCs x pump values x
#:   steps (at least last time / dt; the adaptive step only adds steps); 4-6e7
#:   NC-steps/s on 2 threads, so 2e11 is about 1 h;
#: * ``"state-channels"`` (simulate_cavity, simulate_stripe): rate equations: pump values
#:   x states of the master equation x (channels + 100), the size of what every
#:   right-hand side and Jacobian touches; measured 123 s at 1.1e7 (cavity, whose
#:   Jacobian couples every state to every channel) and 46-48 s at 4-13e7 (a
#:   1024-slice stripe), so 2e8 is up to ~40 min. Both methods: building the coupling
#:   matrices, states x (channels + 100) once (~30 s at 1.1e7 for the cavity).
WORK_LIMITS = {"NC-events": 1e11, "NC-steps": 2e11, "state-channels": 2e8}

#: Bytes per recorded (pump, time) per state and per channel of a photon-field run:
#: the records, the solver's output and the dataset's copies (measured 2.5-2.6 states'
#: worth of doubles per record for the cavity, 1.5 for the stripe's slices).
RECORD_BYTES = {"state": 3 * 8, "channel": 10 * 8, "fixed": 20 * 8}


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


def check_work(estimate: float, unit: str, dimensions: dict[str, int], *, what: str) -> None:
    """Raise ValueError if ``estimate`` units of work exceed ``WORK_LIMITS[unit]``.

    Parameters
    ----------
    estimate : float
        Estimated work of the run, in ``unit``.
    unit : {"NC-events", "NC-steps", "state-channels"}
        The unit of work (:data:`WORK_LIMITS`).
    dimensions : dict of str to int
        The user-controlled sizes the estimate grows with, by the name the user gave
        them; the largest is named as the one to shrink.
    what : str
        The entry point, e.g. ``"simulate_cw"``.

    Raises
    ------
    ValueError
        Naming the estimate, the limit and the parameter to shrink.
    """
    limit = WORK_LIMITS[unit]
    if estimate <= limit:
        return
    name, size = max(dimensions.items(), key=lambda kv: kv[1])
    sizes = " x ".join(f"{k} {v}" for k, v in dimensions.items())
    raise ValueError(
        f"{what} would need about {estimate:.3g} {unit} of work ({sizes}), more than the "
        f"limit of {limit:.3g} (ncgain.kinetics.memory.WORK_LIMITS[{unit!r}]); shrink {name} "
        f"({size}) or another dimension, or raise the limit")


def _records(n_pumps: int, n_times: int, n_states: int, n_channels: int) -> float:
    r = RECORD_BYTES
    return float(n_pumps) * n_times * (r["state"] * n_states + r["channel"] * n_channels
                                       + r["fixed"])


def cavity_bytes(*, method: str, n_pumps: int, n_times: int, n_states: int, n_channels: int,
                 n_nanocrystals: int, nc_bytes: int, rate_tables: float = 0.0) -> float:
    """Estimated peak memory (bytes) of :func:`~ncgain.kinetics.simulate_cavity`.

    ``n_states`` is the master equation's size (classes x exciton states x energy
    bins). The coupling matrices (emission, absorption, spontaneous: states x
    channels each) and, for the rate equations, the Jacobian's dense state-channel
    blocks, its sparse LU and temporaries: measured 23.6 state-channel matrices of
    doubles (rate equations) and 4.1 (Monte Carlo), estimated as 30 and 5; plus the
    records and the Monte Carlo's per-NC state and rate tables.

    Parameters
    ----------
    method : {"rate-equations", "monte-carlo"}
    n_pumps, n_times : int
        Pump values and record times.
    n_states : int
        Classes x exciton states x energy bins.
    n_channels : int
        Spectral channels.
    n_nanocrystals, nc_bytes : int
        Monte Carlo NCs and bytes of state per NC.
    rate_tables : float, default 0
        Bytes of the Monte Carlo's stimulated-rate tables.

    Returns
    -------
    float
        Bytes.
    """
    matrices = (30 if method == "rate-equations" else 5) * 8.0 * n_states * n_channels
    nc = float(n_nanocrystals) * nc_bytes + rate_tables if method == "monte-carlo" else 0.0
    return matrices + nc + _records(n_pumps, n_times, n_states, n_channels)


def stripe_bytes(*, method: str, n_pumps: int, n_times: int, slices: int, n_states: int,
                 n_channels: int, n_excitons: int, monte_carlo_state: float = 0.0) -> float:
    """Estimated peak memory (bytes) of :func:`~ncgain.kinetics.simulate_stripe`.

    ``n_states`` is one slice's master-equation size (classes x exciton states x
    energy bins). Rate equations: the sparse Jacobian, its LU and BDF's history over
    the slices x states unknowns (measured 116-160 doubles per unknown, estimated
    200) and the light's (slices, channels) temporaries; both methods: the coupling
    matrices and the records (occupations of every slice for the rate equations,
    slice populations for the Monte Carlo, ``monte_carlo_state`` its NCs and tables).

    Parameters
    ----------
    method : {"rate-equations", "monte-carlo"}
    n_pumps, n_times, slices : int
        Pump values, record times and slices.
    n_states : int
        One slice's classes x exciton states x energy bins.
    n_channels, n_excitons : int
        Spectral channels; exciton numbers 0 ... n_max.
    monte_carlo_state : float, default 0
        Bytes of the Monte Carlo's NCs, histograms and rate tables.

    Returns
    -------
    float
        Bytes.
    """
    unknowns = float(slices) * n_states
    light = 10 * 8.0 * slices * n_channels + 5 * 8.0 * n_states * n_channels
    if method == "rate-equations":
        solver = 200 * 8.0 * unknowns
        recorded = unknowns
    else:
        solver = monte_carlo_state
        recorded = float(slices) * n_excitons
    return solver + light + _records(n_pumps, n_times, recorded, n_channels)
