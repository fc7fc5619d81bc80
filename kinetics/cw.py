"""Continuous-wave (c.w.) excitation: :func:`simulate_cw`, :func:`cw_threshold`.

Under a c.w. pump every NC of size class c is a birth-death chain on the
exciton number n: up n -> n+1 with the generation rate G_c = G * pump_scale_c
(1/ps) in *every* state (an above-gap pump does not saturate with band-edge
filling), down n -> n-1 with the state table's total decay rate k_c(n)
(radiative + Auger). G is the number-weighted ensemble mean generation rate;
the pump intensity I = G h nu_pump / mean(sigma_pump) is then the same for
every class (I = G_c h nu / sigma_c for each c).

Steady state, exact and in closed form (detailed balance of a birth-death
chain): p_c(n) / p_c(n-1) = G_c / k_c(n), i.e.
p_c(n) = p_c(0) prod_{k=1..n} G_c / k_c(k).

Transient: a dark sample (all n = 0) switched on at t = 0, solved exactly by
the master equation (:func:`kinetics.master_equation.propagate`) or by the
event-driven Monte Carlo kernel with the pump as an up rate. The Monte Carlo
steady state is each NC's state after a burn-in long enough to forget the dark
start (:func:`burn_in_time`).
"""

from __future__ import annotations

import dataclasses
import functools
import math
from dataclasses import dataclass

import numpy as np
import xarray as xr
from scipy import linalg, optimize

from ncgain.models import Film, Sample
from ncgain.models.state_table import StateTable, build_state_table

from . import _kernels, excitation, master_equation, memory, observables
from .inputs import (CHUNK_SIZE, check_progress, MAX_NANOCRYSTALS, METHODS,  # noqa: F401 (re-exported)
                     PHOTON_ENERGY_J_PER_EV, _as_1d, _check_choice, _check_int, _check_rates,
                     _mean_sigma, generation_rate_from_intensity, pump_intensity, resolve_sample,
                     validate_times)
from .pulsed import validate_energies
from .threshold import ThresholdResult
from .threads import with_blas_thread_policy

__all__ = ["simulate_cw", "cw_threshold", "pump_intensity", "generation_rate_from_intensity",
           "steady_state", "burn_in_time", "max_generation_rate", "NoGainError",
           "THRESHOLD_RTOL", "BURN_IN_BIAS"]

#: Largest n_max a state table may have (:func:`models.build_state_table`).
LARGEST_N_MAX = 200
#: Relative tolerance of :func:`cw_threshold` (Brent's method on a bracket).
THRESHOLD_RTOL = 1e-6
#: Expected number of Monte Carlo NCs (per run) whose steady-state sample still
#: depends on the dark start: the burn-in makes the total-variation distance to
#: the steady state at most BURN_IN_BIAS / n_nanocrystals.
BURN_IN_BIAS = 1e-2
#: Default upper end of the threshold search: steady-state <n> of the ensemble.
MAX_MEAN_EXCITONS = 10.0
#: Log-spaced scan points of the threshold search (before Brent's method).
SCAN_POINTS = 241


class NoGainError(ValueError):
    """No net gain above the loss at any generation rate in the searched range."""


# ----------------------------------------------------------------------------- pump <-> G

# ----------------------------------------------------------------------------- steady state

def _class_rates(table: StateTable, generation_rate: np.ndarray) -> np.ndarray:
    """G_c = G * pump_scale_c, shape (M, K)."""
    return np.asarray(generation_rate, float)[:, None] * table.pump_scale[None, :]


def _log_weights(decay: np.ndarray, class_rate: np.ndarray) -> np.ndarray:
    """Unnormalized log p[m, c, n] = n log G_c - sum_{k<=n} log k_c(k); -inf where G_c = 0."""
    if (decay[:, 1:] <= 0).any():
        raise ValueError("the state table has a zero decay rate for some n >= 1: the c.w. "
                         "chain has no steady state")
    n = np.arange(decay.shape[1])
    cum = np.concatenate([np.zeros((decay.shape[0], 1)), np.cumsum(np.log(decay[:, 1:]), axis=1)],
                         axis=1)                                     # (K, S)
    with np.errstate(divide="ignore"):
        log_g = np.log(class_rate)                                   # (M, K), -inf at G = 0
    out = np.where(n[None, None, :] == 0, 0.0,
                   np.where(np.isfinite(log_g)[..., None],
                            n[None, None, :] * np.where(np.isfinite(log_g), log_g, 0.0)[..., None]
                            - cum[None], -np.inf))
    return out


