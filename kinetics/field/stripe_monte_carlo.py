"""The stripe's Monte Carlo driver: every slice's NCs in the quasi-static light.

:func:`monte_carlo` advances each slice's NCs by a step in frozen light
(:func:`_advance_slice`, the one call site of the field kernel), then recomputes the
light from the new populations; the step is bounded by the light's drift and by the
stimulated turnover, and a stalled run raises.

A slice is one light value (its centre's): a slice whose gain-length product a dz is
large sees, at its centre, a light e^(a dz / 2) weaker than its own edges and its
neighbour's centre. Where one slice has saturated to transparency in the light of its
neighbour while that neighbour still holds its gain, the explicit step must follow the
saturated slice's stimulated turnover (rates ~ e^(a dz / 2) times those that deplete the
neighbour): the run stalls (measured on a 2-slice type-II stripe, a dz = 29 at t = 0: the
neighbour's gain-length stayed at 32 for 2000 steps of 1e-9 ps while the saturated slice
hovered near 0). :func:`sub_slices` therefore cuts every slice whose a dz exceeds
:data:`MAX_SLICE_GAIN` into equal sub-slices for the run (the slice's NCs, their random
streams unchanged, split among them in index order); the records are on the requested
slices.
"""

from __future__ import annotations

from dataclasses import replace

import numba
import numpy as np

from .. import _kernels
from . import _coupling as field
from . import _kernels as _field_kernels
from ._common import MAX_TURNOVER_STEP
from ._rates import StimulatedRates, spontaneous_bound, uniform_step
from ._stripe_problem import _StripeProblem
from ._stripe_slices import twin_sub_slices
from ..threads import with_blas_thread_policy

__all__ = ["monte_carlo", "sub_slices", "MAX_LIGHT_STEP", "LIGHT_RELEVANCE", "STALL_STEPS",
           "STALL_FRACTION", "MAX_SLICE_GAIN"]


#: Largest change of the light's log-amplification per Monte Carlo step (from the drift).
MAX_LIGHT_STEP = 0.1
#: Share of all NC events below which a channel's stimulated events do not limit the step.
LIGHT_RELEVANCE = 1e-3
#: Steps after which the Monte Carlo checks its progress, and the least share of the last
#: record time it must have advanced by then (else RuntimeError: a stalled run).
STALL_STEPS = 2_000
STALL_FRACTION = 1e-6
#: Largest gain-length product (Gamma_c alpha_0 g - alpha_loss) dz of one slice the Monte
#: Carlo runs on unrefined, at t = 0 (pulsed) or in the unlit c.w. steady state. Measured
#: on the 2-slice stripe of the module docstring (a dz = 29 per slice, 500 NCs per slice):
#: unrefined it stalled; at a limit of 8 (4 sub-slices of a dz = 7.3) seed 0 ran (2727
#: steps) and seed 3 stalled; at 4 (8 sub-slices) and at 2 (15) seeds 0-5 all ran (1634-
#: 2176 and 1589-2271 steps). The existing stripes of the tests (a dz <= 2.5) keep the
#: requested slices. This limit is the step's, not the discretization error's: at a dz = 4
#: the edge emission errs by ~20 % (C (a dz)^2, C ~ 0.013; the rate equations cut to
#: a dz <= 0.7, :mod:`._stripe_slices`).
MAX_SLICE_GAIN = 4.0


def sub_slices(problem: _StripeProblem, k: int) -> int:
    """Sub-slices per requested slice for pump value k (1: the slices as requested).

    The largest gain-length product of one slice over the channels, a dz with
    a = Gamma_c alpha_0 max_k g_k - alpha_loss, is taken at the largest excitation of a
    run without light (pulsed: t = 0; c.w.: the no-field steady state; the light only
    depletes the gain); a slice with a dz > :data:`MAX_SLICE_GAIN` is cut into
    ceil(a dz / MAX_SLICE_GAIN) equal parts, at most one per NC of the slice.

    Parameters
    ----------
    problem : _StripeProblem
        The validated stripe problem.
    k : int
        Index of the pump value.

    Returns
    -------
    int
        Sub-slices per requested slice, in [1, n_nanocrystals].
    """
    # the rate equations' rule at the Monte Carlo's limit, at most one sub-slice per NC
    return min(twin_sub_slices(problem, k, MAX_SLICE_GAIN), problem.n_nanocrystals)


