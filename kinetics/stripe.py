"""Amplified spontaneous emission along an excitation stripe: :func:`simulate_stripe`.

The stripe (length L, cut into J slices) is pumped uniformly. The guided
light in channel k travels both ways along the stripe with photon density u+-
(photons per NC, as in :mod:`.cavity`); photons cross a 1 mm stripe in ~6 ps,
fast against the populations' times (>= 30 ps), so the light is quasi-static:

    d u+ / dz = (Gamma_c alpha_0 g_k(z) - alpha_loss) u+ + S_k(z) / (2 v_g),

with g_k(z) the net gain of slice z at channel k (units of alpha_0(peak)),
S_k the spontaneous emission of the slice's NCs into channel k (beta of a
single exciton's radiative rate, split equally between the two directions)
and the mirror equation for u-. Within a slice the gain is constant, so each
slice is crossed exactly: u_out = u_in e^{a dz} + s (e^{a dz} - 1) / a. The
NCs of a slice see the photon density u+ + u- (stimulated emission and
absorption at the rates of :mod:`._field`), which depletes them: gain
saturation. Edge emission is the photon flux v_g u+(L) per channel.

Two methods with one Dataset schema:

* ``"rate-equations"`` (the default): every slice holds the master equation
  of its NCs over (class, n, energy bin of E_i); populations and the
  time-integrated edge emission are solved together with scipy's stiff BDF.
* ``"monte-carlo"``: every slice holds its own ensemble of ``n_nanocrystals``
  NCs (per slice; J x n_nanocrystals in all), each with its continuous E_i
  and exciton number, drawn as in the cavity (:mod:`._field_kernels`; NC i of
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
  the twin); the time-integrated edge emission is the midpoint sum.

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
import warnings
from dataclasses import dataclass

import numba
import numpy as np
import xarray as xr
from numba import njit
from scipy import integrate, sparse

from ncgain import models
from ncgain.models import Film, Sample
from ncgain.models.resonator import SPEED_OF_LIGHT_CM_PER_PS, Stripe
from ncgain.models.state_table import StateTable

from . import _field as field
from . import _field_kernels, _kernels, memory
from ._field_rates import RATE_GRID_STEP, StimulatedRates, spontaneous_bound, uniform_step
from .cavity import (BYTES_PER_NC, MAX_TURNOVER_STEP, _check_photon_inputs, _initial,
                     _resolve_pump, _resolve_step, _up_rate, intensity_from_generation_rate)
from .pulsed import PHOTON_ENERGY_J_PER_EV, _as_1d, _check_int, validate_times

__all__ = ["simulate_stripe", "mean_excitons_from_fluence", "STRIPE_ENERGY_BINS",
           "STRIPE_METHODS"]

#: Methods of :func:`simulate_stripe` (the first is the default).
STRIPE_METHODS = ("rate-equations", "monte-carlo")
#: Largest change of the light's log-amplification per Monte Carlo step (from the drift).
MAX_LIGHT_STEP = 0.1
#: Share of all NC events below which a channel's stimulated events do not limit the step.
LIGHT_RELEVANCE = 1e-3
#: Steps after which the Monte Carlo checks its progress, and the least share of the last
#: record time it must have advanced by then (else RuntimeError: a stalled run).
STALL_STEPS = 2_000
STALL_FRACTION = 1e-6
#: Exciton event types counted in the books (cumulative, per NC of the stripe).
BOOK_TERMS = (("pumped", "excitons created by the pump"),
              ("stimulated_absorption", "stimulated absorption events"),
              ("stimulated_emission", "stimulated emission events"),
              ("spontaneous_into_field", "spontaneous emission events into the guided channels"),
              ("decay_other", "decays not into the guided channels (radiative into other "
               "modes, Auger)"))

#: Energy bins of E_i per slice (fewer than the cavity: J slices multiply the states).
STRIPE_ENERGY_BINS = 32


def mean_excitons_from_fluence(fluence, sample: Sample):
    """<N> = sigma_pump F / (h nu) for pump fluences F.

    Parameters
    ----------
    fluence : array_like
        Pump fluences (mJ cm^-2).
    sample : models.Sample
        Gives sigma_pump (cm^2) and the pump energy (eV).

    Returns
    -------
    ndarray
        Mean excitons per NC after the pulse.
    """
    sigma = sum(w * s.sigma_pump for w, s in sample.size_classes())
    return np.asarray(fluence, float) * 1e-3 * sigma / (sample.pump_energy * PHOTON_ENERGY_J_PER_EV)


@njit(cache=True)
def _light_kernel(gain_coef, source, dz, both, edge):
    """Quasi-static light along the slices (physics-free array loop).

    gain_coef, source: (J, C) in cm^-1 (du/dz = a u + s, constant within a slice).
    Writes u+ + u- at the slice centres into ``both`` (J, C) and u+(L) into ``edge`` (C,).
    """
    n_sl, nch = gain_coef.shape
    half = dz / 2
    for k in range(nch):
        for direction in range(2):
            u = 0.0
            for jj in range(n_sl):
                j = jj if direction == 0 else n_sl - 1 - jj
                a = gain_coef[j, k]
                s = source[j, k]
                x = a * half
                if abs(x) < 1e-8:
                    g = 1.0 + x
                    f = half * (1.0 + x / 2)
                else:
                    g = np.exp(x)
                    f = (g - 1.0) / a
                u = u * g + s * f
                if direction == 0:
                    both[j, k] = u
                else:
                    both[j, k] += u
                u = u * g + s * f
            if direction == 0:
                edge[k] = u


# ----------------------------------------------------------------------------- the problem

@dataclass(frozen=True, eq=False)
class _StripeProblem:
    """A validated stripe problem: the plain arrays both methods share."""

    sample: Sample
    film: Film
    stripe: Stripe
    table: StateTable
    lines: field.TransitionLines
    bins: field.EnergyBins
    channels: np.ndarray
    coupling: field.CouplingMatrices
    spont_coef: np.ndarray
    times: np.ndarray
    kind: str                 # "cw" or "pulsed"
    pump: np.ndarray          # generation rates (1/ps) or <N>
    method: str
    n_nanocrystals: int       # per slice (Monte Carlo)
    seed: int
    dt: float
    field_on: bool
    v_g: float                # group velocity, cm/ps
    kappa: float              # v_g Gamma_c alpha_0, 1/ps
    gam_a0: float             # Gamma_c alpha_0, cm^-1
    dz: float                 # slice length, cm
    # (n_p, C) views of the coupling over flattened (class, n, bin); spont is zero with the
    # field off (the NCs are then decoupled from the guided channels altogether)
    net: np.ndarray
    em: np.ndarray
    ab: np.ndarray
    sp: np.ndarray
    dn: np.ndarray            # (n_p,) decay rates

    @classmethod
    def build(cls, sample, film, stripe, times, *, mean_excitons, fluence, generation_rate,
              method, n_max, n_nanocrystals, seed, dt, field_on, energy_bins):
        sample = _check_photon_inputs(sample, film, stripe, Stripe, "stripe", method,
                                      STRIPE_METHODS, field_on)
        n_nanocrystals = _check_int("n_nanocrystals", n_nanocrystals, 1, 10 ** 9)
        seed = _check_int("seed", seed, 0, 2 ** 63 - 1)
        energy_bins = _check_int("energy_bins", energy_bins, 8, 1024)
        times = validate_times(times)
        given = [x is not None for x in (mean_excitons, fluence, generation_rate)]
        if sum(given) != 1:
            raise ValueError("give exactly one of mean_excitons, fluence (pulsed) and "
                             "generation_rate (c.w.)")
        g = sample.degeneracy
        n_total = n_nanocrystals * stripe.slices
        if fluence is not None:
            fl = _as_1d("fluence", fluence, unit="mJ cm^-2")
            if (fl < 0).any():
                raise ValueError(f"fluence = {float(fl.min())!r} mJ cm^-2 is outside the "
                                 "allowed range [0, inf)")
            mean_excitons = mean_excitons_from_fluence(fl, sample)
        kind, pump, n_max, table = _resolve_pump(
            sample, generation_rate=generation_rate, mean_excitons=mean_excitons, n_max=n_max,
            n_draws=n_total if method == "monte-carlo" else 1)
        # Step: NC events are exact within a step; dt bounds how far the populations move
        # under frozen light: the decay of states up to n = g and the pump.
        up_max = float(pump.max() * table.pump_scale.max()) if kind == "cw" else 0.0
        r_fast = max(float(table.decay_rate[:, :g + 1].max()), up_max)
        dt = _resolve_step(dt, r_fast, field_on=field_on, t_last=times[-1],
                           fastest="NC decay or pump")
        lines = field.transition_lines(table)
        channels = field.default_channels(sample, table, stripe.channels, stripe.channel_range)
        spont_coef = field.spontaneous_coefficients(table, lines, stripe.spontaneous_coupling,
                                                    channels)
        bins = field.energy_bins(table, energy_bins)
        cp = field.coupling_matrices(table, lines, bins, channels, spont_coef)
        kk, s, b, nch = cp.em.shape
        n_p = kk * s * b
        if method == "monte-carlo":
            parts = numba.get_num_threads()
            # rate tables (K, C, X) and (K, S, E-grid) of StimulatedRates: ~1-15 MB
            x_span = float(channels[-1] - channels[0]) + 400 * float(table.homogeneous_width.max())
            n_x = x_span / (RATE_GRID_STEP * float(table.homogeneous_width.min()))
            tables = 8 * n_x * kk * (nch + 4 * s)
            per_slice = parts * (n_p * 8 + (5 + 3 * nch) * 8)
            estimate = n_total * BYTES_PER_NC + stripe.slices * per_slice + tables \
                + 8 * stripe.slices * (4 * n_p + 6 * nch)
            memory.check_fits(estimate, {"n_nanocrystals": n_nanocrystals,
                                         "slices": stripe.slices}, what="simulate_stripe")
        v_g = SPEED_OF_LIGHT_CM_PER_PS / stripe.group_index
        sp = cp.spont.reshape(n_p, nch) if field_on else np.zeros((n_p, nch))
        return cls(sample, film, stripe, table, lines, bins, channels, cp, spont_coef, times,
                   kind, pump, method, n_nanocrystals, seed, dt, bool(field_on), v_g,
                   field.kappa(film, stripe.group_index),
                   film.confinement_factor * film.absorption_coefficient,
                   stripe.length / stripe.slices,
                   (cp.em - cp.absorb).reshape(n_p, nch), cp.em.reshape(n_p, nch),
                   cp.absorb.reshape(n_p, nch), sp,
                   np.repeat(table.decay_rate[:, :, None], b, axis=2).reshape(n_p))

    # -- shapes and pump -------------------------------------------------------------------

    @property
    def shape(self):
        """(K classes, S states, B energy bins, C channels)."""
        return self.coupling.em.shape

    def up_rate(self, k: int) -> np.ndarray:
        """Up rates (K, S) for pump value k (c.w.: G pump_scale below n_max)."""
        return _up_rate(self.table, self.kind, self.pump[k])

    def initial(self, k: int) -> np.ndarray:
        """Initial p[c, n] for pump value k (c.w.: ground state; pulsed: Poisson)."""
        return _initial(self.table, self.kind, self.pump[k])

    # -- the light and what is read off it (shared by both methods) ------------------------

    def light(self, p: np.ndarray):
        """Occupations p (J, n_p) of each slice -> u+ + u- at the slice centres (J, C), u+(L) (C,).

        p[j] sums to 1 over (class, n, bin): fractions of the slice's NCs.
        """
        gain_coef = np.ascontiguousarray(self.gam_a0 * (p @ self.net) - self.film.loss)
        source = np.ascontiguousarray((p @ self.sp) / (2 * self.v_g))
        both = np.empty_like(gain_coef)
        edge = np.empty(gain_coef.shape[1])
        _light_kernel(gain_coef, source, self.dz, both, edge)
        return both, edge

    def drift(self, p: np.ndarray, u: np.ndarray, up: np.ndarray):
        """Master-equation flow dp/dt (J, n_p) of every slice in the light u (J, C).

        ``up`` (n_p,) are the pump rates; returns (dp/dt, stimulated-emission rates,
        stimulated-absorption rates), the rates (J, n_p) in 1/ps per NC.
        """
        kk, s, b, _ = self.shape
        n_sl = p.shape[0]
        w_em = self.kappa * (u @ self.em.T)
        w_ab = self.kappa * (u @ self.ab.T)
        f_up = ((up[None, :] + w_ab) * p).reshape(n_sl, kk, s, b)
        f_dn = ((self.dn[None, :] + w_em) * p).reshape(n_sl, kk, s, b)
        dp = -(f_up + f_dn)
        dp[:, :, 1:] += f_up[:, :, :-1]
        dp[:, :, :-1] += f_dn[:, :, 1:]
        return dp.reshape(n_sl, -1), w_em, w_ab

    def unamplified_edge_rate(self, p: np.ndarray) -> np.ndarray:
        """Spontaneous emission reaching the edge without gain or loss, (L/2) mean_j S_j (C,)."""
        return (p @ self.sp).sum(axis=0) * self.dz / 2

    def observe(self, p: np.ndarray):
        """Record at one time: edge flux (C,), net gain at the centre (C,), slice populations."""
        kk, s, b, _ = self.shape
        _, u_end = self.light(p)
        return (self.v_g * u_end, p[p.shape[0] // 2] @ self.net,
                p.reshape(p.shape[0], kk, s, b).sum(axis=(1, 3)))

    # -- the rate equations ----------------------------------------------------------------

    def rate_equations(self, k: int, rtol: float) -> dict:
        """Solve the twin for pump value k; returns a dict of records at ``times``."""
        kk, s, b, nch = self.shape
        n_p = kk * s * b
        n_sl = self.stripe.slices
        kap = self.kappa
        em, ab, sp, dn = self.em, self.ab, self.sp, self.dn
        sp_tot = sp.sum(axis=1)
        up = np.repeat(self.up_rate(k)[:, :, None], b, axis=2).reshape(n_p)
        p0 = (self.initial(k)[:, :, None] * self.bins.mass[:, None, :]
              * self.table.class_weight[:, None, None])
        n_pop = n_sl * n_p
        y0 = np.concatenate([np.tile(p0.reshape(n_p), n_sl), np.zeros(2 * nch + 5)])

        def rhs(_t, y):
            p = y[:n_pop].reshape(n_sl, n_p)
            pp = np.maximum(p, 0.0)
            u, u_end = self.light(pp)
            dp, w_em, w_ab = self.drift(p, u, up)
            spf = float((p @ sp_tot).sum())
            books = np.array([float((up * p).sum()), float((w_ab * p).sum()),
                              float((w_em * p).sum()), spf, float((p @ dn).sum()) - spf]) / n_sl
            return np.concatenate([dp.ravel(), self.v_g * u_end,
                                   self.unamplified_edge_rate(pp), books])

        n_y = y0.size
        idx = np.arange(n_pop).reshape(n_sl, kk, s, b)
        lo_i, hi_i = idx[:, :, :-1].ravel(), idx[:, :, 1:].ravel()

        def jac(_t, y):
            # The master equation of each slice at the current light (the light's own
            # dependence on the populations is left out: an approximate Newton matrix).
            p = y[:n_pop].reshape(n_sl, n_p)
            u, _ = self.light(np.maximum(p, 0.0))
            r_up = (up[None, :] + kap * (u @ ab.T)).reshape(n_sl, kk, s, b)
            r_dn = (dn[None, :] + kap * (u @ em.T)).reshape(n_sl, kk, s, b)
            diag = -(r_up + r_dn).ravel()
            rows = np.concatenate([idx.ravel(), hi_i, lo_i])
            cols = np.concatenate([idx.ravel(), lo_i, hi_i])
            vals = np.concatenate([diag, r_up[:, :, :-1].ravel(), r_dn[:, :, 1:].ravel()])
            return sparse.csc_matrix((vals, (rows, cols)), shape=(n_y, n_y))

        # BDF's rejected trial steps can overflow exp(gain dz) (it then shrinks the step);
        # the accepted solution is checked for finiteness below.
        with warnings.catch_warnings(), np.errstate(over="ignore", invalid="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)
            sol = integrate.solve_ivp(rhs, (0.0, float(self.times[-1])), y0, method="BDF",
                                      t_eval=self.times, rtol=rtol, atol=1e-12, jac=jac)
        if not np.all(np.isfinite(sol.y)):  # pragma: no cover
            raise RuntimeError("stripe rate equations produced non-finite values")
        if not sol.success:  # pragma: no cover
            raise RuntimeError(f"stripe rate equations failed: {sol.message}")
        obs = [self.observe(np.maximum(sol.y[:n_pop, i].reshape(n_sl, n_p), 0.0))
               for i in range(self.times.size)]
        return {"edge": np.array([o[0] for o in obs]), "gain": np.array([o[1] for o in obs]),
                "slice_population": np.array([o[2] for o in obs]),
                "edge_integrated": sol.y[n_pop:n_pop + nch, -1],
                "unamplified": sol.y[n_pop + nch:n_pop + 2 * nch, -1],
                "books": sol.y[n_pop + 2 * nch:, :].T,
                "field_books": sol.y[n_pop + 2 * nch:, :].T[:, [2, 1, 3]],
                "occupation": sol.y[:n_pop, :].T.reshape(-1, n_sl, n_p),
                "initial_excitons": float((p0.sum(axis=(0, 2)) * np.arange(s)).sum()),
                "n_rhs_evaluations": int(sol.nfev)}

    # -- the Monte Carlo -------------------------------------------------------------------

    def monte_carlo(self, k: int, progress=None) -> dict:
        """Run the Monte Carlo for pump value k; returns a dict of records at ``times``."""
        tab = self.table
        kk, s, b, nch = self.shape
        n_p = kk * s * b
        n_sl = self.stripe.slices
        n = self.n_nanocrystals
        n_all = n * n_sl
        parts = numba.get_num_threads()
        key = np.uint64(_kernels.seed_key(self.seed))
        nc_class = np.empty(n_all, np.uint8)
        nc_n = np.empty(n_all, np.uint8)
        nc_e = np.empty(n_all, np.float64)
        nc_clock = np.empty(n_all, np.float64)
        nc_counter = np.empty(n_all, np.uint32)
        overflow = np.zeros(parts, np.int64)
        # one call for all slices: the pump is uniform and NC indices are global
        _field_kernels._field_init(key, n_all, np.cumsum(tab.class_weight),
                                   np.ascontiguousarray(np.cumsum(self.initial(k), axis=1)),
                                   nc_class, nc_n, nc_e, nc_clock, nc_counter, overflow)
        if overflow.sum():
            raise RuntimeError(f"{int(overflow.sum())} NCs drew more than n_max = {tab.n_max} "
                               "excitons; rerun with a larger n_max")
        field.energies_from_uniforms(tab, nc_class, nc_e)
        initial_excitons = int(nc_n.sum(dtype=np.int64))
        ncs = [tuple(a[j * n:(j + 1) * n] for a in (nc_class, nc_e, nc_n, nc_clock, nc_counter))
               for j in range(n_sl)]

        def histograms():
            """(J, K, S, B) counts of every slice's NCs, from their states."""
            h = np.zeros((n_sl, parts, kk, s, b), np.int64)
            for j in range(n_sl):
                _field_kernels._field_histogram(ncs[j][0], ncs[j][1], ncs[j][2], self.bins.lo,
                                                self.bins.inv_width, h[j])
            return h.sum(axis=1)

        counts = histograms()
        hist = np.zeros((parts, kk, s, b), np.int64)   # one slice's step deltas
        up = np.ascontiguousarray(self.up_rate(k))
        # stimulated rates per (class, n) on a grid of E_i covering every NC; the light u is
        # in photons per NC, so the rate per unit strength is kappa / A_peak sum_k h u_k
        rates = StimulatedRates(tab, self.lines, self.channels,
                                self.kappa / self.coupling.a_peak, float(nc_e.min()),
                                float(nc_e.max()), up + tab.decay_rate)
        spont_bound = spontaneous_bound(tab, self.spont_coef, self.channels)
        ch_step = uniform_step(self.channels)
        ch_width = field.channel_widths(self.channels)
        turnover = self.em + self.ab                               # (n_p, C)
        up_flat = np.repeat(up[:, :, None], b, axis=2).reshape(n_p)
        # d ln(amplification)/dt of channel k per unit dp/dt: sum_j dz Gamma_c alpha_0 net
        n_ev = np.zeros((parts, 5), np.int64)
        ph = np.zeros((3, parts, nch), np.int64)
        cum = np.zeros(5, np.int64)
        rec = {"edge": [], "gain": [], "slice_population": [], "books": [], "field_books": []}
        ledger = np.zeros(3)   # the light's expected stimulated em./abs. and spont. feed, per NC
        sp_tot = self.sp.sum(axis=1)
        edge_int = np.zeros(nch)
        unamp_int = np.zeros(nch)
        zero_light = np.zeros((n_sl, nch))
        p = counts.reshape(n_sl, n_p) / float(n)
        t, steps, i_rec, t_check = 0.0, 0, 0, 0.0
        while i_rec < self.times.size:
            if t >= self.times[i_rec] - 1e-12 * max(1.0, self.times[i_rec]):
                e, gn, sl_pop = self.observe(p)
                rec["edge"].append(e)
                rec["gain"].append(gn)
                rec["slice_population"].append(sl_pop)
                rec["books"].append(cum / float(n_all))
                rec["field_books"].append(ledger.copy())
                i_rec += 1
                continue
            dt = min(self.dt, float(self.times[i_rec]) - t)
            light = zero_light
            if self.field_on:
                u, _ = self.light(p)
                # a NC's stimulated turnover stays below 0.25 per step ...
                rate = self.kappa * (u @ turnover.T)               # (J, n_p), 1/ps
                r_stim = float(rate[p > 0].max()) if (p > 0).any() else 0.0
                # ... and the log-amplification of every channel that carries a share
                # >= LIGHT_RELEVANCE of the NCs' events changes by at most MAX_LIGHT_STEP
                drift, _, _ = self.drift(p, u, up_flat)
                stim_k = self.kappa * (u * (p @ turnover)).sum(axis=0)       # (C,) per NC
                total = float((p @ (self.dn + up_flat)).sum()) + float(stim_k.sum())
                r_ln = np.abs(self.gam_a0 * self.dz * (drift @ self.net).sum(axis=0))
                relevant = stim_k >= LIGHT_RELEVANCE * total
                r_light = float(r_ln[relevant].max()) if relevant.any() else 0.0
                dt = min(dt, MAX_TURNOVER_STEP / max(r_stim, 1e-300),
                         MAX_LIGHT_STEP / max(r_light, 1e-300))
                # the light of the step: that of the populations predicted at its midpoint
                p_mid = np.maximum(p + 0.5 * dt * drift, 0.0)
                light, u_end = self.light(p_mid)
                edge_int += dt * self.v_g * u_end
                unamp_int += dt * self.unamplified_edge_rate(p_mid)
                ledger += dt / n_sl * np.array([
                    self.kappa * float(((light @ self.em.T) * p_mid).sum()),
                    self.kappa * float(((light @ self.ab.T) * p_mid).sum()),
                    float((p_mid @ sp_tot).sum())])
            n_ev[...] = 0
            for j in range(n_sl):
                photons = np.ascontiguousarray(light[j])
                if self.field_on:
                    rates.update(photons)
                hist[...] = 0
                _advance_slice(self, key, j * n, dt, ncs[j], up, rates, spont_bound, ch_step,
                               photons, ch_width, n_ev, ph, hist)
                counts[j] += hist.sum(axis=0)      # the slice's histogram moves by its deltas
            cum += n_ev.sum(axis=0)
            p = counts.reshape(n_sl, n_p) / float(n)
            t += dt
            steps += 1
            if progress is not None:
                progress(dt)
            if steps % STALL_STEPS == 0:
                if t - t_check < STALL_FRACTION * float(self.times[-1]):
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
                "n_steps": steps, "n_events": int(cum.sum())}


