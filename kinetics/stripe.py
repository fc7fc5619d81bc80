"""Amplified spontaneous emission along an excitation stripe: :func:`simulate_stripe`.

The stripe (length L, cut into J slices) is pumped uniformly; every slice holds
the master equation of its NCs over (class, n, energy bin of E_i). The guided
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
absorption at the rates of :mod:`.field`), which depletes them: gain
saturation. Edge emission is the photon flux v_g u+(L) per channel.

Method: deterministic rate equations (scipy RK45). The Monte Carlo version
of the stripe (one field per slice, as in the cavity kernel) is not
implemented.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import xarray as xr
from numba import njit
from scipy import integrate, sparse

from ncgain import models
from ncgain.models import Film, Sample
from ncgain.models.resonator import SPEED_OF_LIGHT_CM_PER_PS, Stripe
from ncgain.models.state_table import build_state_table

from . import _field as field
from . import excitation
from .cavity import _cw_n_max, _cw_steady, intensity_from_generation_rate
from .pulsed import PHOTON_ENERGY_J_PER_EV, _as_1d, _check_choice, resolve_sample, validate_times

__all__ = ["simulate_stripe", "mean_excitons_from_fluence", "STRIPE_ENERGY_BINS"]

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


def simulate_stripe(sample, film, stripe, times, *, mean_excitons=None, fluence=None,
                    generation_rate=None, method="rate-equations", n_max=None,
                    rtol=1e-5) -> xr.Dataset:
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
    method : {"rate-equations"}
        Only the deterministic method is implemented for the stripe.
    n_max : int, optional
    rtol : float, default 1e-5
        Relative tolerance of the ODE solver.

    Returns
    -------
    xarray.Dataset
        ``edge_emission (pump, time, channel)`` (photon flux v_g u+(L), cm ps^-1 per
        NC, i.e. photons per ps per unit NC density and mode area),
        ``edge_emission_integrated (pump, channel)``, ``net_gain (pump, time,
        channel)`` at the stripe's centre, ``modal_gain`` (cm^-1),
        ``population (pump, time, excitons)`` averaged over the stripe.

    Raises
    ------
    ValueError
        For invalid input, before any work.
    """
    sample = resolve_sample(sample)
    if not isinstance(sample, Sample):
        raise ValueError(f"sample must be a models.Sample or a preset name, got {sample!r}")
    if not isinstance(film, Film):
        raise ValueError(f"film must be a models.Film, got {film!r}")
    if not isinstance(stripe, Stripe):
        raise ValueError(f"stripe must be a models.Stripe, got {stripe!r}")
    _check_choice("method", method, ("rate-equations",))
    times = validate_times(times)
    given = [x is not None for x in (mean_excitons, fluence, generation_rate)]
    if sum(given) != 1:
        raise ValueError("give exactly one of mean_excitons, fluence (pulsed) and "
                         "generation_rate (c.w.)")
    g = sample.degeneracy
    if generation_rate is not None:
        kind = "cw"
        pump = _as_1d("generation_rate", generation_rate, unit="per NC per ps")
        if (pump < 0).any() or pump.max() > 100:
            raise ValueError(f"generation_rate = {pump.tolist()} is outside the allowed range "
                             "[0, 100] per NC per ps")
        n_max = n_max or _cw_n_max(sample, float(pump.max()))
    else:
        kind = "pulsed"
        if fluence is not None:
            fl = _as_1d("fluence", fluence, unit="mJ cm^-2")
            if (fl < 0).any():
                raise ValueError(f"fluence = {float(fl.min())!r} mJ cm^-2 is outside the allowed "
                                 "range [0, inf)")
            pump = mean_excitons_from_fluence(fl, sample)
        else:
            pump = _as_1d("mean_excitons", mean_excitons, unit="excitons per NC")
        if (pump < 0).any() or pump.max() > 50:
            raise ValueError(f"mean_excitons = {pump.tolist()} is outside the allowed range "
                             "[0, 50] excitons per NC")
        lam = float(pump.max()) * float(build_state_table(sample, g).pump_scale.max())
        n_max = n_max or max(excitation.required_n_max(lam, g, 1), g + 1)
    table = build_state_table(sample, n_max)
    lines = field.transition_lines(table)
    channels = field.default_channels(sample, table, stripe.channels, stripe.channel_range)
    spont_coef = field.spontaneous_coefficients(table, lines, stripe.spontaneous_coupling,
                                                channels)
    bins = field.energy_bins(table, STRIPE_ENERGY_BINS)
    cp = field.coupling_matrices(table, lines, bins, channels, spont_coef)
    v_g = SPEED_OF_LIGHT_CM_PER_PS / stripe.group_index
    kap = field.kappa(film, stripe.group_index)
    gam_a0 = film.confinement_factor * film.absorption_coefficient
    n_sl = stripe.slices
    dz = stripe.length / n_sl
    kk, s, b, nch = cp.em.shape
    n_p = kk * s * b
    net = (cp.em - cp.absorb).reshape(n_p, nch)
    em = cp.em.reshape(n_p, nch)
    ab = cp.absorb.reshape(n_p, nch)
    sp = cp.spont.reshape(n_p, nch)
    dn = np.repeat(table.decay_rate[:, :, None], b, axis=2).reshape(n_p)

    def light(p):
        """p (J, n_p) -> u+ + u- at the slice centres (J, C) and u+(L) (C,)."""
        gain_coef = np.ascontiguousarray(gam_a0 * (p @ net) - film.loss)
        source = np.ascontiguousarray((p @ sp) / (2 * v_g))
        both = np.empty_like(gain_coef)
        edge = np.empty(nch)
        _light_kernel(gain_coef, source, dz, both, edge)
        return both, edge

    records = []
    for k in range(pump.size):
        if kind == "cw":
            up_cs = np.zeros((kk, s))
            up_cs[:, :-1] = pump[k] * table.pump_scale[:, None]
            p0cs = np.zeros((kk, s))
            p0cs[:, 0] = 1.0
        else:
            up_cs = np.zeros((kk, s))
            p0cs = excitation.initial_distribution(pump[k:k + 1], table.pump_scale, n_max,
                                                   "poisson")[0]
            p0cs[:, -1] += np.clip(1 - p0cs.sum(axis=1), 0, None)
        up = np.repeat(up_cs[:, :, None], b, axis=2).reshape(n_p)
        p0 = (p0cs[:, :, None] * bins.mass[:, None, :] * table.class_weight[:, None, None])
        y0 = np.concatenate([np.tile(p0.reshape(n_p), n_sl), np.zeros(2 * nch)])

        def rhs(_t, y):
            p = y[:n_sl * n_p].reshape(n_sl, n_p)
            u, u_end = light(np.maximum(p, 0.0))
            w_em = kap * (u @ em.T)
            w_ab = kap * (u @ ab.T)
            f_up = (up[None, :] + w_ab) * p
            f_dn = (dn[None, :] + w_em) * p
            f_up3 = f_up.reshape(n_sl, kk, s, b)
            f_dn3 = f_dn.reshape(n_sl, kk, s, b)
            dp = -(f_up3 + f_dn3)
            dp[:, :, 1:] += f_up3[:, :, :-1]
            dp[:, :, :-1] += f_dn3[:, :, 1:]
            spont = (p @ sp).sum(axis=0) * dz / 2   # unamplified edge emission (per channel)
            return np.concatenate([dp.ravel(), v_g * u_end, spont])

        n_y = y0.size
        idx = np.arange(n_sl * n_p).reshape(n_sl, kk, s, b)
        lo_i, hi_i = idx[:, :, :-1].ravel(), idx[:, :, 1:].ravel()

        def jac(_t, y):
            # The master equation of each slice at the current light (the light's own
            # dependence on the populations is left out: an approximate Newton matrix).
            p = y[:n_sl * n_p].reshape(n_sl, n_p)
            u, _ = light(np.maximum(p, 0.0))
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
            sol = integrate.solve_ivp(rhs, (0.0, float(times[-1])), y0, method="BDF",
                                      t_eval=times, rtol=rtol, atol=1e-12, jac=jac)
        if not np.all(np.isfinite(sol.y)):  # pragma: no cover
            raise RuntimeError("stripe rate equations produced non-finite values")
        if not sol.success:  # pragma: no cover
            raise RuntimeError(f"stripe rate equations failed: {sol.message}")
        edge = np.empty((times.size, nch))
        gain_c = np.empty((times.size, nch))
        pop = np.empty((times.size, s))
        for i in range(times.size):
            p = sol.y[:n_sl * n_p, i].reshape(n_sl, n_p)
            _, u_end = light(np.maximum(p, 0.0))
            edge[i] = v_g * u_end
            gain_c[i] = p[n_sl // 2] @ net
            pop[i] = p.reshape(n_sl, kk, s, b).sum(axis=(1, 3)).mean(axis=0)
        records.append((edge, sol.y[n_sl * n_p:n_sl * n_p + nch, -1], gain_c, pop,
                        sol.y[n_sl * n_p + nch:, -1], sol.nfev))

    ch_attr = {"units": "eV", "long_name": "photon energy of the channel"}
    coords = {"time": ("time", times, {"units": "ps", "long_name": "time after the pump"}),
              "channel_energy": ("channel", channels, ch_attr),
              "excitons": ("excitons", np.arange(n_max + 1),
                           {"units": "1", "long_name": "number of excitons in a NC, n"})}
    if kind == "cw":
        coords["generation_rate"] = ("pump", pump, {"units": "ps-1",
                                                    "long_name": "excitons per NC per ps"})
        coords["pump_intensity"] = ("pump", intensity_from_generation_rate(pump, sample),
                                    {"units": "W cm-2", "long_name": "pump intensity"})
    else:
        from .pulsed import pump_fluence
        coords["mean_excitons"] = ("pump", pump, {"units": "1", "long_name":
                                                  "mean excitons per NC after the pulse, <N>"})
        coords["pump_fluence"] = ("pump", pump_fluence(pump, sample),
                                  {"units": "mJ cm-2", "long_name": "pump fluence"})
    ptc = ("pump", "time", "channel")
    edge = np.stack([r[0] for r in records])
    gain = np.stack([r[2] for r in records])
    dv = {
        "edge_emission": (ptc, edge, {"units": "cm ps-1", "long_name":
                          "edge photon flux per channel, v_g u+(L) (per NC density and mode area)"}),
        "edge_emission_integrated": (("pump", "channel"), np.stack([r[1] for r in records]),
                                     {"units": "cm", "long_name":
                                      "time-integrated edge photon flux per channel, 0 to the "
                                      "last time"}),
        "edge_emission_unamplified": (("pump", "channel"), np.stack([r[4] for r in records]),
                                      {"units": "cm", "long_name":
                                       "time-integrated spontaneous emission reaching the edge "
                                       "without amplification or loss, (L/2) int S dt"}),
        "net_gain": (ptc, gain, {"units": "1", "long_name":
                                 "net gain -alpha/alpha_0(peak) at the stripe centre"}),
        "modal_gain": (ptc, gam_a0 * gain - film.loss, {"units": "cm-1", "long_name":
                       "net modal gain Gamma_c alpha_0 g - alpha_loss at the stripe centre"}),
        "population": (("pump", "time", "excitons"), np.stack([r[3] for r in records]),
                       {"units": "1", "long_name": "fraction of NCs holding n excitons "
                        "(stripe average)"}),
    }
    attrs = {"title": f"ncgain stripe ASE ({kind}): {sample.name}", "sample": sample.to_json(),
             "sample_name": sample.name, "film": film.to_json(), "stripe": stripe.to_json(),
             "method": method, "pump_kind": kind, "n_max": n_max,
             "n_rhs_evaluations": json.dumps([int(r[5]) for r in records]),
             "energy_bins": STRIPE_ENERGY_BINS, "group_velocity_cm_per_ps": v_g,
             "ncgain_version": models.package_version(),
             "assumptions": json.dumps([
                 "light quasi-static along the stripe (transit << population times)",
                 "spontaneous emission into the guided channels: beta k_rad(1)/s_em(1) s_em(n) "
                 "h dE, half per direction (Einstein: the stimulated-emission lines)",
                 "NCs see the photon density u+ + u- of both directions",
                 "uniform pump along the stripe; no Monte Carlo for the stripe"]),
             "conventions": "units: eV, ps, cm, cm-1"}
    return xr.Dataset(dv, coords=coords, attrs=attrs)
