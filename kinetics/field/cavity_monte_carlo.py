"""The cavity's Monte Carlo driver: NCs with their own E_i, a field advanced per step.

Every NC's events within a step are exact (:mod:`._kernels`); the field is advanced
between steps by the backward-Euler update described in :mod:`~ncgain.kinetics.field.cavity` (and
docs/theory.md), one pump value per call of :func:`monte_carlo`.
"""

from __future__ import annotations

import numba
import numpy as np
from scipy import special

from .. import _kernels
from . import _coupling as field
from . import _kernels as _field_kernels
from ._cavity_problem import CavityProblem
from ._common import MAX_GROWTH_STEP, MAX_TURNOVER_STEP
from ._rates import StimulatedRates, spontaneous_bound, uniform_step
from ..threads import with_blas_thread_policy

__all__ = ["monte_carlo"]

#: Shortenings of one step by the per-NC stimulated-rate guard before giving up.
_GUARD_ITERATIONS = 50


@with_blas_thread_policy
def monte_carlo(problem: CavityProblem, k: int, progress=None):
    """Run the Monte Carlo for pump value k; returns a dict of records at ``times``.

    Parameters
    ----------
    problem : CavityProblem
        The validated cavity problem (its seed, NC number and step dt).
    k : int
        Index of the pump value (``problem.pump[k]``).
    progress : callable or None
        Called with the length (ps) of each step taken, to advance a progress bar.

    Returns
    -------
    dict
        Records at ``problem.times`` (occupation, photons, cumulative counts, output, the
        field's books, ...), read by :func:`.cavity_dataset._dataset`, and
        ``max_stimulated_turnover``: the largest stimulated rate (emission + absorption)
        of a NC of an occupied (class, n, energy bin) cell times the step, over the run
        (at most MAX_TURNOVER_STEP by the step guard).
    """
    tab, cp = problem.table, problem.coupling
    n = problem.n_nanocrystals
    kk, s, b = cp.em.shape[:3]
    nch = problem.channels.size
    parts = numba.get_num_threads()
    key = np.uint64(_kernels.seed_key(problem.seed))
    nc_class = np.empty(n, np.uint8)
    nc_n = np.empty(n, np.uint8)
    nc_e = np.empty(n, np.float64)
    nc_clock = np.empty(n, np.float64)
    nc_counter = np.empty(n, np.uint32)
    overflow = np.zeros(parts, np.int64)
    init = problem.initial(k)
    _field_kernels._field_init(key, n, np.cumsum(tab.class_weight),
                               np.ascontiguousarray(np.cumsum(init, axis=1)), nc_class, nc_n,
                               nc_e, nc_clock, nc_counter, overflow)
    if overflow.sum():
        raise RuntimeError(f"{int(overflow.sum())} NCs drew more than n_max = {tab.n_max} "
                           "excitons; rerun with a larger n_max")
    # E_i = E_c + w_c Phi^-1(u) / sqrt(2), chunked to bound the temporaries.
    for lo in range(0, n, 1 << 20):
        hi = min(n, lo + (1 << 20))
        c = nc_class[lo:hi]
        nc_e[lo:hi] = tab.exciton_energy[c] + tab.inhomogeneous_width[c] \
            * special.ndtri(nc_e[lo:hi]) / np.sqrt(2.0)
    initial_excitons = int(nc_n.sum(dtype=np.int64))
    up = np.ascontiguousarray(problem.up_rate(k))
    dn = np.ascontiguousarray(tab.decay_rate)
    # stimulated rates per (class, n) on a grid of E_i covering every NC
    rates = StimulatedRates(tab, problem.lines, problem.channels, problem.kappa / cp.a_peak / n,
                            float(nc_e.min()), float(nc_e.max()), up + dn)
    ch_width = field.channel_widths(problem.channels)
    spont_bound = spontaneous_bound(tab, problem.spont_coef, problem.channels)
    ch_step = uniform_step(problem.channels)
    em2, ab2, sp2 = (np.ascontiguousarray(m.reshape(kk * s * b, nch))
                     for m in (cp.em, cp.absorb, cp.spont))
    turnover = em2 + ab2           # a cell's stimulated rate per NC = kappa turnover @ q
    sums = np.zeros((3, nch))
    hist = np.zeros((parts, kk, s, b), np.int64)
    _field_kernels._field_histogram(nc_class, nc_e, nc_n, problem.bins.lo, problem.bins.inv_width,
                                    hist)
    counts = hist.sum(axis=0)
    q = np.zeros(nch)              # field: photons per NC per channel
    cum = np.zeros(5, np.int64)    # counted NC events by type
    ledger = np.zeros((5, nch))    # field ledger per NC: emitted, absorbed, spont, out, inside
    n_ev = np.zeros((parts, 5), np.int64)
    ph = np.zeros((3, parts, nch), np.int64)
    rec = {"occupation": [], "photons": [], "cumulative": [], "output": [],
           "photon_books": []}
    t = 0.0
    steps = 0
    j = 0
    kap = problem.kappa
    max_turnover = 0.0             # largest stimulated rate of an occupied cell x dt
    while j < problem.times.size:
        if t >= problem.times[j] - 1e-12 * max(1.0, problem.times[j]):
            rec["occupation"].append(counts / float(n))
            rec["photons"].append(q.copy())
            rec["cumulative"].append(np.concatenate([cum / n, [ledger[4].sum()]]))
            rec["output"].append(ledger[3].copy())
            rec["photon_books"].append(np.concatenate([ledger.sum(axis=1), [q.sum()]]))
            j += 1
            continue
        dt = min(problem.dt, float(problem.times[j]) - t)
        if problem.field_on:
            # the field over the step: backward Euler with the current populations
            _field_kernels._channel_sums(counts.ravel(), em2, ab2, sp2, sums)
            em_k, ab_k, feed = sums / float(n)
            gain = em_k - ab_k
            gross = kap * float(np.max(em_k + ab_k))
            growth = float(np.max(kap * gain - problem.loss_rate))
            dt = min(dt, MAX_TURNOVER_STEP / max(gross, 1e-300),
                     MAX_GROWTH_STEP / max(growth, 1e-300))
            # ... and, as in the stripe, a NC's stimulated turnover (emission + absorption)
            # in the step's field stays below MAX_TURNOVER_STEP: under a frozen field a
            # faster NC would cycle emission and absorption inside one step, off the
            # field's books. The step's field q_bar depends on dt: shorten until it holds.
            occupied = turnover[counts.ravel() > 0]
            for _ in range(_GUARD_ITERATIONS):
                q_bar = (q + feed * dt) / (1.0 + (problem.loss_rate - kap * gain) * dt)
                r_stim = kap * float((occupied @ q_bar).max()) if occupied.size else 0.0
                if r_stim * dt <= MAX_TURNOVER_STEP * (1.0 + 1e-9):
                    break
                dt = MAX_TURNOVER_STEP / r_stim
            else:  # pragma: no cover - q_bar shrinks with dt: a few iterations suffice
                raise RuntimeError("cavity Monte Carlo: the per-NC stimulated-rate step "
                                   f"guard did not settle (dt = {dt:.3g} ps)")
            max_turnover = max(max_turnover, r_stim * dt)
            ledger[0] += kap * em_k * q_bar * dt
            ledger[1] += kap * ab_k * q_bar * dt
            ledger[2] += feed * dt
            ledger[3] += problem.output_rate * q_bar * dt
            ledger[4] += (problem.loss_rate - problem.output_rate) * q_bar * dt
            q = q_bar
        p_bar = q * n
        if problem.field_on:
            rates.update(p_bar)
        n_ev[...] = 0
        ph[...] = 0
        hist[...] = 0
        _field_kernels._field_step(
            key, 0, dt, problem.field_on, nc_class, nc_e, nc_n, nc_clock, nc_counter, up, dn,
            rates.em, rates.absorb, rates.total, rates.e0, rates.inv_dx,
            problem.lines.em_strength, problem.lines.em_offset, problem.lines.abs_strength,
            problem.lines.abs_offset, problem.spont_coef, spont_bound, problem.channels, ch_step,
            p_bar, ch_width, tab.homogeneous_width, rates.line_code, problem.bins.lo,
            problem.bins.inv_width, n_ev, ph[0], ph[1], ph[2], hist)
        counts += hist.sum(axis=0)     # the histogram moves by the NCs' changes of n
        cum += n_ev.sum(axis=0)
        t += dt
        steps += 1
        if progress is not None:
            progress(dt)
    # the histogram kept by deltas is the histogram of the final NC states (exact integers)
    hist[...] = 0
    _field_kernels._field_histogram(nc_class, nc_e, nc_n, problem.bins.lo, problem.bins.inv_width,
                                    hist)
    if not np.array_equal(hist.sum(axis=0), counts):  # pragma: no cover - a kernel bug
        raise RuntimeError("cavity Monte Carlo: the running histogram of (class, n, energy "
                           "bin) differs from the NC states")
    return {
        "occupation": np.array(rec["occupation"]),
        "photons": np.array(rec["photons"]),
        "cumulative": np.array(rec["cumulative"]),
        "output": np.array(rec["output"]),
        "photon_books": np.array(rec["photon_books"]),
        "initial_excitons": initial_excitons / n,
        "n_steps": steps,
        "n_events": int(cum.sum()),
        "max_stimulated_turnover": max_turnover,
    }
