"""Pulsed excitation: :func:`simulate_pulsed`, the public entry point.

Like stumpy's ``stump`` around ``_stump``, the public function validates
everything before any work starts, prepares plain arrays from the sample's
state table, runs the Numba kernel (or the exact master equation) and wraps
the result in an :class:`xarray.Dataset`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np
import xarray as xr

from ncgain.models import Sample
from ncgain.models.state_table import StateTable, build_state_table

from . import _kernels, excitation, master_equation, memory, observables
from .threads import with_blas_thread_policy
from .inputs import (CHUNK_SIZE, check_progress, MAX_GRID_POINTS, MAX_NANOCRYSTALS, METHODS,  # noqa: F401 (re-exported)
                     PHOTON_ENERGY_J_PER_EV, _as_1d, _check_choice, _check_int, _mean_sigma_pump,
                     mean_excitons_from_fluence, pump_fluence, resolve_sample, validate_fluence,
                     validate_times)

__all__ = ["simulate_pulsed", "pump_fluence", "mean_excitons_from_fluence", "METHODS",
           "PHOTON_ENERGY_J_PER_EV"]

#: Largest n_max of a state table (models.state_table.build_state_table).
MAX_STATES = 200
#: Largest memory (bytes) of the per-thread Monte Carlo count arrays together: with
#: more threads than fit, fewer parts run in parallel (the counts are identical).
PER_THREAD_COUNTS_BUDGET = 256 * 2 ** 20


# ----------------------------------------------------------------------------- validation

def validate_mean_excitons(values, table: StateTable, statistics: str) -> np.ndarray:
    """Check <N> values: finite, >= 0, and <= 1 per class for single statistics."""
    arr = _as_1d("mean_excitons", values, unit="excitons per NC")
    if (arr < 0).any():
        raise ValueError(f"mean_excitons = {float(arr[arr < 0][0])!r} is outside the allowed range "
                         "[0, inf) excitons per NC")
    if statistics == "single":
        limit = 1.0 / float(np.max(table.pump_scale))
        if (arr > limit * (1 + 1e-12)).any():
            raise ValueError(
                f"mean_excitons = {float(arr.max())!r} is outside the allowed range [0, {limit:g}] for "
                "statistics='single' (at most one exciton per NC, so p1 <= 1 in every class)")
    if arr.max() > 50.0:
        raise ValueError(f"mean_excitons = {float(arr.max())!r} is outside the allowed range [0, 50] "
                         "excitons per NC (the band-edge model has no higher states)")
    return arr


def validate_energies(values, table: StateTable, name: str = "energies", *,
                      resolvable: bool = True) -> np.ndarray:
    """Check probe energies: finite, strictly increasing, where alpha_0 is resolvable.

    ``resolvable=False`` (gain thresholds: alpha / alpha_0(peak) needs no alpha_0(E))
    widens the allowed range to every band-edge line +-3 widths (the thresholds' default
    grid), beyond the resolvable range where a line lies there.
    """
    arr = _as_1d(name, values, unit="eV")
    if (arr < observables.MIN_PHOTON_ENERGY).any():
        raise ValueError(f"{name} = {float(arr.min())!r} eV is outside the allowed range "
                         f"[{observables.MIN_PHOTON_ENERGY:g}, inf) eV: photon energies are positive")
    if arr.size > 1 and not (np.diff(arr) > 0).all():
        raise ValueError(f"{name} must be strictly increasing (eV)")
    if not resolvable:
        lo, hi = observables.gain_range(table)
        bad = (arr < lo) | (arr > hi)
        if bad.any():
            raise ValueError(
                f"{name} = {float(arr[bad][0])!r} eV is outside the allowed range "
                f"[{lo:.4f}, {hi:.4f}] eV, where the unexcited absorption alpha_0 is at least "
                f"{observables.MIN_RELATIVE_ALPHA0:g} of its peak or a band-edge line lies "
                "(+-3 widths)")
        return arr
    _, peak = observables.absorption_peak(table)
    rel = observables.reference_absorption(table, arr) / peak
    bad = rel < observables.MIN_RELATIVE_ALPHA0
    if bad.any():
        fine = observables.default_energies(table, 20001)
        ok = fine[observables.reference_absorption(table, fine) / peak
                  >= observables.MIN_RELATIVE_ALPHA0]
        raise ValueError(
            f"{name} = {float(arr[bad][0])!r} eV is outside the allowed range "
            f"[{ok.min():.4f}, {ok.max():.4f}] eV, where the unexcited absorption alpha_0 is "
            f"at least {observables.MIN_RELATIVE_ALPHA0:g} of its peak (bleaching -dalpha/alpha_0 "
            "is undefined where alpha_0 vanishes)")
    return arr


# ----------------------------------------------------------------------------- the problem

@dataclass(frozen=True, eq=False)
class PulsedProblem:
    """A validated pulsed-excitation problem: plain arrays, ready for either method."""

    sample: Sample
    table: StateTable
    times: np.ndarray
    energies: np.ndarray
    statistics: str
    n_nanocrystals: int
    seed: int
    energy_bins: int
    kernels: observables.LineKernels

    @classmethod
    def build(cls, sample, times, *, energies=None, max_mean_excitons=1.0,
              n_nanocrystals=200_000, seed=0, statistics="poisson", n_max=None,
              energy_bins=16, method="monte-carlo",
              energies_name="energies", need_bleach=True,
              n_levels=1, preliminary_table=None, check_memory=True) -> "PulsedProblem":
        if not isinstance(sample, Sample):
            raise ValueError(f"sample must be a models.Sample (or a preset name), got {sample!r}")
        _check_choice("statistics", statistics, excitation.STATISTICS)
        _check_choice("method", method, METHODS)
        n_nanocrystals = _check_int("n_nanocrystals", n_nanocrystals, 1, MAX_NANOCRYSTALS)
        seed = _check_int("seed", seed, 0, 2 ** 63 - 1)
        energy_bins = _check_int("energy_bins", energy_bins, 1, 256)
        times = validate_times(times)
        g = sample.degeneracy
        # preliminary_table: build_state_table(sample, g), if the caller has it
        scale = (build_state_table(sample, g) if preliminary_table is None
                 else preliminary_table).pump_scale
        lam_max = float(max_mean_excitons) * float(scale.max())
        n_nc_for_tail = n_nanocrystals if method == "monte-carlo" else 1
        if n_max is None:
            n_max = excitation.required_n_max(lam_max, g, n_nc_for_tail) if statistics == "poisson" else g
            if n_max > MAX_STATES:
                # n_max was derived: name what the user gave.
                raise ValueError(
                    f"mean_excitons up to {float(max_mean_excitons):g} is too large for this "
                    f"sample: its most strongly pumped size class then holds "
                    f"{lam_max:.3g} excitons on average, and the model represents at most "
                    f"{MAX_STATES} (n_max); reduce mean_excitons"
                    + (" or the spread of sigma_pump among the components"
                       if scale.size > 1 else ""))
        table = build_state_table(sample, n_max)
        if statistics == "poisson":
            tail = excitation.poisson_tail(table.n_max, lam_max)
            allowed = excitation.allowed_tail(n_nc_for_tail)
            if tail > allowed:
                need = excitation.required_n_max(lam_max, g, n_nc_for_tail)
                raise ValueError(
                    f"n_max = {n_max} is too small for mean_excitons up to {max_mean_excitons:g}: "
                    f"the Poisson probability beyond n_max is {tail:.3g}, allowed <= {allowed:.3g}; "
                    f"use n_max >= {need} or n_max=None")
        energies = (observables.default_energies(table, resolvable=need_bleach)
                    if energies is None else
                    validate_energies(energies, table, name=energies_name,
                                      resolvable=need_bleach))
        if need_bleach:
            _, peak = observables.absorption_peak(table)
            alpha0 = observables.unexcited_absorption(table, energies) / peak
            if (alpha0 < observables.MIN_RELATIVE_ALPHA0).any():
                raise ValueError(
                    f"{energies_name} = {float(energies[alpha0 < observables.MIN_RELATIVE_ALPHA0][0])!r} "
                    "eV is not allowed: the unexcited absorption alpha_0 of this sample (its "
                    "resident electrons block the band edge) is below "
                    f"{observables.MIN_RELATIVE_ALPHA0:g} of the neutral peak there, so the "
                    "bleaching -dalpha/alpha_0 is undefined; use kinetics.gain_threshold or "
                    "energies where alpha_0 > 0")
        bins = energy_bins if method == "monte-carlo" else 1
        if check_memory:      # (PulsedGrid checks its own sizes per evaluation)
            memory.check_fits(
                estimate_memory(n_levels, times.size, energies.size, table.n_classes,
                                table.n_max + 1, bins, method),
                {"mean_excitons": int(n_levels), "times": times.size, energies_name: energies.size,
                 "energy_bins": bins}, what="simulate_pulsed")
            if method == "monte-carlo":
                # NC-events: every exciton of the pulse decays at most once, plus each NC's start.
                memory.check_work(float(n_nanocrystals) * n_levels * (1.0 + lam_max),
                                  "NC-events", {"n_nanocrystals": n_nanocrystals,
                                                "mean_excitons": int(n_levels)},
                                  what="simulate_pulsed")
        kernels = observables.line_kernels(
            table, energies, energy_bins if method == "monte-carlo" else 1)
        return cls(sample, table, times, energies, statistics, n_nanocrystals, seed,
                   energy_bins, kernels)

    def initial(self, mean_excitons: np.ndarray) -> np.ndarray:
        return excitation.initial_distribution(mean_excitons, self.table.pump_scale,
                                               self.table.n_max, self.statistics)

    def exact_occupation(self, mean_excitons: np.ndarray, progress: bool = False,
                         desc: str = "master-equation", propagators=None) -> np.ndarray:
        """Master-equation occupation P[m, t, c, n, 1] (one energy bin).

        With ``progress`` the record times are propagated in chunks under a
        progress bar; each time's propagator is independent of the others, so
        the result is the same. ``propagators``: the chain's
        ``master_equation.propagators`` at ``self.times``, if already computed.
        """
        initial = self.initial(mean_excitons)
        args = (self.table.up_rate, self.table.decay_rate)
        if propagators is not None:
            p = master_equation.apply_propagators(propagators, initial)
        elif not progress:
            p = master_equation.propagate(initial, *args, self.times)
        else:
            from tqdm.auto import tqdm
            chunks = [self.times[i:i + 8] for i in range(0, self.times.size, 8)]
            with tqdm(total=self.times.size, unit="time", desc=desc) as bar:
                parts = []
                for chunk in chunks:
                    parts.append(master_equation.propagate(initial, *args, chunk))
                    bar.update(chunk.size)
            p = np.concatenate(parts, axis=1)
        return (p * self.table.class_weight[None, None, :, None])[..., None]

    def monte_carlo_counts(self, mean_excitons: np.ndarray, progress: bool = False):
        """Monte Carlo counts[m, t, c, n, b] (int64) and the number of events."""
        table = self.table
        init_cdf = np.cumsum(self.initial(mean_excitons), axis=-1)
        class_cdf = np.cumsum(table.class_weight)
        shape = (len(mean_excitons), self.times.size, table.n_classes, table.n_max + 1,
                 self.energy_bins)
        n_parts = count_parts(shape)
        total = np.zeros(shape, dtype=np.int64)
        events = 0
        key = np.uint64(_kernels.seed_key(self.seed))
        # NCs per kernel call: fewer with many <N> levels, so that a chunk (between
        # progress updates and Ctrl-C checks) stays short; the counts do not depend on it.
        chunk = max(1 << 14, CHUNK_SIZE // max(1, len(mean_excitons)))
        starts = range(0, self.n_nanocrystals, chunk)
        bar = None
        if progress:
            from tqdm.auto import tqdm
            bar = tqdm(total=self.n_nanocrystals, unit="NC", desc="monte-carlo")
        counts = np.zeros((n_parts,) + shape, dtype=np.int64)
        n_events = np.zeros(n_parts, dtype=np.int64)
        n_overflow = np.zeros(n_parts, dtype=np.int64)
        for first in starts:
            n = min(chunk, self.n_nanocrystals - first)
            counts[...] = 0
            _kernels._birth_death_counts(key, first, n, class_cdf, init_cdf, table.up_rate,
                                         table.decay_rate, self.times, self.energy_bins,
                                         counts, n_events, n_overflow)
            if n_overflow.sum():
                # With n_max chosen by required_n_max the expected count is < 1e-4 per run.
                raise RuntimeError(
                    f"{int(n_overflow.sum())} Monte Carlo NCs exceeded n_max = {table.n_max}; "
                    "rerun with a larger n_max")
            total += counts.sum(axis=0)
            events += int(n_events.sum())
            if bar is not None:
                bar.update(n)
        if bar is not None:
            bar.close()
        return total, events


def count_parts(shape) -> int:
    """Number of per-thread count arrays of ``shape`` run in parallel.

    One per Numba thread, but no more than fit into PER_THREAD_COUNTS_BUDGET
    (at least one): memory does not grow with the thread count beyond it. The
    counts are exact integer sums, so the result is the same for any number.
    """
    per_part = 8 * int(np.prod(shape, dtype=np.float64))
    return max(1, min(numba.get_num_threads(), PER_THREAD_COUNTS_BUDGET // max(per_part, 1)))


def estimate_memory(n_levels, n_times, n_energies, n_classes, n_states, n_bins,
                    method) -> float:
    """Estimated peak memory (bytes) of a pulsed simulation of this size.

    Parameters
    ----------
    n_levels, n_times, n_energies, n_classes, n_states, n_bins : int
        Sizes of <N>, times, energies, size classes, exciton states and
        inhomogeneous-energy bins.
    method : {"monte-carlo", "master-equation"}

    Returns
    -------
    float
        Bytes: occupation tensors, line-kernel tables and their temporaries,
        master-equation propagators, spectra and the dataset.
    """
    f8 = 8.0
    occupation = f8 * n_levels * n_times * n_classes * n_states * n_bins
    kernels = 2 * f8 * n_classes * n_states * n_bins * n_energies
    from ncgain.models import lineshapes
    kernels += lineshapes.binned_line_table_bytes(n_energies, n_bins)
    spectra = 8 * f8 * n_levels * n_times * n_energies     # alpha, pl, bleach, einsum, dataset
    if method == "monte-carlo":
        parts = count_parts((n_levels, n_times, n_classes, n_states, n_bins))
        counts = (parts + 3) * occupation                  # per part, total, sum, occupation
    else:
        counts = 4 * occupation + 6 * f8 * n_times * n_classes * n_states ** 2
    return occupation + counts + kernels + spectra


# ----------------------------------------------------------------------------- public API

@with_blas_thread_policy
def simulate_pulsed(sample, mean_excitons=None, times=None, *, fluence=None, energies=None,
                    n_nanocrystals=200_000, seed=0, statistics="poisson", method="monte-carlo",
                    n_max=None, energy_bins=16, progress=False) -> xr.Dataset:
    """Populations and spectra of a sample after a short pump pulse.

    Parameters
    ----------
    sample : models.Sample or str
        The sample, or a preset name ("type-ii", "type-i").
    mean_excitons : array_like of float, optional
        <N>, the ensemble mean number of excitons per NC right after the pulse
        (>= 0; <= 1 with ``statistics="single"``). Give either this or
        ``fluence``.
    times : array_like of float
        Record times after the pulse (ps), >= 0 and strictly increasing
        (required).
    fluence : array_like of float, optional
        Pump fluence (mJ cm^-2, finite, >= 0) instead of ``mean_excitons``;
        converted by :func:`mean_excitons_from_fluence`,
        <N> = sigma_pump F / (h nu_pump) with the sample's number-weighted
        mean ``sigma_pump`` and its ``pump_energy``. The dataset's dimension is
        still ``mean_excitons``; its ``pump_fluence`` coordinate then holds the
        given fluences exactly.
    energies : array_like of float, optional
        Photon energies (eV) of the spectra, strictly increasing, inside the
        band where the unexcited absorption is resolvable. Default: 241 points
        covering every band-edge line +-3 Gamma; in the far tails of that grid
        alpha_0 is tiny and the bleach -dalpha/alpha_0 is large and ill-conditioned,
        so pass your own window (e.g. E_X - 2.5 Gamma ... E_X + Delta_XX + Gamma)
        when you plot the bleach.
    n_nanocrystals : int, default 200_000
        Ensemble size of the Monte Carlo (also recorded, unused, by the master
        equation).
    seed : int, default 0
        Seed of the counter-based random streams (0 <= seed < 2**63). The same
        seed gives bit-identical output for any number of threads.
    statistics : {"poisson", "single"}, default "poisson"
        Pump statistics: Poisson (physical) or the paper's single-excitation
        idealization (p1 = <N>, no multiexcitons).
    method : {"monte-carlo", "master-equation"}, default "monte-carlo"
        Numba Monte Carlo, or the exact master equation with the same schema.
    n_max : int, optional
        Highest exciton number represented; default: the smallest for which the
        Poisson tail is negligible (< 1e-10 and < 1e-4 / n_nanocrystals).
    energy_bins : int, default 16
        Monte Carlo resolution of the inhomogeneous energy E_i: each NC's E_i is
        drawn and counted in one of this many equal-probability bins. Spectra
        are unbiased for any value; 1 gives the lowest-variance estimate.
    progress : bool, default False
        Show a progress bar (tqdm, on stderr): over the Monte Carlo ensemble,
        or over the record times of the master equation.

    Returns
    -------
    xarray.Dataset
        ``population (mean_excitons, time, excitons)``, ``absorption``,
        ``gain``, ``bleach``, ``pl`` ``(mean_excitons, time, energy)``,
        ``gain_by_excitons (mean_excitons, time, excitons, energy)`` (the net
        gain split by the number of excitons n the NCs hold; it sums over n to
        ``gain``), the Monte Carlo standard errors ``population_se``,
        ``absorption_se``, ``gain_se``, ``bleach_se``, ``pl_se`` (identically
        zero for the master equation, so both methods share one schema),
        ``mean_excitons_t (mean_excitons, time)``, ``alpha0 (energy)`` and the
        coordinate ``pump_fluence (mean_excitons)``; units and long names on
        every variable; the sample (JSON), method, seed and more in the
        attributes (CF ``Conventions``).

    Raises
    ------
    ValueError
        For any invalid input, before any work starts.

    Examples
    --------
    >>> from ncgain import kinetics, models
    >>> ds = kinetics.simulate_pulsed(models.presets.TYPE_II_CDS_ZNSE, [0.5, 1.0],
    ...                               [0.0, 100.0], method="master-equation")
    >>> float(ds.population.sum("excitons").min().round(6))
    1.0
    """
    progress = check_progress(progress)
    sample = resolve_sample(sample)
    statistics = _check_choice("statistics", statistics, excitation.STATISTICS)
    if not isinstance(sample, Sample):
        raise ValueError(f"sample must be a models.Sample or a preset name, got {sample!r}")
    if times is None:
        raise ValueError("times is required: record times after the pulse (ps), >= 0 and "
                         "strictly increasing")
    if (mean_excitons is None) == (fluence is None):
        raise ValueError("give exactly one of mean_excitons (excitons per NC) and fluence "
                         f"(mJ cm^-2); got mean_excitons = {mean_excitons!r}, "
                         f"fluence = {fluence!r}")
    # A preliminary table (n_max = g) knows the pump scales needed to check <N>.
    table = build_state_table(sample, sample.degeneracy)
    if fluence is not None:
        fluence = validate_fluence(fluence)
        converted = mean_excitons_from_fluence(fluence, sample)
        try:
            mean = validate_mean_excitons(converted, table, statistics)
        except ValueError as exc:
            raise ValueError(f"fluence up to {float(fluence.max())!r} mJ cm^-2 gives <N> up to "
                             f"{float(converted.max()):.6g} excitons per NC: {exc}") from None
    else:
        mean = validate_mean_excitons(mean_excitons, table, statistics)
    problem = PulsedProblem.build(sample, times, energies=energies,
                                  max_mean_excitons=float(mean.max()),
                                  n_nanocrystals=n_nanocrystals, seed=seed,
                                  statistics=statistics, n_max=n_max,
                                  energy_bins=energy_bins, method=method,
                                  n_levels=mean.size)
    if method == "monte-carlo":
        counts, n_events = problem.monte_carlo_counts(mean, progress=progress)
        occupation = counts / float(problem.n_nanocrystals)
    else:
        occupation, n_events = problem.exact_occupation(mean, progress=progress), None
    from .output import pulsed_dataset
    return pulsed_dataset(problem, mean, occupation, method=method, n_events=n_events,
                          fluence=fluence, progress=progress)
