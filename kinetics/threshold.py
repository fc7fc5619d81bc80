"""Gain thresholds: the smallest <N> at which the sample amplifies light."""

from __future__ import annotations

import functools
import math

import numpy as np
from scipy import optimize

from ncgain.models import Sample
from ncgain.models._text import short
from ncgain.models.state_table import build_state_table

from . import excitation, observables
from .inputs import METHODS, _check_choice, check_progress, resolve_sample
from .pulsed import PulsedProblem
from .threads import with_blas_thread_policy

__all__ = ["gain_threshold", "ThresholdResult"]

#: Absolute tolerance (excitons per NC) of the returned threshold.
XTOL = 1e-5


def _finite(name, value, lo, hi, unit):
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)) \
            or not math.isfinite(value) or not lo <= value <= hi:
        raise ValueError(f"{name} = {short(value)} is outside the allowed range [{lo:g}, {hi:g}] {unit}")
    return float(value)


class ThresholdResult(float):
    """A threshold that remembers where, when and by which criterion it was found.

    It *is* a float (the threshold value), so ``float(result)``, comparisons and
    arithmetic work as before; the attributes say what the number means.

    Parameters
    ----------
    value : float
        The threshold, in ``units``.
    quantity : str
        What the threshold is a value of, e.g. ``"mean_excitons"`` (pulsed) or
        ``"generation_rate"`` (c.w.).
    units : str
        Units of the threshold value (``"1"`` for excitons per NC, ``"1/ps"``...).
    energy : float or None
        Photon energy (eV) where gain first appears; None if there is no gain.
    time : float or None
        Delay after the pump pulse (ps); None for a steady state.
    criterion : str
        The gain criterion in words, e.g. ``"alpha(E, t) < -0.05 alpha_0(peak)"``.
    stderr : float or None, default None
        Standard error of the threshold (same units): 0 for an exact method, the
        delta-method error for a Monte Carlo estimate, None where there is no threshold.

    Examples
    --------
    >>> r = ThresholdResult(1.5, quantity="mean_excitons", units="1", energy=2.05,
    ...                     time=3.0, criterion="alpha(E, t) < 0")
    >>> float(r), r.energy, r < 2
    (1.5, 2.05, True)
    """

    quantity: str
    units: str
    energy: float | None
    time: float | None
    criterion: str
    stderr: float | None

    def __new__(cls, value, *, quantity: str, units: str, energy, time, criterion: str,
                stderr=None):
        obj = super().__new__(cls, value)
        obj.quantity, obj.units, obj.criterion = quantity, units, criterion
        obj.stderr = None if stderr is None else float(stderr)
        obj.energy = None if energy is None else float(energy)
        obj.time = None if time is None else float(time)
        return obj

    def __getnewargs_ex__(self):  # pickling keeps the attributes (dask, multiprocessing)
        return (float(self),), self.to_dict(with_value=False)

    def to_dict(self, *, with_value: bool = True) -> dict:
        """The result as a plain dict (JSON-compatible; ``inf`` stays a float).

        Parameters
        ----------
        with_value : bool, default True
            Include the threshold itself under ``"value"``.

        Returns
        -------
        dict
        """
        d = {"quantity": self.quantity, "units": self.units, "energy": self.energy,
             "time": self.time, "criterion": self.criterion, "stderr": self.stderr}
        return {"value": float(self), **d} if with_value else d

    def __repr__(self) -> str:
        where = "no gain" if self.energy is None else f"E = {self.energy:.4f} eV"
        when = "" if self.time is None else f", t = {self.time:g} ps"
        unit = "" if self.units == "1" else f" {self.units}"
        return (f"ThresholdResult({self.quantity} = {float(self)!r}{unit}; "
                f"{where}{when}; {self.criterion})")


def _monte_carlo_stderr(problem, found: float, i_energy: int) -> float:
    """Delta-method standard error of a Monte Carlo threshold <N>_th (see gain_threshold)."""
    from .output import standard_errors

    se = standard_errors(problem, np.array([found]), method="monte-carlo")["absorption"]
    h = max(1e-4, 1e-3 * found)
    lo, hi = max(found - h, 1e-9), found + h
    alpha = observables.spectra(problem.exact_occupation(np.array([lo, hi])),
                                problem.kernels)[0][:, 0, i_energy]
    slope = abs(float(alpha[1] - alpha[0]) / (hi - lo))
    return float(se[0, 0, i_energy]) / slope if slope > 0 else math.inf


