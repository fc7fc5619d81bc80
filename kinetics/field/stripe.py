"""Amplified spontaneous emission along an excitation stripe: :func:`simulate_stripe`.

The stripe (length L, cut into J slices) is pumped uniformly. The guided
light in channel k travels both ways along the stripe with photon density u+-
(photons per NC, as in :mod:`~ncgain.kinetics.field.cavity`); photons cross a 1 mm stripe in ~6 ps,
fast against the populations' times (>= 30 ps), so the light is quasi-static:

    d u+ / dz = (Gamma_c alpha_0 g_k(z) - alpha_loss) u+ + S_k(z) / (2 v_g),

with g_k(z) the net gain of slice z at channel k (units of alpha_0(peak)),
S_k the spontaneous emission of the slice's NCs into channel k (beta of a
single exciton's radiative rate, split equally between the two directions)
and the mirror equation for u-. Within a slice the gain is constant, so each
slice is crossed exactly: u_out = u_in e^{a dz} + s (e^{a dz} - 1) / a. The
NCs of a slice see the photon density u+ + u- (stimulated emission and
absorption at the rates of :mod:`._coupling`), which depletes them: gain
saturation. Edge emission is the photon flux v_g u+(L) per channel.

Two methods with one Dataset schema:

* ``"rate-equations"`` (the default): every slice holds the master equation
  of its NCs over (class, n, energy bin of E_i); populations and the
  time-integrated edge emission are solved together with scipy's stiff BDF.
* ``"monte-carlo"``: every slice holds its own ensemble of ``n_nanocrystals``
  NCs (per slice; J x n_nanocrystals in all), each with its continuous E_i
  and exciton number, drawn as in the cavity (:mod:`._kernels`; NC i of
  slice j has the global index j n_nanocrystals + i, so no two NCs share a
  random stream). Each step dt: the slices' occupation histograms over
  (class, n, energy bin) give their net gain and spontaneous source, the
  light along the stripe follows from the same quasi-static formulas as in
  the rate equations (:meth:`_StripeProblem.light`), and each slice's NCs are
  advanced by dt under their local photon density u+ + u-, frozen during the
  step, with exact per-NC events. Unlike the cavity there is no field state to advance: the light is a
  function of the current populations. The step is dt = 0.05 / r_fast by
  default (r_fast the fastest decay rate of states n <= g or the pump rate;
  at most 0.5 / r_fast), shortened while a NC's stimulated rate (emission +
  absorption) in the current light exceeds 0.25 / dt or the log-amplification
  of a channel carrying >= 1e-3 of the events would change by more than 0.1.
  The light of a step is that of the populations predicted at its midpoint
  from the master-equation drift (:meth:`_StripeProblem.drift`, shared with
  the twin); the time-integrated edge emission is the midpoint sum. A slice whose
  gain-length product (Gamma_c alpha_0 g - alpha_loss) dz at the run's largest unlit
  excitation exceeds 4 is cut into ceil(a dz / 4) equal sub-slices for the run (its NCs
  split among them, the same random streams); the records are on the requested slices
  (attribute ``sub_slices``). Its centre light misses its edges' by e^(a dz / 2), and the
  explicit step would have to follow a saturated slice held at transparency by its
  neighbour's light (the stall below).

The slices' discretization (one population and the centre's light per slice) errs in the
edge emission by ~C (a dz)^2, C = 0.012-0.016 measured (x 480 at a dz = 23: 2 slices of a
0.04 cm stripe at 4 mJ cm^-2). The rate equations therefore cut every slice whose a dz at
the run's largest unlit excitation exceeds MAX_TWIN_SLICE_GAIN = 0.7 into ceil(a dz / 0.7)
sub-slices for the solve (edge-emission error <= 1 %; :mod:`._stripe_slices`), records on
the requested slices (attribute ``sub_slices``); the Monte Carlo's sub-slices (a dz <= 4)
are for its step, not for this error.

Limits of the Monte Carlo. The light is computed from the sampled histograms,
so its noise is the populations' sampling noise amplified by the gain (at
1e4 NCs per slice and ~100x amplification: 5-20 % per channel of one run's
edge emission); the NCs' rates use their continuous E_i, the light only the
energy bins. The twin's own binning error can exceed that noise: at the
default 32 bins its stimulated emission was ~5 % above the 96-bin value in
the tested ASE stripe (192 bins: a further 0.5 %); pass ``energy_bins`` to
compare. Far beyond saturation (gain-length products of hundreds at t = 0)
the explicit light needs steps of ~1e-70 ps; a run that advances less than
1e-6 of the last record time in 2000 steps stops with RuntimeError (the rate
equations' stiff solver integrates such cases).
"""