def _advance_slice(problem: _StripeProblem, key, first_index, dt, ncs, up, rates,
                   spont_bound, ch_step, photons, ch_width, n_ev, ph, hist):
    """The one call site of the field kernel: advance one slice's NCs by dt in frozen light.

    ``ncs`` = (class, E_i, n, clock, counter) views of the slice, whose NC i draws the
    stream of global NC ``first_index + i``; ``rates`` the slice's stimulated-rate tables
    (:class:`._field_rates.StimulatedRates`, updated for its light); ``photons`` (C,) the
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
        tab.homogeneous_width, tab.lineshape == "lorentzian", problem.bins.lo,
        problem.bins.inv_width, n_ev, ph[0], ph[1], ph[2], hist)


# ----------------------------------------------------------------------------- output

ASSUMPTIONS = [
    "light quasi-static along the stripe (transit << population times)",
    "spontaneous emission into the guided channels: beta k_rad(1)/s_em(1) s_em(n) h dE, half "
    "per direction (Einstein: the stimulated-emission lines)",
    "NCs see the photon density u+ + u- of both directions",
    "uniform pump along the stripe",
]
MC_ASSUMPTIONS = [
    "Monte Carlo: n_nanocrystals NCs per slice stand for the slice's NCs; the light is computed "
    "from their occupation histograms over (class, n, energy bin) and frozen within a step dt; "
    "NC events within a step are exact",
]


def _dataset(problem: _StripeProblem, records: list[dict]) -> xr.Dataset:
    tab, film = problem.table, problem.film
    times = problem.times
    n_max = tab.n_max
    n_sl = problem.stripe.slices
    ch_attr = {"units": "eV", "long_name": "photon energy of the channel"}
    coords = {"time": ("time", times, {"units": "ps", "long_name": "time after the pump"}),
              "channel_energy": ("channel", problem.channels, ch_attr),
              "excitons": ("excitons", np.arange(n_max + 1),
                           {"units": "1", "long_name": "number of excitons in a NC, n"}),
              "slice_position": ("slice", (np.arange(n_sl) + 0.5) * problem.dz,
                                 {"units": "cm", "long_name": "centre of the slice along the "
                                  "stripe, z (edge emission read at z = L)"})}
    pump = problem.pump
    if problem.kind == "cw":
        coords["generation_rate"] = ("pump", pump, {"units": "ps-1",
                                                    "long_name": "excitons per NC per ps"})
        coords["pump_intensity"] = ("pump", intensity_from_generation_rate(pump, problem.sample),
                                    {"units": "W cm-2", "long_name": "pump intensity"})
    else:
        from .pulsed import pump_fluence
        coords["mean_excitons"] = ("pump", pump, {"units": "1", "long_name":
                                                  "mean excitons per NC after the pulse, <N>"})
        coords["pump_fluence"] = ("pump", pump_fluence(pump, problem.sample),
                                  {"units": "mJ cm-2", "long_name": "pump fluence"})
    ptc = ("pump", "time", "channel")
    pt = ("pump", "time")
    edge = np.stack([r["edge"] for r in records])
    gain = np.stack([r["gain"] for r in records])
    slice_pop = np.stack([r["slice_population"] for r in records])   # (P, T, J, S)
    population = slice_pop.mean(axis=2)
    books = np.stack([r["books"] for r in records])                   # (P, T, 5)
    dv = {
        "edge_emission": (ptc, edge, {"units": "cm ps-1", "long_name":
                          "edge photon flux per channel, v_g u+(L) (per NC density and mode area)"}),
        "edge_emission_integrated": (("pump", "channel"),
                                     np.stack([r["edge_integrated"] for r in records]),
                                     {"units": "cm", "long_name":
                                      "time-integrated edge photon flux per channel, 0 to the "
                                      "last time"}),
        "edge_emission_unamplified": (("pump", "channel"),
                                      np.stack([r["unamplified"] for r in records]),
                                      {"units": "cm", "long_name":
                                       "time-integrated spontaneous emission reaching the edge "
                                       "without amplification or loss, (L/2) int S dt"}),
        "net_gain": (ptc, gain, {"units": "1", "long_name":
                                 "net gain -alpha/alpha_0(peak) at the stripe centre"}),
        "modal_gain": (ptc, problem.gam_a0 * gain - film.loss, {"units": "cm-1", "long_name":
                       "net modal gain Gamma_c alpha_0 g - alpha_loss at the stripe centre"}),
        "population": (("pump", "time", "excitons"), population,
                       {"units": "1", "long_name": "fraction of NCs holding n excitons "
                        "(stripe average)"}),
        "slice_population": (("pump", "time", "slice", "excitons"), slice_pop,
                             {"units": "1", "long_name": "fraction of the slice's NCs holding "
                              "n excitons"}),
        "mean_excitons_t": (pt, population @ np.arange(n_max + 1),
                            {"units": "1", "long_name": "mean excitons per NC at time t "
                             "(stripe average)"}),
    }
    for i, (name, long) in enumerate(BOOK_TERMS):
        dv[f"books_{name}"] = (pt, books[..., i], {"units": "1", "long_name":
                                                   f"cumulative {long}, per NC of the stripe"})
    dv["field_books"] = (("pump", "time", "field_term"),
                         np.stack([r["field_books"] for r in records]),
                         {"units": "1", "long_name": "cumulative exchanges of the light with the "
                          "NCs expected from the light and the occupations, per NC of the stripe "
                          "(rate equations: equal to the books; Monte Carlo: the light's side, "
                          "from the step's light and midpoint occupations)"})
    coords["field_term"] = ("field_term", ["stimulated_emission", "stimulated_absorption",
                                           "spontaneous_into_field"],
                            {"units": "1", "long_name": "exchange of the light with the NCs"})
    dv["books_initial_excitons"] = (("pump",), np.array([r["initial_excitons"] for r in records]),
                                    {"units": "1", "long_name": "excitons per NC at t = 0"})
    mc = problem.method == "monte-carlo"
    attrs = {"title": f"ncgain stripe ASE ({problem.kind}): {problem.sample.name}",
             "sample": problem.sample.to_json(), "sample_name": problem.sample.name,
             "film": film.to_json(), "stripe": problem.stripe.to_json(),
             "method": problem.method, "pump_kind": problem.kind, "n_max": n_max,
             "field": int(problem.field_on), "seed": problem.seed,
             "n_nanocrystals": problem.n_nanocrystals,
             "n_nanocrystals_total": problem.n_nanocrystals * n_sl,
             "dt_ps": problem.dt,
             "energy_bins": int(problem.bins.mass.shape[1]),
             "group_velocity_cm_per_ps": problem.v_g,
             "ncgain_version": models.package_version(),
             "assumptions": json.dumps(ASSUMPTIONS + (MC_ASSUMPTIONS if mc else [])),
             "conventions": "units: eV, ps, cm, cm-1; n_nanocrystals per slice (Monte Carlo)"}
    if mc:
        attrs["n_steps"] = json.dumps([r["n_steps"] for r in records])
        attrs["n_events"] = json.dumps([r["n_events"] for r in records])
        attrs["random_streams"] = ("counter-based SplitMix64, one stream per NC (seed, global "
                                   "NC index slice * n_nanocrystals + i)")
    else:
        attrs["n_rhs_evaluations"] = json.dumps([r["n_rhs_evaluations"] for r in records])
    ds = xr.Dataset(dv, coords=coords, attrs=attrs)
    for name, var in ds.data_vars.items():
        if not np.all(np.isfinite(var.values)):
            raise RuntimeError(f"non-finite values in {name}")  # pragma: no cover (a bug)
    return ds


def simulate_stripe(sample, film, stripe, times, *, mean_excitons=None, fluence=None,
                    generation_rate=None, method="rate-equations", n_max=None, rtol=1e-5,
                    n_nanocrystals=20_000, seed=0, dt=None, field=True,
                    energy_bins=STRIPE_ENERGY_BINS, progress=False) -> xr.Dataset:
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
        Relative tolerance of the ODE solver (rate equations).
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
    energy_bins : int, default STRIPE_ENERGY_BINS (32)
        Bins of E_i per class, in [8, 1024] (the twin's states; the Monte Carlo's
        histograms). At 32 the twin's stimulated emission in strong ASE lies ~5 % above
        its 96-bin value (measured for a type-II stripe; docs/theory.md, section 10).
    progress : bool, default False
        Progress bar over simulated time.

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
        n_nanocrystals (per slice), dt_ps and, for the Monte Carlo, the steps.

    Raises
    ------
    ValueError
        For invalid input (the message names the parameter), before any work;
        also if the Monte Carlo state would not fit into the available memory.

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
    problem = _StripeProblem.build(sample, film, stripe, times, mean_excitons=mean_excitons,
                                   fluence=fluence, generation_rate=generation_rate,
                                   method=method, n_max=n_max, n_nanocrystals=n_nanocrystals,
                                   seed=seed, dt=dt, field_on=field, energy_bins=energy_bins)
    bar = None
    if progress:
        from tqdm.auto import tqdm
        bar = tqdm(total=float(problem.times[-1]) * problem.pump.size, unit="ps", desc=method)
    records = []
    for k in range(problem.pump.size):
        if method == "monte-carlo":
            records.append(problem.monte_carlo(k, progress=None if bar is None else bar.update))
        else:
            records.append(problem.rate_equations(k, rtol))
            if bar is not None:
                bar.update(float(problem.times[-1]))
    if bar is not None:
        bar.close()
    return _dataset(problem, records)
