"""A laser cavity: the ensemble coupled to a photon field, :func:`simulate_cavity`.

Two methods with one schema:

* ``"monte-carlo"``: every NC carries its own continuous emission energy E_i
  and exciton number; the field (photons per NC in each spectral channel) is
  fixed within a step dt, each NC's events within the step are exact
  (:mod:`._kernels`), and the field is updated from the step's counted
  stimulated and spontaneous photons (exact books: every stimulated emission
  adds one photon, every stimulated absorption removes one).
* ``"rate-equations"``: the deterministic twin, the master equation over
  (class, n, energy bin of E_i) plus the channel photon numbers, solved with
  scipy's stiff BDF solver.

Field update of the Monte Carlo (documented in docs/theory.md). The field is
that of the real film, which holds ~1e10 NCs per mode: its photon number is
macroscopic and its relative shot noise negligible. A simulated ensemble of
N NCs stands for it, so the field is advanced deterministically from the
sampled populations: over step k it is the backward-Euler value
Q_bar = (Q_old + S dt) / (1 + (Lambda - kappa g) dt), with the net gain g and
spontaneous feed S of the current histogram of (class, n, energy bin) and
Lambda the photon loss rate; the field's books (emitted kappa g_em Q_bar dt,
absorbed, spontaneous S dt, output Q_bar dt / tau_c, lost inside) close
exactly, and the NCs' counted stimulated and spontaneous events (exact
integers, ``books_*``) agree with them within sampling noise (tested). Adding
one photon of the simulated ensemble per simulated event instead inflates the
field's shot noise sqrt(N_real / N) times and makes the turn-on from a few
spontaneous photons stochastic (measured: 2e4 NCs lased ~120 ps late). The
step is limited so that the field's gross stimulated turnover per photon and
its net growth stay below 0.25 and 0.2 per step; the fixed point of the
update is the exact steady state for any dt.
"""

from __future__ import annotations

import xarray as xr

from ..inputs import check_progress
from . import analysis
from ._cavity_problem import CAVITY_METHODS, CavityProblem
from ._common import (BYTES_PER_NC, N_ENERGY_BINS, generation_rate_from_intensity,
                     intensity_from_generation_rate)
from .cavity_dataset import _dataset
from .cavity_monte_carlo import monte_carlo
from .cavity_small_signal import cavity_small_signal
from .cavity_steady import cavity_steady_state
from .cavity_threshold import cavity_gain_threshold
from .cavity_twin import rate_equations
from ..threads import with_blas_thread_policy

__all__ = ["simulate_cavity", "cavity_gain_threshold", "CAVITY_METHODS", "BYTES_PER_NC",
           "generation_rate_from_intensity", "intensity_from_generation_rate",
           "cavity_steady_state", "cavity_small_signal"]


@with_blas_thread_policy
def simulate_cavity(sample, film, cavity, times, *, generation_rate=None, mean_excitons=None,
                    n_nanocrystals=100_000, seed=0, method="monte-carlo", dt=None, field=True,
                    n_max=None, average_from=None, progress=False,
                    energy_bins=N_ENERGY_BINS) -> xr.Dataset:
    """An NC film in a laser cavity: populations, gain, field and output vs time and pump.

    Parameters
    ----------
    sample : models.Sample or str
        The NCs (or a preset name).
    film : models.Film
        The gain medium: alpha_0 (cm^-1), confinement factor, film loss (cm^-1).
    cavity : models.Cavity
        Photon lifetime or Q, channel grid, spontaneous coupling beta, group index.
    times : array_like of float
        Record times (ps), >= 0, strictly increasing.
    generation_rate : array_like of float, optional
        c.w. pump: excitons created per NC per ps (times the class's pump scale),
        in [0, 100]; the pump starts at t = 0 on unexcited NCs.
    mean_excitons : array_like of float, optional
        Pulsed pump: <N> after the pulse (Poisson), in [0, 50]. Give exactly
        one of ``generation_rate`` and ``mean_excitons``.
    n_nanocrystals : int, default 100_000
        Monte Carlo ensemble size (22 bytes of state per NC).
    seed : int, default 0
        Seed of the counter-based streams; same seed, same output for any thread count.
    method : {"monte-carlo", "rate-equations"}, default "monte-carlo"
    dt : float, optional
        Monte Carlo step (ps): default 0.05 / r_fast, at most 0.5 / r_fast, with
        r_fast the fastest of the photon loss rate, the decay rates of states
        n <= g and the pump rate (with the field off: one step per record interval).
        The step shrinks automatically while the field grows fast.
    field : bool, default True
        False switches the photon field off (no stimulated events): the
        populations then follow the pure pump/decay chain.
    n_max : int, optional
        Highest exciton number (default from the pump).
    average_from : float, optional
        Start (ps) of the time average behind ``output`` (default: half the last time).
    progress : bool or None, default False
        Progress bar over simulated time (None: none).
    energy_bins : int, default 160
        Bins of E_i per class over E_c +- 4.5 w_c (the twin's state space and the
        Monte Carlo's histogram), in [8, 2000]. The twin's cost grows with it;
        40 bins move the c.w. gain threshold of the presets by < 1 % (tested).

    Returns
    -------
    xarray.Dataset
        ``population (pump, time, excitons)``, ``net_gain``, ``modal_gain``,
        ``photons`` ``(pump, time, channel)``, ``output (pump)`` (the L-L curve),
        ``output_rate``, ``output_spectrum``, the books ``books_*``; units and
        long names on every variable; parameters as JSON attributes.

    Raises
    ------
    ValueError
        For invalid input (the message names the parameter), before any work; also
        if the memory or work estimate exceeds the available memory or
        :data:`ncgain.kinetics.memory.WORK_LIMITS`.

    Examples
    --------
    >>> from ncgain import kinetics, models
    >>> film = models.Film(absorption_coefficient=2000.0, confinement_factor=0.5)
    >>> cav = models.Cavity(photon_lifetime=2.0, channels=16)
    >>> ds = kinetics.simulate_cavity("type-ii", film, cav, [0.0, 500.0],
    ...                               generation_rate=[1e-3], method="rate-equations")
    >>> float(ds.population.sum("excitons").isel(time=-1).round(6).item())
    1.0
    """
    progress = check_progress(progress)
    problem = CavityProblem.build(sample, film, cavity, times, generation_rate=generation_rate,
                                  mean_excitons=mean_excitons, n_nanocrystals=n_nanocrystals,
                                  seed=seed, method=method, dt=dt, field_on=field, n_max=n_max,
                                  average_from=average_from, energy_bins=energy_bins)
    bar = None
    if progress:
        from tqdm.auto import tqdm
        bar = tqdm(total=float(problem.times[-1]) * problem.pump.size, unit="ps", desc=method)
    records = []
    for k in range(problem.pump.size):
        if method == "monte-carlo":
            records.append(monte_carlo(problem, k, progress=None if bar is None else bar.update))
        else:
            records.append(rate_equations(problem, k))
            if bar is not None:
                bar.update(float(problem.times[-1]))
    if bar is not None:
        bar.close()
    # index coordinates, Conventions and what a paper reports (L-L kink, line, Q, beta)
    ds = analysis.indexed(_dataset(problem, records, method))
    return ds.merge(analysis.lasing_summary(ds), combine_attrs="override")
