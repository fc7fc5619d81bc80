"""A laser cavity: the ensemble coupled to a photon field, :func:`simulate_cavity`.

Two methods with one schema:

* ``"monte-carlo"``: every NC carries its own continuous emission energy E_i
  and exciton number; the field (photons per NC in each spectral channel) is
  fixed within a step dt, each NC's events within the step are exact
  (:mod:`._field_kernels`), and the field is updated from the step's counted
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

import json
import os
import warnings
from dataclasses import dataclass

import numba
import numpy as np
import xarray as xr
from scipy import integrate, optimize, sparse, special
from threadpoolctl import threadpool_limits

from ncgain import models
from ncgain.models import Film, Sample
from ncgain.models.resonator import Cavity, SPEED_OF_LIGHT_CM_PER_PS
from ncgain.models.state_table import StateTable, build_state_table

from . import _field as field
from . import _field_kernels, _kernels, excitation
from ._field_rates import StimulatedRates, spontaneous_bound, uniform_step
from .pulsed import (PHOTON_ENERGY_J_PER_EV, _as_1d, _check_choice, _check_int, resolve_sample,
                     validate_times)

__all__ = ["simulate_cavity", "cavity_gain_threshold", "CAVITY_METHODS", "BYTES_PER_NC",
           "generation_rate_from_intensity", "intensity_from_generation_rate",
           "cavity_steady_state", "cavity_small_signal"]

CAVITY_METHODS = ("monte-carlo", "rate-equations")
#: Per-NC memory of the Monte Carlo state (class, n, E_i, clock, stream counter).
BYTES_PER_NC = 1 + 1 + 8 + 8 + 4
#: Largest allowed dt times the fastest rate of a NC or of the field.
MAX_RATE_STEP = 0.5
#: Default dt times the fastest rate.
DEFAULT_RATE_STEP = 0.05
#: Largest allowed (kappa g - Lambda) dt of a growing field (adaptive step).
MAX_GROWTH_STEP = 0.2
#: Largest gross stimulated turnover per photon (emission + absorption) times dt.
MAX_TURNOVER_STEP = 0.25
#: Energy bins of E_i (spectra, histogram, predictor and the twin).
N_ENERGY_BINS = 160
#: Largest steady-state mass allowed in the top state n_max under c.w. pumping.
CW_TAIL = 1e-7


# ----------------------------------------------------------------------------- pump units

def generation_rate_from_intensity(intensity, sample: Sample):
    """Excitons per NC per ps from a pump intensity: G = sigma_pump I / (h nu).

    Parameters
    ----------
    intensity : array_like
        Pump intensity (W cm^-2).
    sample : models.Sample
        Gives the number-weighted sigma_pump (cm^2) and the pump energy (eV).

    Returns
    -------
    ndarray
        G in excitons per NC per ps.
    """
    sigma = sum(w * s.sigma_pump for w, s in sample.size_classes())
    return np.asarray(intensity, float) * sigma / (sample.pump_energy * PHOTON_ENERGY_J_PER_EV) \
        * 1e-12


def intensity_from_generation_rate(rate, sample: Sample):
    """Pump intensity giving ``rate`` excitons per NC per ps (inverse of the above).

    Parameters
    ----------
    rate : array_like
        Generation rate G (excitons per NC per ps).
    sample : models.Sample
        Gives sigma_pump (cm^2) and the pump energy (eV).

    Returns
    -------
    ndarray
        Pump intensity in W cm^-2.
    """
    sigma = sum(w * s.sigma_pump for w, s in sample.size_classes())
    return np.asarray(rate, float) * 1e12 * sample.pump_energy * PHOTON_ENERGY_J_PER_EV / sigma


def _cw_steady(table: StateTable, rate: float) -> np.ndarray:
    """Closed-form no-field c.w. steady state p[c, n]: p_n / p_{n-1} = G_c / k(n)."""
    out = np.zeros((table.n_classes, table.n_max + 1))
    for c in range(table.n_classes):
        g = rate * table.pump_scale[c]
        logp = np.zeros(table.n_max + 1)
        for n in range(1, table.n_max + 1):
            logp[n] = logp[n - 1] + (np.log(g) - np.log(table.decay_rate[c, n]) if g > 0
                                     else -np.inf)
        logp -= logp.max()
        p = np.exp(logp)
        out[c] = p / p.sum()
    return out


def _cw_n_max(sample: Sample, max_rate: float) -> int:
    g = sample.degeneracy
    for n_max in range(g + 1, 201):
        table = build_state_table(sample, n_max)
        if _cw_steady(table, max_rate)[:, -1].max() <= CW_TAIL:
            return n_max
    raise ValueError(f"generation_rate = {max_rate!r} ps^-1 is outside the allowed range: "
                     "the c.w. steady state needs more than 200 excitons per NC")



# ----------------------------------------------------------------------------- shared checks

def _check_photon_inputs(sample, film, resonator, resonator_type, name, method, methods,
                         field_on):
    """Validate what the cavity and the stripe share; returns the resolved Sample."""
    sample = resolve_sample(sample)
    if not isinstance(sample, Sample):
        raise ValueError(f"sample must be a models.Sample or a preset name, got {sample!r}")
    if not isinstance(film, Film):
        raise ValueError(f"film must be a models.Film, got {film!r}")
    if not isinstance(resonator, resonator_type):
        raise ValueError(f"{name} must be a models.{resonator_type.__name__}, got {resonator!r}")
    _check_choice("method", method, methods)
    if not isinstance(field_on, (bool, np.bool_)):
        raise ValueError(f"field = {field_on!r} must be True or False")
    return sample


def _resolve_pump(sample, *, generation_rate, mean_excitons, n_max, n_draws):
    """Pump kind ("cw" or "pulsed"), pump values and the state table of a photon-field run.

    n_max defaults to the c.w. steady state's (tail <= CW_TAIL) or to the Poisson
    pulse's for ``n_draws`` sampled NCs (1 for a deterministic method).
    """
    g = sample.degeneracy
    if generation_rate is not None:
        kind = "cw"
        pump = _as_1d("generation_rate", generation_rate, unit="excitons per NC per ps")
        if (pump < 0).any() or pump.max() > 100.0:
            raise ValueError(f"generation_rate = {float(pump[(pump < 0) | (pump > 100)][0])!r}"
                             " ps^-1 is outside the allowed range [0, 100] per NC per ps")
        if n_max is None:
            n_max = _cw_n_max(sample, float(pump.max()))   # pump_scale applied inside
    else:
        kind = "pulsed"
        pump = _as_1d("mean_excitons", mean_excitons, unit="excitons per NC")
        if (pump < 0).any() or pump.max() > 50.0:
            raise ValueError(f"mean_excitons = {float(pump[(pump < 0) | (pump > 50)][0])!r} is "
                             "outside the allowed range [0, 50] excitons per NC")
        lam = float(pump.max()) * float(build_state_table(sample, g).pump_scale.max())
        if n_max is None:
            n_max = max(excitation.required_n_max(lam, g, n_draws), g + 1)
    n_max = _check_int("n_max", n_max, g + 1, 200)
    table = build_state_table(sample, n_max)
    if kind == "cw" and float(_cw_steady(table, float(pump.max()))[:, -1].max()) > 1e-3:
        raise ValueError(f"n_max = {n_max} is too small for generation_rate up to "
                         f"{pump.max():g} ps^-1 (steady-state mass in n_max > 1e-3)")
    return kind, pump, n_max, table


def _resolve_step(dt, r_fast, *, field_on, t_last, fastest):
    """The Monte Carlo step (ps): default DEFAULT_RATE_STEP / r_fast, at most MAX_RATE_STEP / r_fast.

    With the field off one step spans the whole run (the events are exact).
    ``fastest`` names what sets r_fast, for the error message.
    """
    if dt is None:
        return DEFAULT_RATE_STEP / r_fast if field_on else float(t_last) + 1.0
    try:
        dt = float(dt)
    except (TypeError, ValueError):
        raise ValueError(f"dt = {dt!r} must be a time step in ps") from None
    if not (np.isfinite(dt) and 0 < dt <= MAX_RATE_STEP / r_fast):
        raise ValueError(
            f"dt = {dt!r} ps is outside the allowed range (0, {MAX_RATE_STEP / r_fast:.4g}] ps: "
            f"dt times the fastest rate ({r_fast:.4g} ps^-1: {fastest}) must be <= "
            f"{MAX_RATE_STEP}")
    return dt



def _up_rate(table: StateTable, kind: str, pump: float) -> np.ndarray:
    """Up rates (K, S) of a photon-field run: c.w. G pump_scale below n_max, else 0."""
    up = np.zeros_like(table.decay_rate)
    if kind == "cw":
        up[:, :-1] = pump * table.pump_scale[:, None]
    return up


def _initial(table: StateTable, kind: str, pump: float) -> np.ndarray:
    """Initial p[c, n] of a photon-field run: c.w. the ground state, pulsed Poisson <N>."""
    if kind == "cw":
        p = np.zeros_like(table.decay_rate)
        p[:, 0] = 1.0
        return p
    p = excitation.initial_distribution(np.array([pump]), table.pump_scale, table.n_max,
                                        "poisson")[0]
    p[:, -1] += np.clip(1.0 - p.sum(axis=1), 0.0, None)  # tail (< 1e-10) into n_max
    return p

# ----------------------------------------------------------------------------- the problem

@dataclass(frozen=True, eq=False)
class CavityProblem:
    """A validated cavity problem: plain arrays for both methods."""

    sample: Sample
    film: Film
    cavity: Cavity
    table: StateTable
    lines: field.TransitionLines
    bins: field.EnergyBins
    channels: np.ndarray
    coupling: field.CouplingMatrices
    spont_coef: np.ndarray
    kappa: float
    loss_rate: float          # Lambda, 1/ps
    output_rate: float        # 1/tau_c, 1/ps
    times: np.ndarray
    dt: float
    pump_kind: str            # "cw" or "pulsed"
    pump: np.ndarray          # generation rates (1/ps) or <N>
    n_nanocrystals: int
    seed: int
    field_on: bool
    average_from: float

    @classmethod
    def build(cls, sample, film, cavity, times, *, generation_rate=None, mean_excitons=None,
              n_nanocrystals=100_000, seed=0, method="monte-carlo", dt=None, field_on=True,
              n_max=None, average_from=None, energy_bins=N_ENERGY_BINS):
        sample = _check_photon_inputs(sample, film, cavity, Cavity, "cavity", method,
                                      CAVITY_METHODS, field_on)
        n_nanocrystals = _check_int("n_nanocrystals", n_nanocrystals, 1, 10 ** 9)
        seed = _check_int("seed", seed, 0, 2 ** 63 - 1)
        times = validate_times(times)
        if (generation_rate is None) == (mean_excitons is None):
            raise ValueError("give exactly one of generation_rate (c.w., excitons per NC per ps) "
                             "and mean_excitons (pulsed, <N> after the pulse)")
        g = sample.degeneracy
        kind, pump, n_max, table = _resolve_pump(
            sample, generation_rate=generation_rate, mean_excitons=mean_excitons, n_max=n_max,
            n_draws=n_nanocrystals)
        energy_bins = _check_int("energy_bins", energy_bins, 8, 2000)
        if method == "monte-carlo":
            need = n_nanocrystals * BYTES_PER_NC
            try:
                avail = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
            except (ValueError, OSError, AttributeError):  # pragma: no cover
                avail = 8 << 30
            if need > 0.5 * avail:
                raise ValueError(
                    f"n_nanocrystals = {n_nanocrystals} needs {need / 2**30:.2f} GiB of per-NC state "
                    f"({BYTES_PER_NC} bytes per NC), more than half the available memory "
                    f"({avail / 2**30:.2f} GiB)")
        lines = field.transition_lines(table)
        channels = field.default_channels(sample, table, cavity.channels, cavity.channel_range)
        beta = cavity.spontaneous_coupling
        spont_coef = field.spontaneous_coefficients(table, lines, beta, channels)
        bins = field.energy_bins(table, energy_bins)
        coupling = field.coupling_matrices(table, lines, bins, channels, spont_coef)
        kap = field.kappa(film, cavity.group_index)
        e_c = float(np.mean(channels))
        out_rate = 1.0 / cavity.lifetime(e_c)
        loss_rate = out_rate + SPEED_OF_LIGHT_CM_PER_PS / cavity.group_index * film.loss
        # The fastest rates: the field's loss, a NC's decay or pump.
        up_max = float(pump.max() * table.pump_scale.max()) if kind == "cw" else 0.0
        # NC events are exact within a step; dt bounds how far the populations move
        # under a frozen field: photon loss, the decay of states up to n = g, the pump.
        r_fast = max(loss_rate, float(table.decay_rate[:, :g + 1].max()), up_max)
        dt = _resolve_step(dt, r_fast, field_on=field_on, t_last=times[-1],
                           fastest="photon loss, NC decay or pump")
        if average_from is None:
            average_from = float(times[-1]) / 2 if times.size > 1 else 0.0
        else:
            average_from = float(average_from)
            if not (np.isfinite(average_from) and 0 <= average_from < times[-1]):
                raise ValueError(f"average_from = {average_from!r} ps is outside the allowed "
                                 f"range [0, {times[-1]:g}) ps")
        return cls(sample, film, cavity, table, lines, bins, channels, coupling, spont_coef, kap,
                   loss_rate, out_rate, times, dt, kind, pump, n_nanocrystals, seed,
                   bool(field_on), average_from)

    # -- pump ----------------------------------------------------------------------------

    def up_rate(self, k: int) -> np.ndarray:
        """Up rates (K, S) for pump value k (c.w.: G pump_scale below n_max)."""
        return _up_rate(self.table, self.pump_kind, self.pump[k])

    def initial(self, k: int) -> np.ndarray:
        """Initial p[c, n] for pump value k (c.w.: ground state; pulsed: Poisson)."""
        return _initial(self.table, self.pump_kind, self.pump[k])

    # -- the rate equations ----------------------------------------------------------------

    def rate_equations(self, k: int, rtol=1e-7):
        """Solve the twin for pump value k; returns a dict of records at ``times``."""
        tab, cp = self.table, self.coupling
        kk, s, b = cp.em.shape[:3]
        nch = self.channels.size
        up = self.up_rate(k)[:, :, None]
        dn = tab.decay_rate[:, :, None]
        kap = self.kappa if self.field_on else 0.0
        spont = cp.spont if self.field_on else np.zeros_like(cp.spont)
        spont_tot = spont.sum(axis=3)
        net = cp.em - cp.absorb
        n_p = kk * s * b
        vloss = self.loss_rate - self.output_rate

        # 2-D views (n_p, C) of the coupling: matrix-vector products instead of einsums.
        em2 = cp.em.reshape(n_p, nch)
        ab2 = cp.absorb.reshape(n_p, nch)
        net2 = net.reshape(n_p, nch)
        spont2 = spont.reshape(n_p, nch)
        up_full = np.broadcast_to(up, (kk, s, b)).ravel()
        dn_full = np.broadcast_to(dn, (kk, s, b)).ravel()
        spont_flat = np.broadcast_to(spont_tot, (kk, s, b)).ravel()

        def rhs(_t, y):
            p = y[:n_p].reshape(kk, s, b)
            q = np.maximum(y[n_p:n_p + nch], 0.0)
            w_em = kap * (em2 @ q).reshape(kk, s, b)
            w_ab = kap * (ab2 @ q).reshape(kk, s, b)
            f_up = (up + w_ab) * p
            f_dn = (dn + w_em) * p
            dp = -f_up - f_dn
            dp[:, 1:] += f_up[:, :-1]
            dp[:, :-1] += f_dn[:, 1:]
            pf = y[:n_p]
            dq = kap * q * (pf @ net2) + pf @ spont2 - self.loss_rate * y[n_p:n_p + nch]
            spf = float(pf @ spont_flat)
            cum = [float(up_full @ pf), float((w_ab * p).sum()), float((w_em * p).sum()), spf,
                   float(dn_full @ pf) - spf, vloss * float(q.sum())]
            return np.concatenate([dp.ravel(), dq, cum, self.output_rate * q])

        n_y = n_p + nch + 6 + nch
        idx = np.arange(n_p).reshape(kk, s, b)
        iq = n_p + np.arange(nch)
        ic = n_p + nch
        # The Jacobian's sparsity pattern is fixed: build the (row, col) lists once, in
        # blocks, and fill only the values at each call (COO -> CSC, duplicates none).
        all_p = np.arange(n_p)
        blocks = [
            (idx.ravel(), idx.ravel()),                                   # 0 pp diagonal
            (idx[:, 1:].ravel(), idx[:, :-1].ravel()),                    # 1 pp up (n-1 -> n)
            (idx[:, :-1].ravel(), idx[:, 1:].ravel()),                    # 2 pp down (n+1 -> n)
            (np.repeat(all_p, nch), np.tile(iq, n_p)),                    # 3 p vs q
            (np.repeat(iq, n_p), np.tile(all_p, nch)),                    # 4 q vs p
            (iq, iq),                                                     # 5 q diagonal
            (np.repeat(ic + np.arange(5), n_p), np.tile(all_p, 5)),       # 6 books vs p
            (np.repeat(ic + np.array([1, 2, 5]), nch), np.tile(iq, 3)),   # 7 books vs q
            (ic + 6 + np.arange(nch), iq),                                # 8 output vs q
        ]
        rows = np.concatenate([r for r, _ in blocks])
        cols = np.concatenate([c for _, c in blocks])
        order = np.lexsort((rows, cols))                                  # CSC order
        csc_indices = rows[order].astype(np.int32)
        csc_indptr = np.searchsorted(cols[order], np.arange(n_y + 1)).astype(np.int32)
        books_q_out = np.full(nch, self.output_rate)
        vloss_q = np.full(nch, vloss)

        def jac(_t, y):
            p = y[:n_p].reshape(kk, s, b)
            q = np.maximum(y[n_p:n_p + nch], 0.0)
            w_em = kap * (em2 @ q).reshape(kk, s, b)
            w_ab = kap * (ab2 @ q).reshape(kk, s, b)
            r_up = up + w_ab
            r_dn = dn + w_em
            # populations vs field
            d_up = kap * cp.absorb * p[..., None]      # d f_up / d q_k
            d_dn = kap * cp.em * p[..., None]
            dpq = -d_up - d_dn
            dpq[:, 1:] += d_up[:, :-1]
            dpq[:, :-1] += d_dn[:, 1:]
            pf = y[:n_p]
            vals = np.concatenate([
                -(r_up + r_dn).ravel(),
                r_up[:, :-1].ravel(),
                r_dn[:, 1:].ravel(),
                dpq.ravel(),
                (kap * q[None, :] * net2 + spont2).T.ravel(),
                kap * (pf @ net2) - self.loss_rate,
                up_full, w_ab.ravel(), w_em.ravel(), spont_flat, dn_full - spont_flat,
                kap * (pf @ ab2), kap * (pf @ em2), vloss_q,
                books_q_out,
            ])
            return sparse.csc_matrix((vals[order], csc_indices, csc_indptr), shape=(n_y, n_y))

        p0 = self.initial(k)[:, :, None] * self.bins.mass[:, None, :] \
            * tab.class_weight[:, None, None]
        y0 = np.concatenate([p0.ravel(), np.zeros(nch), np.zeros(6 + nch)])
        t_eval = self.times
        # BDF's rejected trial steps can leave the physical range (stimulated terms turn
        # a negative trial population into overflow); the solver then shrinks the step.
        # Only the accepted solution counts, and it is checked for finiteness below.
        with warnings.catch_warnings(), np.errstate(over="ignore", invalid="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)
            sol = integrate.solve_ivp(rhs, (0.0, float(self.times[-1])), y0, method="BDF",
                                      t_eval=t_eval, rtol=rtol, atol=1e-14, jac=jac)
        if not sol.success:  # pragma: no cover
            raise RuntimeError(f"rate equations failed: {sol.message}")
        if not np.all(np.isfinite(sol.y)):  # pragma: no cover
            raise RuntimeError("cavity rate equations produced non-finite values")
        y = sol.y.T
        return {
            "occupation": y[:, :n_p].reshape(-1, kk, s, b),
            "photons": y[:, n_p:n_p + nch],
            "cumulative": y[:, n_p + nch:n_p + nch + 6],
            "output": y[:, n_p + nch + 6:],
            "photon_books": np.column_stack([y[:, n_p + nch + 2], y[:, n_p + nch + 1],
                                             y[:, n_p + nch + 3], y[:, n_p + nch + 6:].sum(axis=1),
                                             y[:, n_p + nch + 5], y[:, n_p:n_p + nch].sum(axis=1)]),
            "initial_excitons": float((p0.sum(axis=(0, 2)) * np.arange(s)).sum()),
            "n_steps": int(sol.t.size),
        }

    # -- the Monte Carlo -------------------------------------------------------------------

    def monte_carlo(self, k: int, progress=None):
        """Run the Monte Carlo for pump value k; returns a dict of records at ``times``."""
        tab, cp = self.table, self.coupling
        n = self.n_nanocrystals
        kk, s, b = cp.em.shape[:3]
        nch = self.channels.size
        parts = numba.get_num_threads()
        key = np.uint64(_kernels.seed_key(self.seed))
        nc_class = np.empty(n, np.uint8)
        nc_n = np.empty(n, np.uint8)
        nc_e = np.empty(n, np.float64)
        nc_clock = np.empty(n, np.float64)
        nc_counter = np.empty(n, np.uint32)
        overflow = np.zeros(parts, np.int64)
        init = self.initial(k)
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
        up = np.ascontiguousarray(self.up_rate(k))
        dn = np.ascontiguousarray(tab.decay_rate)
        lorentz = tab.lineshape == "lorentzian"
        # stimulated rates per (class, n) on a grid of E_i covering every NC
        rates = StimulatedRates(tab, self.lines, self.channels, self.kappa / cp.a_peak / n,
                                float(nc_e.min()), float(nc_e.max()), up + dn)
        ch_width = field.channel_widths(self.channels)
        spont_bound = spontaneous_bound(tab, self.spont_coef, self.channels)
        ch_step = uniform_step(self.channels)
        em2, ab2, sp2 = (np.ascontiguousarray(m.reshape(kk * s * b, nch))
                         for m in (cp.em, cp.absorb, cp.spont))
        sums = np.zeros((3, nch))
        hist = np.zeros((parts, kk, s, b), np.int64)
        _field_kernels._field_histogram(nc_class, nc_e, nc_n, self.bins.lo, self.bins.inv_width,
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
        kap = self.kappa
        while j < self.times.size:
            if t >= self.times[j] - 1e-12 * max(1.0, self.times[j]):
                rec["occupation"].append(counts / float(n))
                rec["photons"].append(q.copy())
                rec["cumulative"].append(np.concatenate([cum / n, [ledger[4].sum()]]))
                rec["output"].append(ledger[3].copy())
                rec["photon_books"].append(np.concatenate([ledger.sum(axis=1), [q.sum()]]))
                j += 1
                continue
            dt = min(self.dt, float(self.times[j]) - t)
            if self.field_on:
                # the field over the step: backward Euler with the current populations
                _field_kernels._channel_sums(counts.ravel(), em2, ab2, sp2, sums)
                em_k, ab_k, feed = sums / float(n)
                gain = em_k - ab_k
                gross = kap * float(np.max(em_k + ab_k))
                growth = float(np.max(kap * gain - self.loss_rate))
                dt = min(dt, MAX_TURNOVER_STEP / max(gross, 1e-300),
                         MAX_GROWTH_STEP / max(growth, 1e-300))
                q_bar = (q + feed * dt) / (1.0 + (self.loss_rate - kap * gain) * dt)
                ledger[0] += kap * em_k * q_bar * dt
                ledger[1] += kap * ab_k * q_bar * dt
                ledger[2] += feed * dt
                ledger[3] += self.output_rate * q_bar * dt
                ledger[4] += (self.loss_rate - self.output_rate) * q_bar * dt
                q = q_bar
            p_bar = q * n
            if self.field_on:
                rates.update(p_bar)
            n_ev[...] = 0
            ph[...] = 0
            hist[...] = 0
            _field_kernels._field_step(
                key, 0, dt, self.field_on, nc_class, nc_e, nc_n, nc_clock, nc_counter, up, dn,
                rates.em, rates.absorb, rates.total, rates.e0, rates.inv_dx,
                self.lines.em_strength, self.lines.em_offset, self.lines.abs_strength,
                self.lines.abs_offset, self.spont_coef, spont_bound, self.channels, ch_step,
                p_bar, ch_width, tab.homogeneous_width, lorentz, self.bins.lo,
                self.bins.inv_width, n_ev, ph[0], ph[1], ph[2], hist)
            counts += hist.sum(axis=0)     # the histogram moves by the NCs' changes of n
            cum += n_ev.sum(axis=0)
            t += dt
            steps += 1
            if progress is not None:
                progress(dt)
        # the histogram kept by deltas is the histogram of the final NC states (exact integers)
        hist[...] = 0
        _field_kernels._field_histogram(nc_class, nc_e, nc_n, self.bins.lo, self.bins.inv_width,
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
        }


# ----------------------------------------------------------------------------- thresholds

def _chain_steady(problem: CavityProblem, rate: float, q: np.ndarray) -> np.ndarray:
    """Steady occupation (K, S, B) of every (class, bin) chain at a fixed field q.

    Each (class, energy bin) is a birth-death chain in n with up rate
    G pump_scale + kappa sum_k absorb q_k (below n_max) and down rate
    k(n) + kappa sum_k em q_k, so its steady state is detailed balance:
    p_n / p_{n-1} = r_up(n-1) / r_dn(n).
    """
    tab, cp = problem.table, problem.coupling
    kap = problem.kappa
    r_up = rate * tab.pump_scale[:, None, None] + kap * np.einsum("cnbk,k->cnb", cp.absorb, q)
    r_dn = tab.decay_rate[:, :, None] + kap * np.einsum("cnbk,k->cnb", cp.em, q)
    with np.errstate(divide="ignore"):
        step = np.log(r_up[:, :-1]) - np.log(r_dn[:, 1:])
    logp = np.concatenate([np.zeros_like(r_up[:, :1]), np.cumsum(step, axis=1)], axis=1)
    logp -= logp.max(axis=1, keepdims=True)
    p = np.exp(logp)
    p /= p.sum(axis=1, keepdims=True)
    return p * problem.bins.mass[:, None, :] * tab.class_weight[:, None, None]


#: Largest relative residual abs(dQ_k/dt) / (Lambda Q_k) accepted by :func:`cavity_steady_state`.
STEADY_RTOL = 1e-9


def _check_rates(problem: CavityProblem, rates, name: str) -> np.ndarray:
    """Generation rates for the c.w. twin of ``problem``: 1-d, finite, in [0, 100], and
    within what the problem's n_max can hold (as :func:`_resolve_pump` checks at build)."""
    try:
        arr = np.atleast_1d(np.asarray(rates, float))
    except (TypeError, ValueError):
        raise ValueError(f"{name} = {rates!r} must be generation rates in ps^-1") from None
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} = {rates!r} must be a non-empty 1-d list of generation rates")
    bad = ~np.isfinite(arr) | (arr < 0) | (arr > 100.0)
    if bad.any():
        raise ValueError(f"{name} = {float(arr[bad][0])!r} ps^-1 is outside the allowed range "
                         "[0, 100] per NC per ps")
    top = float(_cw_steady(problem.table, float(arr.max()))[:, -1].max())
    if top > 1e-3:
        raise ValueError(f"{name} up to {arr.max():g} ps^-1 needs more states than the "
                         f"problem's n_max = {problem.table.n_max} (no-field steady-state mass "
                         f"in n_max {top:.2g} > 1e-3): build the problem with the largest rate")
    return arr


