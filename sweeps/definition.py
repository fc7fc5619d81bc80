"""The sweep definition (:class:`Sweep`) and the computation of one point."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ncgain import models

from .checks import check_size, point_seed, _canonical, _choice, _float_list
from .fields import CORE_SHELL_FIELDS, CoreShell, GRIDS, SAMPLE_FIELDS, STORE_FORMAT, _base_description, _resolve_base
from .observables import OBSERVABLES

__all__ = ["Sweep", "compute_point"]


# ============================================================================ the definition

@dataclass(frozen=True, eq=False)
class Sweep:
    """A validated sweep definition.

    Parameters
    ----------
    base : models.Sample, str, os.PathLike or CoreShell
        The base sample: a Sample, a preset name ("type-ii", "type-i"), a
        sample TOML file (a ``pathlib.Path``), or a core/shell geometry.
    vary : mapping of str to sequence of float
        Swept fields and their values, in dimension order. For a Sample base,
        fields of :data:`SAMPLE_FIELDS`; for a CoreShell base, of
        :data:`CORE_SHELL_FIELDS`.
    observable : str, default "threshold"
        A key of :data:`OBSERVABLES`.
    options : mapping, optional
        Options of the observable (see its ``defaults``).
    grid : {"product", "points"}, default "product"
        ``"product"``: every combination (one dimension per field);
        ``"points"``: the i-th values of every field form point i (equal
        lengths; one dimension ``point``).
    seed : int, default 0
        Sweep seed; point i uses :func:`point_seed` ``(seed, i)``.

    Raises
    ------
    ValueError
        Unknown field or observable, empty or non-finite grid, repeated values,
        unknown or invalid options, a field that does not reach the kinetics.

    Examples
    --------
    >>> sw = Sweep("type-ii", {"linewidth": [0.04, 0.06]}, "threshold",
    ...            options={"time": [3.0]})
    >>> sw.shape, sw.n_points
    ((2,), 2)
    """

    base: Any
    vary: Mapping
    observable: str = "threshold"
    options: Mapping = field(default_factory=dict)
    grid: str = "product"
    seed: int = 0

    def __post_init__(self):
        set_ = lambda k, v: object.__setattr__(self, k, v)  # noqa: E731 (frozen)
        base = _resolve_base(self.base)
        set_("base", base)
        set_("grid", _choice("grid", self.grid, GRIDS))
        if (isinstance(self.seed, bool) or not isinstance(self.seed, (int, np.integer))
                or not 0 <= self.seed < 2 ** 63):
            raise ValueError(f"seed = {self.seed!r} is outside the allowed range: an integer in "
                             "[0, 2**63)")
        set_("seed", int(self.seed))
        if not isinstance(self.vary, Mapping) or not self.vary:
            raise ValueError("vary must map at least one field to its values, e.g. "
                             "{'linewidth': [0.02, 0.04]}")
        table = CORE_SHELL_FIELDS if isinstance(base, CoreShell) else SAMPLE_FIELDS
        vary = {}
        for name, values in self.vary.items():
            if name not in table:
                kind = "core/shell parameter" if isinstance(base, CoreShell) else "Sample field"
                raise ValueError(f"vary: unknown {kind} {name!r}; sweepable: {sorted(table)}")
            if isinstance(base, models.Sample) and base.components:
                raise ValueError(
                    f"vary: the base sample {base.name!r} has size classes (components); its "
                    f"top-level {name!r} does not reach the kinetics. Sweep a CoreShell base "
                    "(core_radius, shell_width, size_dispersion, ...) instead")
            vals = _float_list(f"vary {name}", values, allow_empty=True)
            if not vals:
                raise ValueError(f"vary {name}: empty grid (give at least one value)")
            if table[name][2] is int:
                if any(v != int(v) for v in vals):
                    raise ValueError(f"vary {name} = {vals}: values must be integers")
                vals = [int(v) for v in vals]
            if self.grid == "product" and len(set(vals)) != len(vals):
                raise ValueError(f"vary {name} = {vals}: repeated values in a product grid")
            vary[name] = vals
        if self.grid == "points":
            lengths = {k: len(v) for k, v in vary.items()}
            if len(set(lengths.values())) != 1:
                raise ValueError(f"grid = 'points' needs lists of equal length, got {lengths}")
        if self.observable not in OBSERVABLES:
            raise ValueError(f"observable = {self.observable!r} is not one of "
                             f"{tuple(OBSERVABLES)}")
        obs = OBSERVABLES[self.observable]
        opts = obs.normalize(dict(self.options or {}))
        # The point and work limits from the axis lengths alone, before any point exists.
        axes = ({"point": len(next(iter(vary.values())))} if self.grid == "points"
                else {k: len(v) for k, v in vary.items()})
        check_size(axes, obs.work(opts) if obs.work is not None else 0.0,
                   what=f"{self.observable} sweep")
        if self.grid == "points":
            keys = list(zip(*vary.values()))
            if len(set(keys)) != len(keys):
                raise ValueError("grid = 'points': a point is repeated")
        set_("vary", vary)
        set_("options", json.loads(_canonical(opts)))
        clash = set(obs.dims(opts)) & (set(vary) | {"point"})
        if clash:
            raise ValueError(f"vary: {sorted(clash)} clash with the observable's dimensions")

    # -- shape and points -----------------------------------------------------------

    @property
    def fields(self) -> tuple[str, ...]:
        """The swept fields, in dimension order."""
        return tuple(self.vary)

    @property
    def shape(self) -> tuple[int, ...]:
        """Grid shape: one length per field (product) or ``(n_points,)`` (points)."""
        if self.grid == "points":
            return (len(next(iter(self.vary.values()))),)
        return tuple(len(v) for v in self.vary.values())

    @property
    def n_points(self) -> int:
        """Number of points."""
        return math.prod(self.shape)

    @property
    def dims(self) -> tuple[str, ...]:
        """Grid dimensions of the dataset."""
        return ("point",) if self.grid == "points" else self.fields

    def coordinates(self, index: int) -> dict:
        """The swept values of point ``index``.

        Parameters
        ----------
        index : int
            Flat point index.

        Returns
        -------
        dict
            Field name -> value.
        """
        if self.grid == "points":
            return {k: v[index] for k, v in self.vary.items()}
        multi = np.unravel_index(index, self.shape)
        return {k: v[i] for (k, v), i in zip(self.vary.items(), multi)}

    def _where(self, index: int) -> str:
        coords = ", ".join(f"{k} = {v!r}" for k, v in self.coordinates(index).items())
        return f"point {index} ({coords})"

    def point_sample(self, index: int) -> models.Sample:
        """The sample of point ``index``.

        Parameters
        ----------
        index : int
            Flat point index.

        Returns
        -------
        models.Sample

        Raises
        ------
        ValueError
            If the point's values make an invalid sample (the message names the point).
        """
        coords = self.coordinates(index)
        try:
            if isinstance(self.base, CoreShell):
                return self.base.sample(**coords)
            return dataclasses.replace(self.base, **coords)
        except ValueError as exc:
            raise ValueError(f"{self._where(index)}: {exc}") from None

    def point_samples(self) -> list[models.Sample]:
        """Every point's sample, each checked for the observable, before any work.

        Returns
        -------
        list of models.Sample
            In point order.

        Raises
        ------
        ValueError
            Naming the first invalid point's index and coordinates.
        """
        obs = OBSERVABLES[self.observable]
        out = []
        for i in range(self.n_points):
            sample = self.point_sample(i)
            try:
                obs.check_point(sample, self.options)
            except ValueError as exc:
                raise ValueError(f"{self._where(i)}: {exc}") from None
            out.append(sample)
        return out

    # -- identity ---------------------------------------------------------------------

    def to_dict(self) -> dict:
        """The definition as JSON-compatible data (what the hash covers).

        Returns
        -------
        dict
        """
        return {"store_format": STORE_FORMAT, "base": _base_description(self.base),
                "vary": [[k, v] for k, v in self.vary.items()], "grid": self.grid,
                "observable": self.observable, "options": self.options, "seed": self.seed}

    def to_json(self) -> str:
        """Canonical JSON text of :meth:`to_dict`.

        Returns
        -------
        str
        """
        return _canonical(self.to_dict())

    @property
    def hash(self) -> str:
        """SHA-256 of :meth:`to_json` (hex)."""
        return hashlib.sha256(self.to_json().encode()).hexdigest()


# ============================================================================ computing

def _point_task(compute, sample, options, seed, numba_threads):
    """Worker side: compute one point (module-level so dask pickles it by reference)."""
    if numba_threads:
        import numba
        numba.set_num_threads(max(1, min(int(numba_threads), numba.config.NUMBA_NUM_THREADS)))
    result = compute(sample, options, seed)
    return {k: np.asarray(v, dtype=float) for k, v in result.items()}


def _batch_task(compute, samples, options, seeds, numba_threads):
    """Worker side: several points in one task (one round trip for all of them)."""
    return [_point_task(compute, sample, options, seed, numba_threads)
            for sample, seed in zip(samples, seeds)]


def compute_point(sweep: Sweep, index: int) -> dict[str, np.ndarray]:
    """Compute point ``index`` in this process, without a store (the serial reference).

    Parameters
    ----------
    sweep : Sweep
        The definition.
    index : int
        Flat point index.

    Returns
    -------
    dict of str to ndarray
        The observable's variables at this point.
    """
    obs = OBSERVABLES[sweep.observable]
    sample = sweep.point_sample(index)
    obs.check_point(sample, sweep.options)
    return _point_task(obs.compute, sample, sweep.options, point_seed(sweep.seed, index), None)