def _steady_state_with_tail(decay: np.ndarray, class_rate: np.ndarray):
    """Normalized p[m, c, n] on the table's states and a bound on P(n > n_max) (m, c).

    Beyond the table the ratio G_c / k_c(n) is bounded by its value at n_max
    (k_c(n) is non-decreasing for n >= g in every scaling law), so the mass
    beyond n_max is at most p(n_max) r / (1 - r); inf if r >= 1 (no steady state).
    """
    logw = _log_weights(decay, class_rate)
    top = logw.max(axis=-1, keepdims=True)
    w = np.exp(logw - top)
    z = w.sum(axis=-1, keepdims=True)
    p = w / z
    r = class_rate / decay[None, :, -1]
    with np.errstate(divide="ignore", invalid="ignore"):
        beyond = np.where(r < 1.0, p[..., -1] * r / (1.0 - r), np.inf)
    beyond = np.where(class_rate == 0.0, 0.0, beyond)
    return p, beyond


def steady_state(table: StateTable, generation_rate) -> np.ndarray:
    """Exact steady-state probabilities p[m, c, n] of the c.w. chain on ``table``.

    p_c(n) = p_c(0) prod_{k=1..n} G_c / k_c(k) with G_c = G_m * pump_scale_c,
    normalized on 0 ... n_max (callers choose n_max so that the mass beyond is
    negligible; see :func:`simulate_cw`).

    Parameters
    ----------
    table : models.StateTable
        Its ``decay_rate`` k_c(n) (1/ps) and ``pump_scale``.
    generation_rate : array_like, shape (M,)
        Ensemble generation rates G (1/ps), >= 0.

    Returns
    -------
    ndarray, shape (M, K, n_max + 1)
    """
    g = np.atleast_1d(np.asarray(generation_rate, float))
    p, _ = _steady_state_with_tail(table.decay_rate, _class_rates(table, g))
    return p


def _tails(p: np.ndarray, beyond: np.ndarray) -> np.ndarray:
    """P(n > j) for j = 0 ... n_max, shape like p (reverse cumulative sums, accurate)."""
    rev = np.cumsum(p[..., ::-1], axis=-1)[..., ::-1]
    return np.concatenate([rev[..., 1:], np.zeros(p.shape[:-1] + (1,))], axis=-1) \
        + beyond[..., None]


def _required_n_max(sample: Sample, class_rate: np.ndarray, tol: float,
                    big: StateTable | None = None) -> int | None:
    """Smallest n_max >= g with steady-state P(n > n_max) <= tol in every (m, c); None if > 200.

    ``big`` is the sample's table with n_max = 200 (built here if not given).
    """
    if big is None:
        big = build_state_table(sample, LARGEST_N_MAX)
    p, beyond = _steady_state_with_tail(big.decay_rate, class_rate)
    tails = _tails(p, beyond).reshape(-1, LARGEST_N_MAX + 1).max(axis=0)
    ok = np.flatnonzero(tails <= tol)
    if ok.size == 0:
        return None
    return max(int(ok[0]), sample.degeneracy)


@functools.lru_cache(maxsize=256)
def _max_rate_cached(sample_json: str, tol: float) -> float:
    sample = Sample.from_json(sample_json)
    big = build_state_table(sample, LARGEST_N_MAX)

    def fits(g):
        return _required_n_max(sample, np.array([[g]]) * big.pump_scale[None, :], tol,
                               big) is not None

    lo, hi = 0.0, 1.0
    while fits(hi):
        lo, hi = hi, hi * 10.0
        if hi > 1e12:
            return math.inf
    for _ in range(60):  # bisection to ~1e-12 relative
        mid = 0.5 * (lo + hi)
        if fits(mid):
            lo = mid
        else:
            hi = mid
        if hi - lo <= 1e-12 * hi:
            break
    return lo