def cavity_steady_state(problem: CavityProblem, rates=None) -> dict:
    """c.w. steady states of the rate-equation twin, by a root solve (no transient).

    At a steady state every (class, energy bin) chain is in detailed balance
    at the field Q (:func:`_chain_steady`), so only the channel photon numbers
    are unknown: ``kappa g_k(Q) + S_k(Q) / Q_k - Lambda = 0`` for every
    channel k (the photon equation divided by Q_k > 0), solved for log Q_k
    with MINPACK's hybrid method. The rates are solved in increasing order,
    each from the previous solution (continuation along the L-L curve, the
    branch that grows out of the non-lasing state); a failed step is halved
    in log G. This is the fixed point the transient of
    :meth:`CavityProblem.rate_equations` tends to (checked in the tests), at a
    cost of milliseconds instead of a stiff transient over many tau_X.

    Parameters
    ----------
    problem : CavityProblem
        A validated c.w. cavity problem (its field must be on).
    rates : array_like of float, optional
        Generation rates G (excitons per NC per ps), >= 0; default the
        problem's pump values.

    Returns
    -------
    dict
        ``occupation`` (P, K, S, B) fractions of NCs, ``photons`` (P, C) per NC,
        ``output`` (P, C) output photons per NC per ps per channel,
        ``net_gain`` (P, C) (-alpha/alpha_0(peak)), ``residual`` (P,) the
        largest abs(dQ_k/dt) / (Lambda Q_k) reached (<= STEADY_RTOL).

    Raises
    ------
    ValueError
        If the problem is pulsed or has the field off, ``rates`` is empty, a rate
        is negative, non-finite or above 100 ps^-1, or the problem's n_max is too
        small for the largest rate (no-field steady-state mass in n_max > 1e-3:
        build the problem with the largest rate).
    RuntimeError
        If the root solve does not converge (a bug: report it).
    """
    if problem.pump_kind != "cw" or not problem.field_on:
        raise ValueError("cavity_steady_state needs a c.w. problem with the field on, got "
                         f"pump_kind = {problem.pump_kind!r}, field = {problem.field_on!r}")
    rates = _check_rates(problem, problem.pump if rates is None else rates, "rates")
    cp = problem.coupling
    net = cp.em - cp.absorb
    kap, lam = problem.kappa, problem.loss_rate

    def parts(rate, x):
        q = np.exp(x)
        p = _chain_steady(problem, rate, q)
        return p, q, np.einsum("cnb,cnbk->k", p, net), np.einsum("cnb,cnbk->k", p, cp.spont)

    def resid(x, rate):
        if not np.all(np.abs(x) < 700.0):   # a trial step of the solver beyond any field
            return np.full(x.shape, 1e300)
        _, q, g, s = parts(rate, x)
        return (kap * g + s / q - lam) / lam

    def solve(rate, x0):
        sol = optimize.root(resid, x0, args=(rate,), method="hybr", options={"xtol": 1e-13})
        r = np.max(np.abs(resid(sol.x, rate)))
        return sol.x, r

    order = np.argsort(rates)
    x_prev, g_prev = None, None
    out = [None] * rates.size
    for i in order:
        rate = float(rates[i])
        if rate == 0.0:   # no pump: no excitons, no photons
            q = np.zeros(problem.channels.size)
            p = _chain_steady(problem, 0.0, q)
            out[i] = (p, q, np.einsum("cnb,cnbk->k", p, net), 0.0)
            continue
        if x_prev is None:
            # start below threshold, where Q_k = S_k / (Lambda - kappa g_k) nearly holds
            g_start = min(rate, 0.5 * cavity_gain_threshold(problem)[0])
            _, _, g0, s0 = parts(g_start, np.full(problem.channels.size, -700.0))
            q0 = s0 / np.maximum(lam - kap * g0, 1e-3 * lam)
            x_prev, g_prev = np.log(np.maximum(q0, 1e-300)), g_start
            if g_start < rate:
                x_prev, r = solve(g_start, x_prev)
                if not r <= STEADY_RTOL:  # pragma: no cover
                    raise RuntimeError(f"cavity steady state did not converge at G = "
                                       f"{g_start:g} ps^-1 (relative residual {r:.2g})")
        # continuation from the previous rate, halving failed steps in log G
        targets = [rate]
        x, done = x_prev, g_prev
        for _ in range(200):
            if not targets:
                break
            tgt = targets[-1]
            x_new, r = solve(tgt, x)
            if r <= STEADY_RTOL and np.all(np.isfinite(x_new)):
                x, done = x_new, tgt
                targets.pop()
            else:
                mid = float(np.sqrt(max(done, 1e-30) * tgt)) if done > 0 else tgt / 2
                if not mid > 0 or abs(np.log(tgt / mid)) < 1e-6:
                    raise RuntimeError(f"cavity steady state did not converge at G = {tgt:g} "
                                       f"ps^-1 (relative residual {r:.2g})")
                targets.append(mid)
        if targets:  # pragma: no cover
            raise RuntimeError(f"cavity steady state did not converge at G = {rate:g} ps^-1")
        p, q, g, _ = parts(rate, x)
        out[i] = (p, q, g, float(np.max(np.abs(resid(x, rate)))))
        x_prev, g_prev = x, rate
    return {
        "occupation": np.stack([o[0] for o in out]),
        "photons": np.stack([o[1] for o in out]),
        "output": np.stack([o[1] for o in out]) * problem.output_rate,
        "net_gain": np.stack([o[2] for o in out]),
        "residual": np.array([o[3] for o in out]),
    }


