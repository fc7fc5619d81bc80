"""A precomputed pulsed master-equation model of one sample: build once, evaluate often.

:func:`~ncgain.kinetics.simulate_pulsed` validates its inputs, builds the state table and
the line shapes at the probe energies, propagates the master equation and wraps an
:class:`xarray.Dataset` -- every call. A fit evaluates one sample at many pump levels,
delays (a time zero, an instrument response) and again and again at nuisance values that do
not change the sample; :class:`PulsedGrid` keeps what depends only on the sample and the
probe energies (state table, line kernels, alpha_0) and returns plain arrays. It runs the
same code on the same arrays as ``simulate_pulsed(..., method="master-equation")``, so its
numbers are bit-identical to that function's (tested), not merely close.
"""

from __future__ import annotations

import dataclasses
import math
import time

import numpy as np
import xarray as xr

from ncgain.models import Sample
from ncgain.models.state_table import build_state_table

from . import excitation, master_equation, memory
from .inputs import _check_choice, resolve_sample, validate_times
from .output import pulsed_arrays, pulsed_dataset
from .pulsed import MAX_STATES, PulsedProblem, estimate_memory, validate_mean_excitons

__all__ = ["PulsedGrid", "GRID_VARIABLES"]

#: [bytes, monotonic time] of the last successful memory check
_RECENT_CHECK = [0.0, -math.inf]
#: propagator sets (one per n_max and times) a grid keeps
PROPAGATOR_CACHE = 16

#: The variables :meth:`PulsedGrid.evaluate` can return (the dataset's names).
GRID_VARIABLES = ("population", "mean_excitons_t", "absorption", "gain", "bleach", "pl",
                  "gain_by_excitons", "alpha0")