def max_generation_rate(sample, n_nanocrystals: int = 1) -> float:
    """Largest G (1/ps) whose steady state fits n_max <= 200 within the tail tolerance.

    Above it the exciton number of the steady state is not representable (or,
    with Auger recombination switched off, there is no steady state at all once
    G_c reaches the largest decay rate): :func:`simulate_cw` raises there.

    Parameters
    ----------
    sample : models.Sample or str
    n_nanocrystals : int, default 1
        Monte Carlo ensemble size (a larger ensemble needs a smaller tail).

    Returns
    -------
    float
    """
    sample = resolve_sample(sample)
    return _max_rate_cached(sample.to_json(), excitation.allowed_tail(n_nanocrystals))


# ----------------------------------------------------------------------------- burn-in

def _spectral_gap(up: float, decay: np.ndarray) -> float:
    """Smallest non-zero relaxation rate (1/ps) of the chain reflected at n_max."""
    s = decay.size
    u = np.full(s, up)
    u[-1] = 0.0
    diag = u + decay
    diag[0] = up
    off = -np.sqrt(u[:-1] * decay[1:])
    vals = linalg.eigvalsh_tridiagonal(diag, off, select="i", select_range=(0, 1))
    return float(vals[1])


def burn_in_time(table: StateTable, generation_rate: float, n_nanocrystals: int) -> float:
    """Time (ps) after which a dark-started ensemble samples the c.w. steady state.

    For a reversible chain started in state 0 the total-variation distance to the
    steady state pi obeys d(t) <= 1/2 sqrt((1 - pi_0) / pi_0) exp(-lambda t)
    (spectral bound), lambda the chain's spectral gap (its slowest relaxation
    rate, from the symmetrized tridiagonal generator). The burn-in is the time
    at which this bound reaches BURN_IN_BIAS / n_nanocrystals, maximized over
    size classes: in expectation fewer than BURN_IN_BIAS NCs per run still
    remember the dark start. Typically 20-30 relaxation times (at G -> 0 the
    slowest is tau_X: 1/lambda -> 1/(k(1) + G)).

    Parameters
    ----------
    table : models.StateTable
    generation_rate : float
        Ensemble G (1/ps), >= 0.
    n_nanocrystals : int

    Returns
    -------
    float
        Burn-in time in ps (0 for G = 0: the dark state is the steady state).
    """
    g_c = float(generation_rate) * table.pump_scale
    p, _ = _steady_state_with_tail(table.decay_rate, g_c[None, :])
    eps = BURN_IN_BIAS / float(n_nanocrystals)
    out = 0.0
    for c in range(table.n_classes):
        if g_c[c] == 0.0:
            continue
        pi0 = float(p[0, c, 0])
        odds = (1.0 - pi0) / pi0 if pi0 > 0 else math.inf
        if not odds > 0:
            continue
        lam = _spectral_gap(g_c[c], table.decay_rate[c])
        t = (math.log(0.5 * math.sqrt(odds)) + math.log(1.0 / eps)) / lam
        out = max(out, t)
    return out


# ----------------------------------------------------------------------------- the problem

def validate_generation_rates(values) -> np.ndarray:
    """Check G values: a non-empty 1-D sequence of finite numbers >= 0 (1/ps)."""
    return _check_rates("generation_rate", values, "1/ps (excitons per NC per ps)")


