"""The validated stripe problem: :class:`_StripeProblem` and the light it carries.

The slices of the stripe, their populations' shapes and pump, and what both methods
read off the populations: the quasi-static light (:func:`_light_kernel`), its drift,
the unamplified edge emission and the observables. The twin (:mod:`.stripe_twin`),
the Monte Carlo (:mod:`.stripe_monte_carlo`) and the dataset (:mod:`.stripe_dataset`)
read it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np
from numba import njit

from ncgain.models import Film, Sample
from ncgain.models.resonator import SPEED_OF_LIGHT_CM_PER_PS, Stripe
from ncgain.models.state_table import StateTable

from .. import memory
from ..inputs import PHOTON_ENERGY_J_PER_EV, _as_1d, _check_int, validate_times
from . import _coupling as field
from ._common import (BYTES_PER_NC, _check_photon_inputs, _initial, _min_steps,
                     _rate_table_bytes, _resolve_pump, _resolve_step, _up_rate)

__all__ = ["STRIPE_METHODS", "BOOK_TERMS", "STRIPE_ENERGY_BINS", "mean_excitons_from_fluence"]


#: Methods of :func:`simulate_stripe` (the first is the default).
STRIPE_METHODS = ("rate-equations", "monte-carlo")


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


@njit(cache=True)
def _drift_kernel(p, w_ab, w_em, up, dn, dp):
    """Master-equation flow along n of every (slice, class, bin) chain (physics-free loop).

    All arrays (J, K, S, B) but ``up``, ``dn`` (K, S, B): the flow up f_up = (up + w_ab) p
    and down f_dn = (dn + w_em) p leave state n and enter n + 1 and n - 1. The sums are
    formed in the order of the former NumPy expression -(f_up + f_dn) + f_up[n-1] +
    f_dn[n+1], so the result is the same to the last bit (one pass, no temporaries: the
    rate equations call it at every Newton iteration).
    """
    n_sl, kk, s, b = p.shape
    for j in range(n_sl):
        for c in range(kk):
            for n in range(s):
                for e in range(b):
                    f_up = (up[c, n, e] + w_ab[j, c, n, e]) * p[j, c, n, e]
                    f_dn = (dn[c, n, e] + w_em[j, c, n, e]) * p[j, c, n, e]
                    x = -(f_up + f_dn)
                    if n > 0:
                        x += (up[c, n - 1, e] + w_ab[j, c, n - 1, e]) * p[j, c, n - 1, e]
                    if n < s - 1:
                        x += (dn[c, n + 1, e] + w_em[j, c, n + 1, e]) * p[j, c, n + 1, e]
                    dp[j, c, n, e] = x


# ----------------------------------------------------------------------------- the problem

def _pump_name(kind, fluence):
    """The pump parameter the user gave (for messages)."""
    return "generation_rate" if kind == "cw" else "fluence" if fluence is not None \
        else "mean_excitons"


def _check_size(method, pump_name, n_pumps, times, table, energy_bins, stripe, n_nanocrystals,
                dt, field_on, channels):
    """Peak memory and work of the run, refused before the coupling matrices exist."""
    n_exc = table.n_max + 1
    n_p = table.n_classes * n_exc * energy_bins
    nch = channels.size
    mc = method == "monte-carlo"
    dims = {pump_name: n_pumps, "times": times.size, "slices": stripe.slices,
            "channels": nch, "energy_bins": energy_bins}
    state = 0.0
    if mc:
        dims = {"n_nanocrystals": n_nanocrystals, **dims}
        parts = numba.get_num_threads()
        per_slice = parts * (n_p * 8 + (5 + 3 * nch) * 8)
        state = float(n_nanocrystals) * stripe.slices * BYTES_PER_NC \
            + stripe.slices * per_slice + _rate_table_bytes(table, channels) \
            + 8 * stripe.slices * (4 * n_p + 6 * nch)
    memory.check_fits(memory.stripe_bytes(
        method=method, n_pumps=n_pumps, n_times=times.size, slices=stripe.slices,
        n_states=n_p, n_channels=nch, n_excitons=n_exc, monte_carlo_state=state),
        dims, what="simulate_stripe")
    if mc:
        steps = max(times.size, _min_steps(times, dt) if field_on else 1)
        memory.check_work(float(n_nanocrystals) * stripe.slices * n_pumps * steps, "NC-steps",
                          {"n_nanocrystals": n_nanocrystals, "slices": stripe.slices,
                           pump_name: n_pumps, "steps (times / dt)": steps},
                          what="simulate_stripe")
    # the coupling matrices (both methods), and every right-hand side of the rate equations
    memory.check_work(float(n_p) * (nch + 100) if mc
                      else float(n_pumps) * stripe.slices * n_p * (nch + 100),
                      "state-channels", {**({} if mc else {pump_name: n_pumps,
                                                           "slices": stripe.slices}),
                                         "channels": nch, "energy_bins": energy_bins,
                                         "n_max": table.n_max}, what="simulate_stripe")


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
        if method == "monte-carlo":
            field.require_one_width_per_class(table, lines)
        channels = field.default_channels(sample, table, stripe.channels, stripe.channel_range)
        spont_coef = field.spontaneous_coefficients(table, lines, stripe.spontaneous_coupling,
                                                    channels)
        bins = field.energy_bins(table, energy_bins)
        _check_size(method, _pump_name(kind, fluence), pump.size, times, table, energy_bins,
                    stripe, n_nanocrystals, dt, field_on, channels)
        cp = field.coupling_matrices(table, lines, bins, channels, spont_coef)
        kk, s, b, nch = cp.em.shape
        n_p = kk * s * b
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
        dp = np.empty((n_sl, kk, s, b))
        _drift_kernel(np.ascontiguousarray(p).reshape(n_sl, kk, s, b),
                      w_ab.reshape(n_sl, kk, s, b), w_em.reshape(n_sl, kk, s, b),
                      up.reshape(kk, s, b), self.dn.reshape(kk, s, b), dp)
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