class PulsedGrid:
    """The exact (master-equation) pulsed model of one sample at fixed probe energies.

    Parameters
    ----------
    sample : models.Sample or str
        The sample, or a preset name.
    energies : array_like of float, optional
        Probe photon energies (eV), as for :func:`~ncgain.kinetics.simulate_pulsed`
        (default: its default grid).
    statistics : {"poisson", "single"}, default "poisson"
        Pump statistics.
    n_max : int, optional
        Highest exciton number; default (None): chosen per call from the largest <N>,
        exactly as ``simulate_pulsed`` chooses it (one state table per n_max is kept).
    max_mean_excitons : float, default 1.0
        The largest <N> expected: the state table for it is built (and the energies
        checked) now; other <N> work too (their tables are built when first needed).

    Raises
    ------
    ValueError
        For an invalid sample, statistics or energies (the energies are checked against
        the sample's unexcited absorption here, before any evaluation).

    Examples
    --------
    >>> import numpy as np
    >>> from ncgain import kinetics, models
    >>> grid = kinetics.PulsedGrid(models.presets.TYPE_II_CDS_ZNSE,
    ...                            energies=np.linspace(2.0, 2.2, 5))
    >>> out = grid.evaluate([0.5, 1.0], [0.0, 100.0], variables=("bleach",))
    >>> ds = kinetics.simulate_pulsed(models.presets.TYPE_II_CDS_ZNSE, [0.5, 1.0],
    ...                               [0.0, 100.0], energies=np.linspace(2.0, 2.2, 5),
    ...                               method="master-equation")
    >>> bool(np.array_equal(out["bleach"], ds.bleach.values))
    True
    """

    def __init__(self, sample, energies=None, *, statistics: str = "poisson", n_max=None,
                 max_mean_excitons: float = 1.0):
        sample = resolve_sample(sample)
        if not isinstance(sample, Sample):
            raise ValueError(f"sample must be a models.Sample or a preset name, got {sample!r}")
        self.sample = sample
        self.statistics = _check_choice("statistics", statistics, excitation.STATISTICS)
        self.n_max = n_max
        # simulate_pulsed's preliminary table (n_max = g): the pump scales that check <N>
        self._table_g = build_state_table(sample, sample.degeneracy)
        self._problems: dict[int, tuple[PulsedProblem, np.ndarray]] = {}
        self._propagators: dict = {}     # (n_max, times bytes) -> master-equation propagators
        self._energies_arg = energies
        # build the smallest problem now: validates the energies before any evaluation
        hint = validate_mean_excitons([max_mean_excitons], self._table_g, self.statistics)
        first = self._problem(float(hint[0]), 1, np.array([0.0]))
        self.energies = first.energies

    def _required_n_max(self, max_mean: float) -> int:
        """The n_max ``simulate_pulsed`` would choose (PulsedProblem.build's rule)."""
        if self.n_max is not None:
            return int(self.n_max)
        g = self.sample.degeneracy
        lam_max = float(max_mean) * float(self._table_g.pump_scale.max())
        if self.statistics != "poisson":
            return g
        return min(excitation.required_n_max(lam_max, g, 1), MAX_STATES + 1)

    def _problem(self, max_mean: float, n_levels: int, times: np.ndarray) -> PulsedProblem:
        key = self._required_n_max(max_mean)
        if key not in self._problems:
            # PulsedProblem.build derives n_max itself (and raises its errors): the same table
            problem = PulsedProblem.build(
                self.sample, times, energies=self._energies_arg, max_mean_excitons=max_mean,
                statistics=self.statistics, n_max=self.n_max, method="master-equation",
                n_levels=n_levels, preliminary_table=self._table_g, check_memory=False)
            arrays = pulsed_arrays(problem, np.zeros((0, 0, problem.table.n_classes,
                                                      problem.table.n_max + 1, 1)))
            self._problems[problem.table.n_max] = (problem, arrays["alpha0"])
            key = problem.table.n_max
        problem, _ = self._problems[key]
        if self.statistics == "poisson" and self.n_max is not None:
            # an explicit n_max: build's Poisson-tail check for this <N>
            lam_max = max_mean * float(self._table_g.pump_scale.max())
            tail = excitation.poisson_tail(problem.table.n_max, lam_max)
            if tail > excitation.allowed_tail(1):
                raise ValueError(
                    f"n_max = {self.n_max} is too small for mean_excitons up to {max_mean:g}: "
                    f"the Poisson probability beyond n_max is {tail:.3g}, allowed <= "
                    f"{excitation.allowed_tail(1):.3g}; use n_max >= "
                    f"{excitation.required_n_max(lam_max, self.sample.degeneracy, 1)} or "
                    "n_max=None")
        need = estimate_memory(n_levels, times.size, problem.energies.size,
                               problem.table.n_classes, problem.table.n_max + 1, 1,
                               "master-equation")
        now = time.monotonic()
        # reading the free memory costs ~1 ms: a size checked in the last second passes
        if need > _RECENT_CHECK[0] or now - _RECENT_CHECK[1] > 1.0:
            memory.check_fits(need, {"mean_excitons": int(n_levels), "times": times.size,
                                     "energies": problem.energies.size, "energy_bins": 1},
                              what="PulsedGrid")
            _RECENT_CHECK[:] = [need, now]
        return dataclasses.replace(problem, times=times)

    def _occupation(self, problem: PulsedProblem, mean: np.ndarray) -> np.ndarray:
        """problem.exact_occupation(mean), the chain's propagators kept per (n_max, times)."""
        key = (problem.table.n_max, problem.times.tobytes())
        if key not in self._propagators:
            if len(self._propagators) >= PROPAGATOR_CACHE:
                self._propagators.clear()
            self._propagators[key] = master_equation.propagators(
                problem.table.up_rate, problem.table.decay_rate, problem.times)
        return problem.exact_occupation(mean, propagators=self._propagators[key])

    def _prepare(self, mean_excitons, times):
        if times is None:
            raise ValueError("times is required: record times after the pulse (ps), >= 0 "
                             "and strictly increasing")
        mean = validate_mean_excitons(mean_excitons, self._table_g, self.statistics)
        times = validate_times(times)
        return mean, self._problem(float(mean.max()), mean.size, times)

    def evaluate(self, mean_excitons, times, *, variables=None) -> dict[str, np.ndarray]:
        """The model at <N> x times x the grid's energies, as plain arrays.

        Parameters
        ----------
        mean_excitons : array_like of float
            <N> right after the pulse (>= 0; <= 1 per class for single statistics).
        times : array_like of float
            Record times (ps), >= 0 and strictly increasing.
        variables : sequence of str, optional
            Which of :data:`GRID_VARIABLES` to return (default: all).

        Returns
        -------
        dict of str -> ndarray
            ``population`` (M, T, n), ``mean_excitons_t`` (M, T), ``absorption``, ``gain``,
            ``bleach``, ``pl`` (M, T, E), ``gain_by_excitons`` (M, T, n, E), ``alpha0``
            (E,): the values of the same-named variables of
            ``simulate_pulsed(sample, mean_excitons, times, energies=..., method=
            "master-equation")``, bit for bit.

        Raises
        ------
        ValueError
            For invalid <N>, times or variable names, before any work.
        """
        names = GRID_VARIABLES if variables is None else tuple(variables)
        for v in names:
            if v not in GRID_VARIABLES:
                raise ValueError(f"variables: {v!r} is not one of {GRID_VARIABLES}")
        mean, problem = self._prepare(mean_excitons, times)
        alpha0 = self._problems[problem.table.n_max][1]
        arrays = pulsed_arrays(problem, self._occupation(problem, mean), alpha0=alpha0)
        out = {}
        for v in names:
            if v in ("population", "absorption", "pl", "bleach", "alpha0"):
                out[v] = arrays[v]
            elif v == "gain":
                out[v] = -arrays["absorption"]
            elif v == "gain_by_excitons":
                out[v] = -arrays["alpha_by_n"]
            else:                                      # mean_excitons_t
                out[v] = arrays["population"] @ np.arange(problem.table.n_max + 1)
        for v, value in out.items():
            if not np.all(np.isfinite(value)):  # a bug, never an input problem
                raise RuntimeError(f"non-finite values in {v}")
        return out

    def dataset(self, mean_excitons, times) -> xr.Dataset:
        """The full dataset of ``simulate_pulsed(..., method="master-equation")``.

        Parameters
        ----------
        mean_excitons, times : array_like of float
            As for :meth:`evaluate`.

        Returns
        -------
        xarray.Dataset
            Identical (values, coordinates, attributes) to the dataset
            :func:`~ncgain.kinetics.simulate_pulsed` returns for the same arguments.
        """
        mean, problem = self._prepare(mean_excitons, times)
        return pulsed_dataset(problem, mean, self._occupation(problem, mean),
                              method="master-equation", n_events=None)