def cavity_small_signal(problem: CavityProblem, rate: float, steady: dict | None = None) -> dict:
    """Small-signal dynamics of the twin about a c.w. steady state: stability and ringing.

    Linearises the rate equations (populations of every (class, n, energy bin)
    and the channel photon numbers) about the c.w. steady state at ``rate``
    (:func:`cavity_steady_state`) and diagonalises the exact Jacobian. Small
    deviations evolve as sums of exp(lambda t): the steady state is stable if
    every Re(lambda) < 0; each complex pair with abs(Im(lambda)) > abs(Re(lambda)) is
    an underdamped (relaxation-oscillation) mode with period 2 pi / Im(lambda)
    and damping rate -Re(lambda). The zero eigenvalues of the conserved chain
    masses (abs(lambda) < 1e-9 of the largest) are discarded.

    Parameters
    ----------
    problem : CavityProblem
        A validated c.w. cavity problem with the field on.
    rate : float
        Generation rate G (excitons per NC per ps).
    steady : dict, optional
        The output of :func:`cavity_steady_state` at this single rate.

    Returns
    -------
    dict
        ``growth_rate``: the largest Re(lambda) (1/ps; > 0 means the steady state
        is unstable); ``modes``: the underdamped eigenvalues with Im > 0
        (complex, 1/ps), sorted by increasing frequency.

    Raises
    ------
    ValueError
        If the problem is pulsed or has the field off, ``rate`` is not one rate
        in [0, 100] ps^-1 that the problem's n_max can hold, or ``steady`` is not
        the steady state at ``rate``.
    """
    if problem.pump_kind != "cw" or not problem.field_on:
        raise ValueError("cavity_small_signal needs a c.w. problem with the field on, got "
                         f"pump_kind = {problem.pump_kind!r}, field = {problem.field_on!r}")
    if np.ndim(rate) != 0:
        raise ValueError(f"rate = {rate!r} must be one generation rate (ps^-1)")
    rate = float(_check_rates(problem, rate, "rate")[0])
    if steady is None:
        steady = cavity_steady_state(problem, [rate])
    elif np.shape(steady["occupation"])[0] != 1:
        raise ValueError("steady must hold the steady state of this one rate (leading "
                         f"dimension 1), got {np.shape(steady['occupation'])[0]} states")
    else:
        # the given steady state must be that of ``rate``: its photon equation's residual
        chain = _chain_steady(problem, rate, steady["photons"][0])
        if not np.allclose(chain, steady["occupation"][0], rtol=1e-6, atol=1e-12):
            raise ValueError(f"steady is not the steady state at rate = {rate!r} ps^-1 (its "
                             "populations are not in detailed balance at that pump)")
    cp, tab = problem.coupling, problem.table
    kk, s, b = cp.em.shape[:3]
    nch = problem.channels.size
    n_p = kk * s * b
    kap = problem.kappa
    p = steady["occupation"][0]
    q = steady["photons"][0]
    up = np.zeros((kk, s, 1))
    up[:, :-1, 0] = rate * tab.pump_scale[:, None]
    r_up = up + kap * np.einsum("cnbk,k->cnb", cp.absorb, q)
    r_dn = tab.decay_rate[:, :, None] + kap * np.einsum("cnbk,k->cnb", cp.em, q)
    idx = np.arange(n_p).reshape(kk, s, b)
    jm = np.zeros((n_p + nch, n_p + nch))
    jm[idx.ravel(), idx.ravel()] = -(r_up + r_dn).ravel()
    jm[idx[:, 1:].ravel(), idx[:, :-1].ravel()] = r_up[:, :-1].ravel()
    jm[idx[:, :-1].ravel(), idx[:, 1:].ravel()] = r_dn[:, 1:].ravel()
    d_up = kap * cp.absorb * p[..., None]
    d_dn = kap * cp.em * p[..., None]
    dpq = -d_up - d_dn
    dpq[:, 1:] += d_up[:, :-1]
    dpq[:, :-1] += d_dn[:, 1:]
    jm[:n_p, n_p:] = dpq.reshape(n_p, nch)
    net = (cp.em - cp.absorb).reshape(n_p, nch)
    jm[n_p:, :n_p] = (kap * q[None, :] * net + cp.spont.reshape(n_p, nch)).T
    jm[n_p + np.arange(nch), n_p + np.arange(nch)] = kap * (p.ravel() @ net) - problem.loss_rate
    # A few hundred rows: one BLAS thread is fastest, and several threads on a shared
    # machine spin-wait (measured: 0.1 s with one thread, 6 s with two under load).
    with threadpool_limits(limits=1, user_api="blas"):
        lam = np.linalg.eigvals(jm)
    lam = lam[np.abs(lam) > 1e-9 * float(np.abs(lam).max())]
    modes = lam[(lam.imag > 0) & (lam.imag > np.abs(lam.real))]
    return {"growth_rate": float(lam.real.max()), "modes": modes[np.argsort(modes.imag)]}