@dataclass(frozen=True, eq=False)
class CwProblem:
    """A validated c.w. problem: the state table, probe energies and Monte Carlo settings.

    Built by :meth:`build` (which validates everything and chooses n_max); used by
    :func:`simulate_cw`, :func:`cw_threshold`, the benchmark and the studies.

    Attributes
    ----------
    sample : models.Sample
    table : models.StateTable
        The pulsed table (zero up rates); :meth:`table_at` adds the pump.
    generation_rate : ndarray, shape (M,)
        Ensemble generation rates G (1/ps).
    times : ndarray or None
        Record times (ps) of the transient; None for the steady state.
    energies : ndarray
        Probe photon energies (eV).
    n_nanocrystals, seed, energy_bins : int
        Monte Carlo settings.
    kernels : observables.LineKernels
        Spectral contributions of each (class, state, bin).
    method : {"master-equation", "monte-carlo"}
    """

    sample: Sample
    table: StateTable
    generation_rate: np.ndarray
    times: np.ndarray | None
    energies: np.ndarray
    n_nanocrystals: int
    seed: int
    energy_bins: int
    kernels: observables.LineKernels
    method: str

    @classmethod
    def build(cls, sample, generation_rate, times=None, *, energies=None, method="master-equation",
              n_nanocrystals=200_000, seed=0, n_max=None, energy_bins=16,
              energies_name="energies", need_bleach=True) -> "CwProblem":
        sample = resolve_sample(sample)
        if not isinstance(sample, Sample):
            raise ValueError(f"sample must be a models.Sample or a preset name, got {sample!r}")
        method = _check_choice("method", method, METHODS)
        n_nanocrystals = _check_int("n_nanocrystals", n_nanocrystals, 1, MAX_NANOCRYSTALS)
        seed = _check_int("seed", seed, 0, 2 ** 63 - 1)
        energy_bins = _check_int("energy_bins", energy_bins, 1, 256)
        g = validate_generation_rates(generation_rate)
        if times is not None:
            times = validate_times(times)
        if n_max is not None:
            n_max = _check_int("n_max", n_max, sample.degeneracy, LARGEST_N_MAX)
        mc = method == "monte-carlo"
        n_for_tail = n_nanocrystals if mc else 1
        tol = excitation.allowed_tail(n_for_tail)
        scale = build_state_table(sample, sample.degeneracy).pump_scale
        rates = g[:, None] * scale[None, :]
        need = _required_n_max(sample, rates, tol)
        if need is None:
            g_max = max_generation_rate(sample, n_for_tail)
            raise ValueError(
                f"generation_rate = {float(g.max())!r} 1/ps is outside the allowed range "
                f"[0, {g_max:.6g}] 1/ps for this sample: its steady state needs more than "
                f"n_max = {LARGEST_N_MAX} excitons per NC (or, without Auger decay, has none)")
        # Along a trajectory a chain can cross n_max between record times, and the
        # truncated master equation leaks probability there: require
        # G_c * T * P_ss(n >= n_max) <= tol over the run's horizon T (a dark-started
        # chain is stochastically below its steady state at every t). For the Monte
        # Carlo, tol <= 1e-4 / n_nanocrystals bounds the expected overflow count.
        horizon = float(times[-1]) if times is not None else 0.0
        if mc and times is None:
            table0 = build_state_table(sample, need)
            horizon = max(burn_in_time(table0, float(x), n_nanocrystals) for x in g)
        if horizon > 0:
            need = cls._overflow_n_max(sample, rates, tol, horizon, need)
        if n_max is None:
            n_max = need
        elif n_max < need:
            raise ValueError(f"n_max = {n_max} is too small for generation_rate up to "
                             f"{float(g.max()):g} 1/ps: use n_max >= {need} or n_max=None")
        table = build_state_table(sample, n_max)
        # need_bleach=False (cw_threshold): probe energies need no resolvable alpha_0(E)
        energies = (observables.default_energies(table, resolvable=need_bleach)
                    if energies is None else
                    validate_energies(energies, table, name=energies_name,
                                      resolvable=need_bleach))
        # Peak memory before any work (issue 12): the pulsed estimate with the
        # generation rates as the excitation levels.
        from .pulsed import estimate_memory
        n_t = 1 if times is None else times.size
        memory.check_fits(
            estimate_memory(g.size, n_t, energies.size, table.n_classes, table.n_max + 1,
                            energy_bins if mc else 1, method),
            {"generation_rate": g.size, "times": n_t, energies_name: energies.size,
             "energy_bins": energy_bins if mc else 1}, what="simulate_cw")
        if mc:
            # NC-events: a pumped NC makes ~2 G_c T events (pump and decay) over the
            # horizon T (last time or burn-in), plus its start.
            events = float(n_nanocrystals) * float(np.sum(1.0 + 2.0 * g * float(scale.max())
                                                          * horizon))
            memory.check_work(events, "NC-events", {"n_nanocrystals": n_nanocrystals,
                                                    "generation_rate": g.size},
                              what="simulate_cw")
        kernels = observables.line_kernels(table, energies, energy_bins if mc else 1)
        return cls(sample, table, g, times, energies, n_nanocrystals, seed, energy_bins,
                   kernels, method)

    @staticmethod
    def _overflow_n_max(sample, rates, tol, horizon, start) -> int:
        big = build_state_table(sample, LARGEST_N_MAX)
        p, beyond = _steady_state_with_tail(big.decay_rate, rates)
        at_least = _tails(p, beyond) + p                          # P(n >= j)
        expected = horizon * (rates[..., None] * at_least)        # (M, K, S)
        worst = expected.reshape(-1, LARGEST_N_MAX + 1).max(axis=0)
        ok = np.flatnonzero((worst <= tol) & (np.arange(LARGEST_N_MAX + 1) >= start))
        if ok.size == 0:
            raise ValueError(
                f"generation_rate = {float(rates.max()):g} 1/ps is too high for a run over "
                f"{horizon:g} ps: NCs would cross n_max = {LARGEST_N_MAX} (probability above "
                f"{tol:.3g}); use shorter times or a lower rate")
        return int(ok[0])

    def table_at(self, g: float) -> StateTable:
        """The state table with the pump g (ensemble, 1/ps) as the up rate in every state."""
        up = np.broadcast_to(g * self.table.pump_scale[:, None], self.table.decay_rate.shape)
        return dataclasses.replace(self.table, up_rate=np.ascontiguousarray(up, dtype=float))

    def dark(self) -> np.ndarray:
        """Initial probabilities p[1, c, n] of the dark sample (all NCs in n = 0)."""
        p = np.zeros((1, self.table.n_classes, self.table.n_max + 1))
        p[..., 0] = 1.0
        return p

    # -- exact ------------------------------------------------------------------------

    def exact_occupation(self) -> np.ndarray:
        """Occupation P[m, t, c, n, 1]: steady state (t of length 1) or transient."""
        w = self.table.class_weight[None, None, :, None]
        if self.times is None:
            p = steady_state(self.table, self.generation_rate)[:, None]
        else:
            p = np.concatenate([
                master_equation.propagate(self.dark(), t.up_rate, t.decay_rate, self.times)
                for t in map(self.table_at, self.generation_rate)], axis=0)
        return (p * w)[..., None]

    # -- Monte Carlo --------------------------------------------------------------------

    def burn_in(self) -> np.ndarray:
        """Monte Carlo burn-in (ps) of each generation rate (:func:`burn_in_time`)."""
        return np.array([burn_in_time(self.table, float(g), self.n_nanocrystals)
                         for g in self.generation_rate])

    def monte_carlo_counts(self, progress: bool = False):
        """counts[m, t, c, n, b] (int64), the number of events and the record times used."""
        table = self.table
        class_cdf = np.cumsum(table.class_weight)
        init_cdf = np.cumsum(self.dark(), axis=-1)
        burn = self.burn_in() if self.times is None else None
        n_t = 1 if self.times is None else self.times.size
        shape = (self.generation_rate.size, n_t, table.n_classes, table.n_max + 1,
                 self.energy_bins)
        # Per-thread count arrays bounded in memory (identical counts for any number).
        from .pulsed import count_parts
        n_parts = count_parts((1,) + shape[1:])
        total = np.zeros(shape, dtype=np.int64)
        counts = np.zeros((n_parts, 1) + shape[1:], dtype=np.int64)
        n_events = np.zeros(n_parts, dtype=np.int64)
        n_overflow = np.zeros(n_parts, dtype=np.int64)
        events = 0
        key = np.uint64(_kernels.seed_key(self.seed))
        bar = None
        if progress:
            from tqdm.auto import tqdm
            bar = tqdm(total=self.n_nanocrystals * self.generation_rate.size, unit="NC",
                       desc="monte-carlo c.w.")
        for m, g in enumerate(self.generation_rate):
            tab = self.table_at(float(g))
            times = self.times if burn is None else np.array([burn[m]])
            # Same seed for every G: common random numbers, smooth curves versus G.
            for first in range(0, self.n_nanocrystals, CHUNK_SIZE):
                n = min(CHUNK_SIZE, self.n_nanocrystals - first)
                counts[...] = 0
                _kernels._birth_death_counts(key, first, n, class_cdf, init_cdf, tab.up_rate,
                                             tab.decay_rate, times, self.energy_bins, counts,
                                             n_events, n_overflow)
                if n_overflow.sum():
                    raise RuntimeError(
                        f"{int(n_overflow.sum())} Monte Carlo NCs exceeded n_max = "
                        f"{table.n_max} at generation_rate = {g:g} 1/ps; rerun with a larger "
                        "n_max")
                total[m] += counts.sum(axis=(0, 1))
                events += int(n_events.sum())
                if bar is not None:
                    bar.update(n)
        if bar is not None:
            bar.close()
        return total, events, burn


