"""Checks and seeds of the sweep engine: core count, per-point seeds, option parsing."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping

import numpy as np

__all__ = ["available_cores", "point_seed"]


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


def _choice(name, value, allowed):
    if value not in allowed:
        raise ValueError(f"{name} = {value!r} is not one of {tuple(allowed)}")
    return value


def _positive_int(name, value, lo, hi):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not lo <= value <= hi:
        raise ValueError(f"{name} = {value!r} is outside the allowed range: an integer in "
                         f"[{lo}, {hi}]")
    return int(value)