def steady_gain(problem: CavityProblem, rate: float) -> np.ndarray:
    """Net gain -alpha/alpha_0(peak) at the channels of the no-field c.w. steady state.

    Parameters
    ----------
    problem : CavityProblem
        A validated cavity problem.
    rate : float
        Generation rate G (excitons per NC per ps).

    Returns
    -------
    ndarray
        Net gain at each channel energy.
    """
    p = _cw_steady(problem.table, rate)
    occ = p[:, :, None] * problem.bins.mass[:, None, :] * problem.table.class_weight[:, None, None]
    return np.einsum("cnb,cnbk->k", occ, problem.coupling.em - problem.coupling.absorb)


def cavity_gain_threshold(problem: CavityProblem) -> tuple[float, float]:
    """Generation rate (1/ps) where the no-field c.w. gain first reaches the cavity loss.

    Parameters
    ----------
    problem : CavityProblem
        A validated cavity problem (its table, bins, channels, kappa and loss).

    Returns
    -------
    (rate, energy)
        The smallest G with kappa max_k g_k(G) = Lambda (from the closed-form
        populations p_n / p_{n-1} = G / k(n)) and the channel energy (eV) where
        it is reached; (inf, nan) if the gain never reaches the loss below G = 100 ps^-1.
    """
    target = problem.loss_rate / problem.kappa

    def f(log_g):
        return float(np.max(steady_gain(problem, np.exp(log_g)))) - target

    grid = np.linspace(np.log(1e-7), np.log(100.0), 200)
    vals = np.array([f(x) for x in grid])
    above = np.nonzero(vals > 0)[0]
    if above.size == 0:
        return float("inf"), float("nan")
    i = int(above[0])
    if i == 0:
        return float(np.exp(grid[0])), float("nan")
    root = optimize.brentq(f, grid[i - 1], grid[i], xtol=1e-12)
    g = steady_gain(problem, float(np.exp(root)))
    return float(np.exp(root)), float(problem.channels[int(np.argmax(g))])