# ----------------------------------------------------------------------------- public API

@with_blas_thread_policy
def simulate_cw(sample, generation_rate, times=None, *, energies=None, method="master-equation",
                n_nanocrystals=200_000, seed=0, n_max=None, energy_bins=16,
                progress=False) -> xr.Dataset:
    """Populations and spectra of a sample under continuous-wave pumping.

    The pump creates excitons at G_c = G * sigma_c / mean(sigma) per NC per ps in
    every state (above-gap pumping does not saturate with band-edge filling);
    excitons decay with the state table's radiative plus Auger rates.

    Parameters
    ----------
    sample : models.Sample or str
        The sample, or a preset name ("type-ii", "type-i").
    generation_rate : array_like of float
        G, excitons created per NC per ps (ensemble mean over size classes),
        finite and >= 0. G = 0 is the dark sample. :func:`generation_rate_from_intensity`
        converts from W cm^-2.
    times : array_like of float, optional
        None (default): the steady state, with no time dimension. Otherwise record
        times (ps, >= 0, strictly increasing) of the transient of a dark sample
        switched on at t = 0.
    energies : array_like of float, optional
        Photon energies (eV) of the spectra (as in :func:`kinetics.simulate_pulsed`).
    method : {"master-equation", "monte-carlo"}, default "master-equation"
        Exact closed form (steady state) or master equation (transient); or the
        Numba Monte Carlo with the pump as an up rate. The Monte Carlo steady state
        is each NC's state after a burn-in (:func:`burn_in_time`, stored in the
        ``burn_in_time`` variable).
    n_nanocrystals : int, default 200_000
        Monte Carlo ensemble size (recorded, unused, by the exact method).
    seed : int, default 0
        Seed of the counter-based random streams; the same seed gives
        bit-identical output for any number of threads. Every G reuses the same
        streams (common random numbers).
    n_max : int, optional
        Highest exciton number represented. Default: the smallest for which the
        steady-state probability beyond n_max is below 1e-10 and the probability
        of crossing it during the run (G_c T P(n >= n_max), T the last record time
        or the Monte Carlo burn-in) is below 1e-10 (and below 1e-4 / n_nanocrystals
        for the Monte Carlo, which raises rather than clips if a NC crosses it).
        A dark-started chain stays stochastically below its steady state, so the
        same n_max serves the transient.
    energy_bins : int, default 16
        Monte Carlo resolution of the inhomogeneous energy (see simulate_pulsed).
    progress : bool, default False
        Progress bar over the Monte Carlo.

    Returns
    -------
    xarray.Dataset
        ``population (generation_rate, [time,] excitons)``, ``absorption``,
        ``bleach``, ``pl`` ``(generation_rate, [time,] energy)``,
        ``mean_excitons (generation_rate[, time])``, ``alpha0 (energy)``,
        ``class_generation_rate (generation_rate, size_class)``; coordinate
        ``pump_intensity (generation_rate)`` in W cm^-2; units and long names on
        every variable, the sample and settings in the attributes.

    Raises
    ------
    ValueError
        For invalid input, before any work: negative, NaN or infinite rates, an
        empty grid, unsorted times, or a rate so high that the steady state needs
        more than 200 excitons per NC (the message gives the allowed range).

    Examples
    --------
    >>> from ncgain import kinetics, models
    >>> s = models.presets.TYPE_II_CDS_ZNSE
    >>> ds = kinetics.simulate_cw(s, [0.0, 1e-3], energies=[s.exciton_energy])
    >>> [round(float(x), 4) for x in ds.population.sel(excitons=1)]
    [0.0, 0.5805]
    """
    progress = check_progress(progress)
    problem = CwProblem.build(sample, generation_rate, times, energies=energies, method=method,
                              n_nanocrystals=n_nanocrystals, seed=seed, n_max=n_max,
                              energy_bins=energy_bins)
    burn = None
    if problem.method == "monte-carlo":
        counts, n_events, burn = problem.monte_carlo_counts(progress=progress)
        occupation = counts / float(problem.n_nanocrystals)
    else:
        occupation, n_events = problem.exact_occupation(), None
    from .output import cw_dataset
    return cw_dataset(problem, occupation, n_events=n_events, burn_in=burn)