@with_blas_thread_policy
def gain_threshold(sample, *, time=0.0, energy=None, loss=0.0, statistics="poisson",
                   method="master-equation", n_nanocrystals=200_000, seed=0,
                   max_mean_excitons=None, energy_bins=1, progress=False) -> ThresholdResult:
    """Smallest <N> at which the ensemble absorption turns into gain.

    Gain means alpha(E, t) < -loss * alpha_0(peak) at the probe energy.

    Parameters
    ----------
    sample : models.Sample or str
        Sample or preset name.
    time : float, default 0
        Delay after the pump pulse (ps).
    energy : float or "any", optional
        Probe photon energy (eV). Default: the single-exciton line E_X of the
        sample; within every band-edge line +-3 widths or where alpha_0 is
        resolvable (alpha_0(E) may vanish: the criterion needs only alpha_0(peak)). ``"any"``: gain anywhere in the band,
        on the 241-point default energy grid over every band-edge line +-3 widths
        (``observables.default_energies(table, resolvable=False)``: not cut where
        alpha_0 < 1e-12 of its peak, so the XX line of a repulsive sample with
        Delta_XX > ~5 Gamma is probed).
    loss : float, default 0
        Extra loss to overcome, in units of the unexcited peak absorption
        alpha_0(peak), in [0, 10].
    statistics : {"poisson", "single"}
    method : {"master-equation", "monte-carlo"}
        The Monte Carlo uses common random numbers for every <N> (one seed), so
        its absorption is a monotone-friendly function of <N> for the root finder.
    n_nanocrystals, seed, energy_bins :
        Monte Carlo settings, as in :func:`kinetics.simulate_pulsed`.
    max_mean_excitons : float, optional
        Upper end of the search. Default: 10 for Poisson statistics, the
        largest allowed <N> for single-excitation statistics.
    progress : bool, default False
        Show a progress bar (tqdm, on stderr) over the evaluations of the
        absorption: one on a grid of 200 <N> values, then the root finder's
        refinements (about 15). Useful for the Monte Carlo, where each
        evaluation runs the whole ensemble.

    Returns
    -------
    ThresholdResult
        A float: the threshold <N> (excitons per NC) to within 1e-5, or
        ``math.inf`` if there is no gain up to ``max_mean_excitons``; its
        ``energy`` is the photon energy (eV) where gain appears at threshold;
        its ``stderr`` the standard error: 0 for the master equation; for the
        Monte Carlo the delta method, SE(<N>_th) = SE(alpha_hat(E_th)) / abs(d alpha / d<N>)
        at the threshold, with SE(alpha_hat) the exact multinomial standard error of
        the N-NC estimate of the absorption (:func:`output.standard_errors`, from the
        master-equation occupation) and the slope of the exact absorption (central
        difference); None without a threshold.

    Examples
    --------
    >>> from ncgain import kinetics, models
    >>> s = models.presets.TYPE_II_CDS_ZNSE
    >>> r = kinetics.gain_threshold(s, statistics="single")
    >>> round(r, 3), round(r.energy, 3)
    (0.677, 2.054)
    """
    progress = check_progress(progress)
    sample = resolve_sample(sample)
    if not isinstance(sample, Sample):
        raise ValueError(f"sample must be a models.Sample or a preset name, got {sample!r}")
    statistics = _check_choice("statistics", statistics, excitation.STATISTICS)
    method = _check_choice("method", method, METHODS)
    time = _finite("time", time, 0.0, 1e12, "ps")
    loss = _finite("loss", loss, 0.0, 10.0, "(units of alpha_0 at its peak)")
    scale = build_state_table(sample, sample.degeneracy).pump_scale
    largest = 1.0 / float(scale.max()) if statistics == "single" else 50.0
    if max_mean_excitons is None:
        max_mean_excitons = largest if statistics == "single" else 10.0
    max_mean_excitons = _finite("max_mean_excitons", max_mean_excitons, 1e-6, largest,
                                "excitons per NC")
    if energy is None:
        energy = sample.exciton_energy
    if isinstance(energy, str) and energy != "any":
        raise ValueError(f"energy = {energy!r} must be a photon energy in eV or 'any'")
    problem = PulsedProblem.build(sample, [time],
                                  energies=None if energy == "any" else [energy],
                                  max_mean_excitons=max_mean_excitons,
                                  n_nanocrystals=n_nanocrystals, seed=seed,
                                  statistics=statistics, energy_bins=energy_bins, method=method,
                                  energies_name="energy", need_bleach=False, n_levels=200)

    grid = np.linspace(0.0, max_mean_excitons, 201)[1:]
    bar = None
    if progress:
        from tqdm.auto import tqdm
        # The grid, then at most ~bisection-many root-finder steps plus the final spectrum.
        bisections = math.ceil(math.log2(max(grid[1] - grid[0], XTOL) / XTOL))
        bar = tqdm(total=2 + bisections + 1, unit="evaluation", desc=f"gain threshold ({method})")

    def alpha_of(mean):
        """alpha(E)/alpha_0(peak) at the probe energies, shape (len(mean), n_energies)."""
        if bar is not None:
            bar.update(1)
        mean = np.atleast_1d(np.asarray(mean, float))
        if method == "master-equation":
            occupation = problem.exact_occupation(mean)
        else:
            counts, _ = problem.monte_carlo_counts(mean)
            occupation = counts / float(problem.n_nanocrystals)
        alpha, _ = observables.spectra(occupation, problem.kernels)
        return alpha[:, 0, :]

    def margin(mean):
        """min over E of alpha(E)/alpha_0(peak) + loss, for each <N> in ``mean``."""
        return alpha_of(mean).min(axis=-1) + loss

    bound = f"-{loss:g} alpha_0(peak)" if loss > 0 else "0"
    criterion = (f"alpha(E, t) < {bound} at "
                 + ("any E of the default grid (every band-edge line +-3 widths)"
                    if energy == "any" else f"E = {energy:g} eV"))
    result = functools.partial(ThresholdResult, quantity="mean_excitons", units="1",
                               time=time, criterion=criterion)
    try:
        values = margin(grid)
        below = np.flatnonzero(values < 0)
        if below.size == 0:
            return result(math.inf, energy=None)
        k = int(below[0])
        lo = grid[k - 1] if k > 0 else 0.0
        found = float(optimize.brentq(lambda x: float(margin(x)[0]), lo, grid[k], xtol=XTOL))
        # Where gain appears: the deepest point of the spectrum at the upper end of the bracket.
        i_at = int(np.argmin(alpha_of(min(found + XTOL, grid[k]))[0]))
        at = problem.energies[i_at]
        stderr = _monte_carlo_stderr(problem, found, i_at) if method == "monte-carlo" else 0.0
        return result(found, energy=at, stderr=stderr)
    finally:
        if bar is not None:
            bar.total = bar.n   # the root finder may stop early: end the bar full
            bar.close()