# ----------------------------------------------------------------------------- output

def _dataset(problem: CavityProblem, records: list[dict], method: str) -> xr.Dataset:
    tab = problem.table
    cp = problem.coupling
    occ = np.stack([r["occupation"] for r in records])          # (P, T, K, S, B)
    population = occ.sum(axis=(2, 4))
    gain = np.einsum("ptcnb,cnbk->ptk", occ, cp.em - cp.absorb)
    photons = np.stack([r["photons"] for r in records])          # (P, T, C)
    cum = np.stack([r["cumulative"] for r in records])           # (P, T, 6)
    out = np.stack([r["output"] for r in records])               # (P, T, C)
    n = np.arange(tab.n_max + 1)
    times = problem.times
    out_tot = out.sum(axis=2)
    dt_rec = np.diff(np.concatenate([[0.0], times]))
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.diff(np.concatenate([np.zeros((len(records), 1)), out_tot], axis=1), axis=1) \
            / np.where(dt_rec > 0, dt_rec, np.nan)
    rate = np.where(np.isfinite(rate), rate, 0.0)
    # time-averaged output over [average_from, t_end]: from the cumulative output
    i0 = int(np.searchsorted(times, problem.average_from, side="left"))
    span = times[-1] - times[i0]
    if span > 0:
        ll = (out_tot[:, -1] - out_tot[:, i0]) / span
        spec = (out[:, -1, :] - out[:, i0, :]) / span
    else:
        ll = rate[:, -1]
        spec = out[:, -1, :] / max(times[-1], 1e-300)
    cw = problem.pump_kind == "cw"
    pump_name = "generation_rate" if cw else "mean_excitons"
    coords = {
        pump_name: ("pump", problem.pump, {
            "units": "ps-1" if cw else "1",
            "long_name": "pump generation rate, excitons per NC per ps (c.w.)" if cw
            else "mean excitons per NC after the pulse, <N>"}),
        "time": ("time", times, {"units": "ps", "long_name": "time after the pump is switched on"
                                 if cw else "time after the pump pulse"}),
        "excitons": ("excitons", n, {"units": "1", "long_name": "number of excitons in a NC, n"}),
        "channel_energy": ("channel", problem.channels, {"units": "eV",
                                                         "long_name": "photon energy of the channel"}),
    }
    if cw:
        coords["pump_intensity"] = ("pump", intensity_from_generation_rate(problem.pump,
                                                                           problem.sample),
                                    {"units": "W cm-2", "long_name": "pump intensity"})
    else:
        from .pulsed import pump_fluence
        coords["pump_fluence"] = ("pump", pump_fluence(problem.pump, problem.sample),
                                  {"units": "mJ cm-2", "long_name": "pump fluence giving <N>"})
    pt, ptc = ("pump", "time"), ("pump", "time", "channel")
    film = problem.film
    dv = {
        "population": (("pump", "time", "excitons"), population,
                       {"units": "1", "long_name": "fraction of NCs holding n excitons"}),
        "mean_excitons_t": (pt, population @ n, {"units": "1",
                                                 "long_name": "mean excitons per NC at time t"}),
        "net_gain": (ptc, gain, {"units": "1", "long_name":
                                 "net gain -alpha/alpha_0(peak) at the channel energies"}),
        "modal_gain": (ptc, film.confinement_factor * film.absorption_coefficient * gain,
                       {"units": "cm-1", "long_name": "modal gain Gamma_c alpha_0 g (before losses)"}),
        "photons": (ptc, photons, {"units": "1", "long_name": "photons per NC in the channel"}),
        "photons_total": (pt, photons.sum(axis=2), {"units": "1",
                                                    "long_name": "photons per NC in the cavity"}),
        "output_rate": (pt, rate, {"units": "ps-1", "long_name":
                                   "output photons per NC per ps, mean over the record interval"}),
        "output": (("pump",), ll, {"units": "ps-1", "long_name":
                                   "output photons per NC per ps, time average from average_from "
                                   "to the last time (L-L curve)"}),
        "output_spectrum": (("pump", "channel"), spec, {"units": "ps-1", "long_name":
                            "output photons per NC per ps per channel, time average"}),
        "cumulative_output": (ptc, out, {"units": "1",
                                         "long_name": "photons per NC emitted through the output"}),
    }
    for i, (name, long) in enumerate((("pumped", "excitons created by the pump"),
                                      ("stimulated_absorption", "stimulated absorption events"),
                                      ("stimulated_emission", "stimulated emission events"),
                                      ("spontaneous_into_field",
                                       "spontaneous emission events into the channels"),
                                      ("decay_other", "decays not into the channels (radiative "
                                       "into other modes, Auger)"),
                                      ("photons_lost_inside", "photons absorbed by the film loss"))):
        dv[f"books_{name}"] = (pt, cum[..., i], {"units": "1",
                                                 "long_name": f"cumulative {long}, per NC"})
    dv["books_initial_excitons"] = (("pump",), np.array([r["initial_excitons"] for r in records]),
                                    {"units": "1", "long_name": "excitons per NC at t = 0"})
    thr, e_thr = (cavity_gain_threshold(problem) if cw else (float("nan"), float("nan")))
    attrs = {
        "title": f"ncgain cavity ({problem.pump_kind}): {problem.sample.name}",
        "sample": problem.sample.to_json(),
        "sample_name": problem.sample.name,
        "film": problem.film.to_json(),
        "cavity": problem.cavity.to_json(),
        "method": method,
        "pump_kind": problem.pump_kind,
        "field": int(problem.field_on),
        "seed": problem.seed,
        "n_nanocrystals": problem.n_nanocrystals,
        "n_max": tab.n_max,
        "dt_ps": problem.dt,
        "average_from_ps": problem.average_from,
        "kappa_per_ps": problem.kappa,
        "photon_loss_rate_per_ps": problem.loss_rate,
        "photon_lifetime_ps": 1.0 / problem.output_rate,
        "loss_fraction_of_alpha0": problem.loss_rate / problem.kappa,
        "gain_threshold_generation_rate_per_ps": thr,
        "gain_threshold_energy_eV": e_thr,
        "energy_bins": int(problem.bins.energy.shape[1]),
        "ncgain_version": models.package_version(),
        "assumptions": json.dumps(ASSUMPTIONS),
        "conventions": "units: eV, ps, cm-1; photons and events per NC",
    }
    if method == "monte-carlo":
        attrs["n_steps"] = json.dumps([r["n_steps"] for r in records])
        attrs["n_events"] = json.dumps([r["n_events"] for r in records])
        attrs["random_streams"] = "counter-based SplitMix64, one stream per NC (seed, NC index)"
    dv["photon_books"] = (("pump", "time", "photon_term"),
                          np.stack([r["photon_books"] for r in records]),
                          {"units": "1", "long_name": "photon books of the field, per NC"})
    coords["photon_term"] = ("photon_term", ["emitted", "absorbed", "spontaneous", "output",
                                             "lost_inside", "stored"],
                             {"units": "1", "long_name": "photon book entry (cumulative)"})
    ds = xr.Dataset(dv, coords=coords, attrs=attrs)
    for name, var in ds.data_vars.items():
        if not np.all(np.isfinite(var.values)):
            raise RuntimeError(f"non-finite values in {name}")  # a bug, inputs are checked
    return ds


ASSUMPTIONS = [
    "field = photons per NC in spectral channels; stimulated rate kappa s h(E_ch - line)/A_peak "
    "per photon per NC, kappa = (c/n_g) Gamma_c alpha_0",
    "spontaneous emission into channel k: beta k_rad(1)/s_em(1) * s_em(n) h(E_k - line) dE_k "
    "(Einstein: the stimulated-emission lines); the rest of k_rad(n) goes to other modes",
    "photons leave at 1/tau_c (output) plus (c/n_g) film.loss (lost inside)",
    "c.w. pump: G pump_scale per NC per ps in every state below n_max (top state reflecting)",
    "Monte Carlo: field fixed within a step (backward-Euler predictor), NC events exact",
]


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
    progress : bool, default False
        Progress bar over simulated time.
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
        For invalid input (the message names the parameter), before any work.

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
            records.append(problem.monte_carlo(k, progress=None if bar is None else bar.update))
        else:
            records.append(problem.rate_equations(k))
            if bar is not None:
                bar.update(float(problem.times[-1]))
    if bar is not None:
        bar.close()
    return _dataset(problem, records, method)