def sub_slice_bytes(problem: _StripeProblem, m: int) -> float:
    """Extra memory of ``m`` sub-slices per slice, beyond the requested slices' estimate.

    Parameters
    ----------
    problem : _StripeProblem
        The validated stripe problem.
    m : int
        Sub-slices per slice (:func:`sub_slices`).

    Returns
    -------
    float
        Bytes: ~14 (sub-slice, state) doubles (counts, occupations, the drift's and the
        light's temporaries; counted from the code, not calibrated by a peak-RSS run) and
        8 per channel, for each of the J (m - 1) extra sub-slices.
    """
    kk, s, b, nch = problem.shape
    return 8.0 * problem.stripe.slices * (m - 1) * (14 * kk * s * b + 8 * nch)


@with_blas_thread_policy
def monte_carlo(problem: _StripeProblem, k: int, progress=None, refine: int = 1) -> dict:
    """Run the Monte Carlo for pump value k; returns a dict of records at ``times``.

    Parameters
    ----------
    problem : _StripeProblem
        The validated stripe problem (its seed, NC number and step dt).
    k : int
        Index of the pump value (``problem.pump[k]``).
    progress : callable or None
        Called with the length (ps) of each step taken, to advance a progress bar.
    refine : int, default 1
        Sub-slices per requested slice (:func:`sub_slices`), in [1, n_nanocrystals]: the
        light and the NCs' steps run on the sub-slices, the records on the slices.

    Returns
    -------
    dict
        Records at ``problem.times`` (edge emission, gain, populations, books, ...),
        read by :func:`.stripe_dataset._dataset`.
    """
    tab = problem.table
    kk, s, b, nch = problem.shape
    n_p = kk * s * b
    n = problem.n_nanocrystals
    n_req = problem.stripe.slices
    n_all = n * n_req
    # sub-slice q of slice j holds the slice's NCs [j n + edges[q], j n + edges[q + 1])
    fine = problem if refine == 1 else replace(problem, dz=problem.dz / refine)
    edges = (np.arange(refine + 1) * n) // refine
    first = (np.arange(n_req)[:, None] * n + edges[None, :-1]).ravel()
    size = np.tile(np.diff(edges), n_req).astype(float)
    n_sl = n_req * refine
    parts = numba.get_num_threads()
    key = np.uint64(_kernels.seed_key(problem.seed))
    nc_class = np.empty(n_all, np.uint8)
    nc_n = np.empty(n_all, np.uint8)
    nc_e = np.empty(n_all, np.float64)
    nc_clock = np.empty(n_all, np.float64)
    nc_counter = np.empty(n_all, np.uint32)
    overflow = np.zeros(parts, np.int64)
    # one call for all slices: the pump is uniform and NC indices are global
    _field_kernels._field_init(key, n_all, np.cumsum(tab.class_weight),
                               np.ascontiguousarray(np.cumsum(problem.initial(k), axis=1)),
                               nc_class, nc_n, nc_e, nc_clock, nc_counter, overflow)
    if overflow.sum():
        raise RuntimeError(f"{int(overflow.sum())} NCs drew more than n_max = {tab.n_max} "
                           "excitons; rerun with a larger n_max")
    field.energies_from_uniforms(tab, nc_class, nc_e)
    initial_excitons = int(nc_n.sum(dtype=np.int64))
    ncs = [tuple(a[first[j]:first[j] + int(size[j])]
                 for a in (nc_class, nc_e, nc_n, nc_clock, nc_counter)) for j in range(n_sl)]

    def histograms():
        """(J, K, S, B) counts of every (sub-)slice's NCs, from their states."""
        out = np.zeros((n_sl, kk, s, b), np.int64)
        h = np.zeros((parts, kk, s, b), np.int64)
        for j in range(n_sl):
            h[...] = 0
            _field_kernels._field_histogram(ncs[j][0], ncs[j][1], ncs[j][2], problem.bins.lo,
                                            problem.bins.inv_width, h)
            out[j] = h.sum(axis=0)
        return out

    def requested(p_fine):
        """Occupations (J_requested, n_p) of the requested slices from the sub-slices'."""
        if refine == 1:
            return p_fine
        return (p_fine * size[:, None]).reshape(n_req, refine, n_p).sum(axis=1) / float(n)

    counts = histograms()
    hist = np.zeros((parts, kk, s, b), np.int64)   # one slice's step deltas
    up = np.ascontiguousarray(problem.up_rate(k))
    # stimulated rates per (class, n) on a grid of E_i covering every NC; the light u is
    # in photons per NC, so the rate per unit strength is kappa / A_peak sum_k h u_k
    rates = StimulatedRates(tab, problem.lines, problem.channels,
                            problem.kappa / problem.coupling.a_peak, float(nc_e.min()),
                            float(nc_e.max()), up + tab.decay_rate)
    spont_bound = spontaneous_bound(tab, problem.spont_coef, problem.channels)
    ch_step = uniform_step(problem.channels)
    ch_width = field.channel_widths(problem.channels)
    turnover = problem.em + problem.ab                               # (n_p, C)
    up_flat = np.repeat(up[:, :, None], b, axis=2).reshape(n_p)
    # d ln(amplification)/dt of channel k per unit dp/dt: sum_j dz Gamma_c alpha_0 net
    n_ev = np.zeros((parts, 5), np.int64)
    ph = np.zeros((3, parts, nch), np.int64)
    cum = np.zeros(5, np.int64)
    rec = {"edge": [], "gain": [], "slice_population": [], "books": [], "field_books": []}
    ledger = np.zeros(3)   # the light's expected stimulated em./abs. and spont. feed, per NC
    sp_tot = problem.sp.sum(axis=1)
    edge_int = np.zeros(nch)
    unamp_int = np.zeros(nch)
    zero_light = np.zeros((n_sl, nch))
    p = counts.reshape(n_sl, n_p) / size[:, None]
    t, steps, i_rec, t_check = 0.0, 0, 0, 0.0
    while i_rec < problem.times.size:
        if t >= problem.times[i_rec] - 1e-12 * max(1.0, problem.times[i_rec]):
            e, _, _ = fine.observe(p)                  # the edge: the light of the run
            _, gn, sl_pop = problem.observe(requested(p))
            rec["edge"].append(e)
            rec["gain"].append(gn)
            rec["slice_population"].append(sl_pop)
            rec["books"].append(cum / float(n_all))
            rec["field_books"].append(ledger.copy())
            i_rec += 1
            continue
        dt = min(problem.dt, float(problem.times[i_rec]) - t)
        light = zero_light
        if problem.field_on:
            u, _ = fine.light(p)
            # a NC's stimulated turnover stays below 0.25 per step ...
            rate = problem.kappa * (u @ turnover.T)               # (J, n_p), 1/ps
            r_stim = float(rate[p > 0].max()) if (p > 0).any() else 0.0
            # ... and the log-amplification of every channel that carries a share
            # >= LIGHT_RELEVANCE of the NCs' events changes by at most MAX_LIGHT_STEP
            drift, _, _ = fine.drift(p, u, up_flat)
            stim_k = problem.kappa * (u * (p @ turnover)).sum(axis=0)       # (C,) per NC
            total = float((p @ (problem.dn + up_flat)).sum()) + float(stim_k.sum())
            r_ln = np.abs(fine.gam_a0 * fine.dz * (drift @ problem.net).sum(axis=0))
            relevant = stim_k >= LIGHT_RELEVANCE * total
            r_light = float(r_ln[relevant].max()) if relevant.any() else 0.0
            dt = min(dt, MAX_TURNOVER_STEP / max(r_stim, 1e-300),
                     MAX_LIGHT_STEP / max(r_light, 1e-300))
            # the light of the step: that of the populations predicted at its midpoint
            p_mid = np.maximum(p + 0.5 * dt * drift, 0.0)
            light, u_end = fine.light(p_mid)
            edge_int += dt * problem.v_g * u_end
            unamp_int += dt * fine.unamplified_edge_rate(p_mid)
            ledger += dt / n_sl * np.array([
                problem.kappa * float(((light @ problem.em.T) * p_mid).sum()),
                problem.kappa * float(((light @ problem.ab.T) * p_mid).sum()),
                float((p_mid @ sp_tot).sum())])
        n_ev[...] = 0
        for j in range(n_sl):
            photons = np.ascontiguousarray(light[j])
            if problem.field_on:
                rates.update(photons)
            hist[...] = 0
            _advance_slice(problem, key, int(first[j]), dt, ncs[j], up, rates, spont_bound,
                           ch_step, photons, ch_width, n_ev, ph, hist)
            counts[j] += hist.sum(axis=0)      # the slice's histogram moves by its deltas
        cum += n_ev.sum(axis=0)
        p = counts.reshape(n_sl, n_p) / size[:, None]
        t += dt
        steps += 1
        if progress is not None:
            progress(dt)
        if steps % STALL_STEPS == 0:
            if t - t_check < STALL_FRACTION * float(problem.times[-1]):
                raise RuntimeError(
                    f"the Monte Carlo stripe advanced only {t - t_check:.3g} ps in "
                    f"{STALL_STEPS} steps (t = {t:.3g} ps): the quasi-static light is far "
                    "beyond saturation (stimulated rates "
                    f"~{MAX_TURNOVER_STEP / max(dt, 1e-300):.3g} ps^-1 per NC), which the "
                    "explicit light of the Monte Carlo cannot resolve; use "
                    "method='rate-equations' (stiff solver) or a smaller gain-length "
                    "product (stripe length, fluence)")
            t_check = t
    # the histograms kept by deltas are those of the final NC states (exact integers)
    if not np.array_equal(histograms(), counts):  # pragma: no cover - a kernel bug
        raise RuntimeError("stripe Monte Carlo: the running histograms of (class, n, "
                           "energy bin) differ from the NC states")
    return {"edge": np.array(rec["edge"]), "gain": np.array(rec["gain"]),
            "slice_population": np.array(rec["slice_population"]),
            "edge_integrated": edge_int, "unamplified": unamp_int,
            "books": np.array(rec["books"]), "field_books": np.array(rec["field_books"]),
            "initial_excitons": initial_excitons / n_all,
            "n_steps": steps, "n_events": int(cum.sum()), "sub_slices": refine}