from __future__ import annotations

import json
import math

import xarray as xr

from ncgain.models._checks import check_range

from ..inputs import check_progress
from . import analysis
from ._pump_pool import check_workers, solve_pumps
from ._stripe_problem import (STRIPE_ENERGY_BINS, STRIPE_METHODS, _pump_name, _StripeProblem,
                             mean_excitons_from_fluence)
from ._stripe_slices import (MAX_TWIN_SLICE_GAIN, check_refined_size, refined,
                             requested_record, slice_error_bound, twin_sub_slices,
                             unlit_slice_gain)
from .stripe_dataset import _dataset
from .. import memory
from .stripe_monte_carlo import monte_carlo, sub_slice_bytes, sub_slices
from .stripe_twin import rate_equations
from ..threads import with_blas_thread_policy

__all__ = ["simulate_stripe", "mean_excitons_from_fluence", "STRIPE_ENERGY_BINS", "STRIPE_METHODS"]


@with_blas_thread_policy
def simulate_stripe(sample, film, stripe, times, *, mean_excitons=None, fluence=None,
                    generation_rate=None, method="rate-equations", n_max=None, rtol=1e-5,
                    n_nanocrystals=20_000, seed=0, dt=None, field=True,
                    energy_bins=STRIPE_ENERGY_BINS, max_slice_gain=MAX_TWIN_SLICE_GAIN,
                    progress=False, workers=1) -> xr.Dataset:
    """Edge emission of an excitation stripe: ASE spectra vs time, pump and length.

    Parameters
    ----------
    sample : models.Sample or str
    film : models.Film
        alpha_0 (cm^-1), confinement factor, waveguide loss alpha_loss (cm^-1).
    stripe : models.Stripe
        Length (cm), slices, channels, spontaneous coupling beta, group index.
    times : array_like of float
        Record times (ps), >= 0, strictly increasing; the time-integrated edge
        emission runs from 0 to the last time.
    mean_excitons, fluence, generation_rate : array_like, optional
        Exactly one: pulsed <N> (Poisson), pulsed fluence (mJ cm^-2, converted
        with the sample's sigma_pump) or c.w. generation rate (per NC per ps).
    method : {"rate-equations", "monte-carlo"}, default "rate-equations"
        The deterministic master equation per slice (default: exact up to the
        energy binning, and fast for the studies' many fluences) or the Monte
        Carlo (per-NC continuous E_i and events; its twin is the default).
    n_max : int, optional
        Highest exciton number (default from the pump; for the Monte Carlo
        from the total number of NCs, so that none is drawn beyond it).
    rtol : float, default 1e-5
        Relative tolerance of the ODE solver (rate equations), in [1e-12, 0.1].
    n_nanocrystals : int, default 20_000
        Monte Carlo NCs PER SLICE, in [1, 1e9]: the stripe holds
        ``stripe.slices * n_nanocrystals`` NCs (22 bytes of state each), so the
        noise of a slice's populations does not depend on the number of slices.
    seed : int, default 0
        Seed of the counter-based streams, in [0, 2^63): same seed, same output
        for any number of threads.
    dt : float, optional
        Monte Carlo step (ps): default 0.05 / r_fast, at most 0.5 / r_fast, with
        r_fast the fastest of the decay rates of states n <= g and the pump rate;
        shortened while a NC's stimulated rate exceeds 0.25 / dt. With the field
        off: one step per record interval.
    field : bool, default True
        False decouples the NCs from the guided channels (no spontaneous feeding,
        no stimulated events, no edge emission): the populations then follow the
        pure pump/decay chain of :func:`simulate_pulsed` / :func:`simulate_cw`.
    max_slice_gain : float, default MAX_TWIN_SLICE_GAIN (0.7)
        Rate equations: the largest gain-length product a dz of one slice of the solve,
        in (0, inf]; a requested slice above it (at the run's largest unlit
        excitation) is cut into ceil(a dz / max_slice_gain) sub-slices. The edge
        emission's discretization error is about C (a dz)^2, C <= 0.016 measured: 0.7
        keeps it <= 0.8 %; a larger value trades accuracy for speed (``inf``: the
        requested slices as given). The bound reached is the attribute
        ``slice_error_bound`` (per pump value).
    energy_bins : int, default STRIPE_ENERGY_BINS (32)
        Bins of E_i per class, in [8, 1024] (the twin's states; the Monte Carlo's
        histograms). At 32 the twin's stimulated emission in strong ASE lies ~5 % above
        its 96-bin value (measured for a type-II stripe; docs/theory.md, section 10).
    progress : bool, callable or None, default False
        Progress bar over simulated time (False or None: none); a callable is
        called instead with the simulated time (ps) of each pump value advanced
        since its last call (with ``workers > 1``: as each pump value completes, in the
        order they complete).
    workers : int, default 1
        Rate equations: processes that solve the pump values in parallel, in [1, 256]
        (each value's solve is independent). 1: in this process, one after another (no
        pool; works inside a dask worker). n > 1: a pool of ``min(n, pump values)``
        processes started with "spawn", each with one BLAS thread, the most expensive
        values (sub-slices x pump) first; the output is bit-identical to ``workers=1``
        (:mod:`._pump_pool`). A Ctrl-C or an error in a worker ends every worker before
        the exception propagates. As with every spawned process, a *script* that passes
        ``workers > 1`` must call this under ``if __name__ == "__main__":`` (the workers
        import the script's main module). The Monte Carlo takes 1 only: its kernels
        already run on all Numba threads.

    Returns
    -------
    xarray.Dataset
        ``edge_emission (pump, time, channel)`` (photon flux v_g u+(L), cm ps^-1 per
        NC, i.e. photons per ps per unit NC density and mode area),
        ``edge_emission_integrated (pump, channel)``, ``edge_emission_unamplified``,
        ``net_gain (pump, time, channel)`` at the stripe's centre, ``modal_gain``
        (cm^-1), ``population (pump, time, excitons)`` averaged over the stripe,
        ``slice_population (pump, time, slice, excitons)``, ``mean_excitons_t`` and
        the exciton books ``books_*`` (cumulative events per NC of the stripe).
        Both methods give the same variables; attributes hold the method, seed,
        n_nanocrystals (per slice), dt_ps, ``sub_slices`` (per pump value: the sub-slices
        each requested slice was cut into for the run) and, for the Monte Carlo, the steps.

    Raises
    ------
    ValueError
        For invalid input (the message names the parameter), before any work (also
        ``workers > 1`` with the Monte Carlo, or inside a daemonic process);
        also if the memory estimate (either method) would not fit into the available
        memory or the work estimate exceeds :data:`ncgain.kinetics.memory.WORK_LIMITS`
        (both counted on the sub-slices of the run).
    RuntimeError
        With ``workers > 1``, if a worker process ends abruptly (e.g. a script without the
        ``__main__`` guard); a worker's own exception is re-raised as it is.

    Examples
    --------
    >>> from ncgain import kinetics, models
    >>> film = models.Film(absorption_coefficient=2000.0, confinement_factor=0.5, loss=10.0)
    >>> stripe = models.Stripe(length=0.02, slices=2, channels=8)
    >>> ds = kinetics.simulate_stripe("type-ii", film, stripe, [0.0, 100.0],
    ...                               mean_excitons=[1.0], method="monte-carlo",
    ...                               n_nanocrystals=2000, seed=1)
    >>> counts = ds.slice_population.isel(pump=0) * ds.attrs["n_nanocrystals"]
    >>> counts.sum("excitons").round().values.tolist()   # NCs per slice at each time
    [[2000.0, 2000.0], [2000.0, 2000.0]]
    """
    workers = check_workers(workers, method)
    if not callable(progress):          # a callback is the studies' own progress report
        progress = check_progress(progress)
    # scipy clips rtol below 100 eps and accepts nonsense above 1
    rtol = check_range("rtol", rtol, 1e-12, 0.1)
    max_slice_gain = (math.inf if max_slice_gain == math.inf else
                      check_range("max_slice_gain", max_slice_gain, 0.0, None, lo_open=True))
    problem = _StripeProblem.build(sample, film, stripe, times, mean_excitons=mean_excitons,
                                   fluence=fluence, generation_rate=generation_rate,
                                   method=method, n_max=n_max, n_nanocrystals=n_nanocrystals,
                                   seed=seed, dt=dt, field_on=field, energy_bins=energy_bins)
    refine = [1] * problem.pump.size
    if method == "rate-equations":
        # slices of a gain-length product above MAX_TWIN_SLICE_GAIN are cut for the solve
        # (discretization error C (a dz)^2 of the edge emission; _stripe_slices)
        refine = [twin_sub_slices(problem, k, max_slice_gain) for k in range(problem.pump.size)]
        check_refined_size(problem, refine, _pump_name(problem.kind, fluence))
        error_bound = [slice_error_bound(unlit_slice_gain(problem, k) / m) if problem.field_on
                       else 0.0 for k, m in enumerate(refine)]
    else:
        # slices of a large gain-length product are cut for the run (stripe_monte_carlo)
        refine = [sub_slices(problem, k) for k in range(problem.pump.size)]
        memory.check_fits(sub_slice_bytes(problem, max(refine)),
                          {"slices": problem.stripe.slices, "sub-slices": max(refine),
                           "energy_bins": energy_bins}, what="simulate_stripe")
    bar, step = None, None
    if callable(progress):
        step = progress                 # the caller's callback: simulated ps advanced
    elif progress:
        from tqdm.auto import tqdm
        bar = tqdm(total=float(problem.times[-1]) * problem.pump.size, unit="ps", desc=method)
        step = bar.update
    if workers > 1 and problem.pump.size > 1:
        # the rate equations' pump values in a pool of processes, bit-identical (_pump_pool)
        records = solve_pumps(problem, refine, rtol, workers, step)
    else:
        records = []
        for k in range(problem.pump.size):
            if method == "monte-carlo":
                records.append(monte_carlo(problem, k, progress=step, refine=refine[k]))
            else:
                fine = rate_equations(refined(problem, refine[k]), k, rtol)
                records.append(requested_record(problem, fine, refine[k]))
                if step is not None:
                    step(float(problem.times[-1]))
    if bar is not None:
        bar.close()
    # index coordinates, Conventions and what a paper reports (ASE thresholds per band)
    ds = analysis.indexed(_dataset(problem, records))
    if method == "rate-equations":
        ds.attrs["max_slice_gain"] = max_slice_gain
        ds.attrs["slice_error_bound"] = json.dumps(error_bound)   # C (a dz)^2 per pump
    summary = analysis.ase_summary(ds)
    return ds.merge(summary, combine_attrs="override").assign_attrs(summary.attrs)
