"""Checks and seeds of the sweep engine: core count, per-point seeds, option parsing."""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping

import numpy as np

__all__ = ["available_cores", "point_seed", "check_size", "MAX_POINTS", "MAX_CORE_HOURS",
           "MC_NCS_PER_SECOND"]

#: Most points one sweep may hold: the store keeps one file per point, and the client
#: builds and checks every point's sample before any work (1.4-5.9 ms per point measured).
MAX_POINTS = 100_000

#: Most estimated work one sweep may ask for, in core-hours (about six weeks of one core;
#: ten hours on a hundred).
MAX_CORE_HOURS = 1000.0

#: Monte Carlo throughput assumed by the work estimate, in nanocrystals per second per
#: core and per <N> level: below the measured 1.4e7 (docs/benchmark.md), so the estimate
#: errs on the high side.
MC_NCS_PER_SECOND = 1e7


# ============================================================================ helpers

def available_cores() -> int:
    """Number of CPU cores this process may use (affinity mask where available).

    Returns
    -------
    int
    """
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover (macOS, Windows)
        return max(1, os.cpu_count() or 1)


def point_seed(seed: int, index: int) -> int:
    """The Monte Carlo seed of point ``index`` of a sweep with seed ``seed``.

    ``numpy.random.SeedSequence(seed, spawn_key=(index,))``, the sequence that
    ``SeedSequence(seed).spawn`` gives its ``index``-th child, hashed to one
    integer in [0, 2**63). It depends on ``seed`` and ``index`` only.

    Parameters
    ----------
    seed : int
        Sweep seed, >= 0.
    index : int
        Flat index of the point (C order of the product grid, or position in
        the list of points), >= 0.

    Returns
    -------
    int

    Examples
    --------
    >>> point_seed(0, 3) == point_seed(0, 3) != point_seed(0, 4)
    True
    """
    state = np.random.SeedSequence(int(seed), spawn_key=(int(index),)).generate_state(
        1, np.uint64)
    return int(state[0] >> np.uint64(1))


def _json_value(value):
    if isinstance(value, (np.floating, float)):
        return float(value)
    if isinstance(value, (np.integer, int)) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_json_value(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _json_value(v) for k, v in value.items()}
    return value


def _canonical(obj) -> str:
    return json.dumps(_json_value(obj), sort_keys=True, separators=(",", ":"), allow_nan=True)


def _float_list(name: str, values, *, unit: str = "", allow_empty: bool = False) -> list:
    try:
        arr = np.atleast_1d(np.asarray(values, dtype=float))
    except (TypeError, ValueError):
        raise ValueError(f"{name} = {values!r} must be a sequence of real numbers {unit}") \
            from None
    if arr.ndim != 1 or (arr.size == 0 and not allow_empty):
        raise ValueError(f"{name} must be a non-empty 1-D sequence {unit}, got {values!r}")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} = {arr[~np.isfinite(arr)][0]!r} is not allowed: values must be "
                         f"finite {unit}")
    return [float(v) for v in arr]


def _real(name, value, lo, hi, unit="", *, open_low=False):
    """One real number in [lo, hi] (or (lo, hi]); a list, a string or a bool is refused."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer,
                                                                     np.floating)):
        raise ValueError(f"{name} = {value!r} must be one real number in the allowed range "
                         f"{'(' if open_low else '['}{lo:g}, {hi:g}] {unit}")
    v = float(value)
    if not (math.isfinite(v) and (lo < v if open_low else lo <= v) and v <= hi):
        raise ValueError(f"{name} = {v!r} is outside the allowed range "
                         f"{'(' if open_low else '['}{lo:g}, {hi:g}] {unit}")
    return v


def _choice(name, value, allowed):
    if value not in allowed:
        raise ValueError(f"{name} = {value!r} is not one of {tuple(allowed)}")
    return value


def _positive_int(name, value, lo, hi):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not lo <= value <= hi:
        raise ValueError(f"{name} = {value!r} is outside the allowed range: an integer in "
                         f"[{lo}, {hi}]")
    return int(value)


def check_size(shape: Mapping, seconds_per_point: float, what: str = "sweep") -> None:
    """Refuse a sweep over :data:`MAX_POINTS` points or :data:`MAX_CORE_HOURS` of work.

    Checked from the grid's axis lengths alone (no point is built), so a grid of
    10**12 points is refused at once.

    Parameters
    ----------
    shape : mapping of str to int
        Axis name -> number of values (one entry ``point`` for a list of points).
    seconds_per_point : float
        Estimated core-seconds of one point (the observable's ``work``).
    what : str
        Name used in the message.

    Raises
    ------
    ValueError
        Naming the parameter, the estimate and the limit.
    """
    n_points = math.prod(int(n) for n in shape.values())
    sizes = " x ".join(f"{k} {n}" for k, n in shape.items())
    if n_points > MAX_POINTS:
        raise ValueError(f"vary: {what} of {n_points:.4g} points ({sizes}) exceeds the limit "
                         f"of {MAX_POINTS} points (sweeps.checks.MAX_POINTS); split it into "
                         "several sweeps or use fewer values")
    hours = n_points * float(seconds_per_point) / 3600.0
    if hours > MAX_CORE_HOURS:
        raise ValueError(f"{what} work estimate: {n_points} points x {seconds_per_point:.3g} "
                         f"core-s per point = {hours:.3g} core-hours, more than the limit of "
                         f"{MAX_CORE_HOURS:g} core-hours (sweeps.checks.MAX_CORE_HOURS); "
                         "reduce n_nanocrystals, the observable's options or the points")