def _advance_slice(problem: _StripeProblem, key, first_index, dt, ncs, up, rates,
                   spont_bound, ch_step, photons, ch_width, n_ev, ph, hist):
    """The one call site of the field kernel: advance one slice's NCs by dt in frozen light.

    ``ncs`` = (class, E_i, n, clock, counter) views of the slice, whose NC i draws the
    stream of global NC ``first_index + i``; ``rates`` the slice's stimulated-rate tables
    (:class:`._rates.StimulatedRates`, updated for its light); ``photons`` (C,) the
    local photon density u+ + u- (channel weights of stimulated events). Event counts are
    added to ``n_ev`` and ``ph``, the step's histogram deltas to ``hist`` (parts, K, S, B).
    """
    tab, lines = problem.table, problem.lines
    nc_class, nc_e, nc_n, nc_clock, nc_counter = ncs
    _field_kernels._field_step(
        key, first_index, dt, problem.field_on, nc_class, nc_e, nc_n, nc_clock, nc_counter, up,
        tab.decay_rate, rates.em, rates.absorb, rates.total, rates.e0, rates.inv_dx,
        lines.em_strength, lines.em_offset, lines.abs_strength, lines.abs_offset,
        problem.spont_coef, spont_bound, problem.channels, ch_step, photons, ch_width,
        tab.homogeneous_width, rates.line_code, problem.bins.lo,
        problem.bins.inv_width, n_ev, ph[0], ph[1], ph[2], hist)