# ----------------------------------------------------------------------------- threshold

def _finite(name, value, lo, hi, unit):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)) \
            or not math.isfinite(value) or not lo <= value <= hi:
        raise ValueError(f"{name} = {value!r} is outside the allowed range [{lo:g}, {hi:g}] {unit}")
    return float(value)


@functools.lru_cache(maxsize=256)
def _mean_excitons_rate_cached(sample_json: str, target: float, g_cap: float) -> float:
    return _mean_excitons_rate(Sample.from_json(sample_json), target, g_cap)


def _mean_excitons_rate(sample: Sample, target: float, g_cap: float) -> float:
    """The G at which the steady-state ensemble <n> reaches ``target`` (capped at g_cap)."""
    table = build_state_table(sample, LARGEST_N_MAX)

    def mean(g):
        p = steady_state(table, [g])[0]
        return float(np.einsum("c,cn,n->", table.class_weight, p, np.arange(p.shape[-1])))

    if mean(g_cap) <= target:
        return g_cap
    return float(optimize.brentq(lambda g: mean(g) - target, 0.0, g_cap, rtol=1e-10))


@with_blas_thread_policy
def cw_threshold(sample, *, energy=None, loss=0.0, film=None,
                 max_generation_rate=None) -> ThresholdResult:
    """Smallest c.w. generation rate G at which the steady state amplifies light.

    Gain means steady-state alpha(E) < -loss * alpha_0(peak) at the probe
    energy (the same convention as :func:`kinetics.gain_threshold`). The search
    scans 241 log-spaced G from 1e-6 k(1) to ``max_generation_rate`` and refines
    the first sign change with Brent's method to a relative tolerance of 1e-6
    (:data:`THRESHOLD_RTOL`). The steady state is the exact closed form, so the
    result is deterministic. The net gain versus G need not be monotone (at E_X
    of a type-II sample biexcitons take over at high pump), so the *smallest*
    crossing on the scan is returned; a gain window narrower than the scan
    spacing (a factor 1.1 in G at the default range) could be missed.

    Parameters
    ----------
    sample : models.Sample or str
        Sample or preset name.
    energy : float or "any", optional
        Probe photon energy (eV), allowed as in :func:`kinetics.gain_threshold`.
        Default: E_X of the sample. ``"any"``: gain anywhere on the default 241-point
        energy grid over every band-edge line +-3 widths (not cut where alpha_0 <
        1e-12 of its peak; as :func:`kinetics.gain_threshold`).
    loss : float, default 0
        Loss to overcome in units of alpha_0(peak), in [0, 10].
    film : models.Film, optional
        A gain medium and resonator: its :meth:`~models.Film.loss_fraction` is
        used as ``loss`` (then ``loss`` must stay 0).
    max_generation_rate : float, optional
        Upper end of the search (1/ps). Default: the G at which the steady-state
        ensemble <n> reaches 10, or :func:`max_generation_rate` if that is lower.

    Returns
    -------
    ThresholdResult
        A float: the threshold G (1/ps), with ``quantity="generation_rate"``,
        ``units="1/ps"``, ``time=None`` (steady state), ``energy`` where gain
        appears at threshold (eV) and the ``criterion``. Convert with
        :func:`pump_intensity`.

    Raises
    ------
    ValueError
        For invalid input (energy where alpha_0 is unresolvable, negative loss, ...).
    NoGainError
        (a ValueError) if there is no net gain above the loss at any G in the range.

    Examples
    --------
    >>> from ncgain import kinetics, models
    >>> s = models.presets.TYPE_II_CDS_ZNSE
    >>> th = kinetics.cw_threshold(s)
    >>> round(th * s.tau_x, 3), th.units, th.time
    (2.062, '1/ps', None)
    """
    sample = resolve_sample(sample)
    if not isinstance(sample, Sample):
        raise ValueError(f"sample must be a models.Sample or a preset name, got {sample!r}")
    loss = _finite("loss", loss, 0.0, 10.0, "(units of alpha_0 at its peak)")
    if film is not None:
        if not isinstance(film, Film):
            raise ValueError(f"film must be a models.Film, got {film!r:.80}")
        if loss != 0.0:
            raise ValueError(f"give either loss = {loss!r} or film, not both")
        loss = film.loss_fraction()
    if isinstance(energy, str) and energy != "any":
        raise ValueError(f"energy = {energy!r} must be a photon energy in eV or 'any'")
    if energy is None:
        energy = sample.exciton_energy
    g_cap = _max_generation_rate(sample)
    if max_generation_rate is None:
        g_hi = _mean_excitons_rate_cached(sample.to_json(), MAX_MEAN_EXCITONS, g_cap)
    else:
        g_hi = _finite("max_generation_rate", max_generation_rate, 0.0, g_cap, "1/ps")
        if g_hi == 0.0:
            raise ValueError("max_generation_rate = 0.0 is outside the allowed range "
                             f"(0, {g_cap:.6g}] 1/ps")
    problem = CwProblem.build(sample, [g_hi], energies=None if energy == "any" else [energy],
                              energies_name="energy", need_bleach=False)
    table, kernels = problem.table, problem.kernels
    k1 = float(np.min(table.decay_rate[:, 1] / table.pump_scale))
    g_lo = min(1e-6 * k1, g_hi * 1e-3)

    # One energy bin: alpha(E)/alpha_0(peak) = sum_{c,n} w_c p_c(n) F[c, n, E] / peak.
    f_abs = kernels.absorption[:, :, 0, :] * (table.class_weight[:, None, None]
                                             / kernels.alpha0_peak)

    def alpha_of(g):
        g = np.atleast_1d(np.asarray(g, float))
        return np.einsum("mcn,cne->me", steady_state(table, g), f_abs)

    def margin(g):
        return alpha_of(g).min(axis=-1) + loss

    where = "any E of the default grid" if energy == "any" else f"E = {energy:g} eV"
    criterion = f"steady-state alpha(E) < -{loss:.6g} alpha_0(peak) at {where}"
    if film is not None:
        criterion += (f" (film {film.name!r}: loss {film.loss:g} cm^-1, confinement "
                      f"{film.confinement_factor:g}, alpha_0 {film.absorption_coefficient:g} "
                      "cm^-1)")
    grid = np.geomspace(g_lo, g_hi, SCAN_POINTS)
    values = margin(grid)
    below = np.flatnonzero(values < 0)
    if below.size == 0:
        best = float(-(values - loss).min())
        raise NoGainError(
            f"{sample.name}: no steady-state net gain above loss = {loss:.4g} alpha_0(peak) at "
            f"{where} for any generation rate in [0, {g_hi:.4g}] 1/ps (pump intensity up to "
            f"{float(pump_intensity(g_hi, sample)[0]):.4g} W cm^-2); the largest net gain "
            f"-alpha/alpha_0(peak) found there is {best:.4g}")
    k = int(below[0])
    lo = grid[k - 1] if k > 0 else 0.0
    hi = grid[k]
    found = float(optimize.brentq(lambda x: float(margin(x)[0]), lo, hi,
                                  xtol=THRESHOLD_RTOL * lo if lo > 0 else 1e-300,
                                  rtol=THRESHOLD_RTOL))
    probe = min(found * (1 + THRESHOLD_RTOL), hi)
    at = problem.energies[int(np.argmin(alpha_of(probe)[0]))]
    return ThresholdResult(found, quantity="generation_rate", units="1/ps", energy=at,
                           time=None, criterion=criterion)


# The public name ``max_generation_rate`` is also a keyword of cw_threshold.
_max_generation_rate = max_generation_rate
