"""The dataset of :func:`~ncgain.kinetics.simulate_cavity`: records -> xarray, with units.
"""

from __future__ import annotations

import json

import numpy as np
import xarray as xr

from ncgain import models

from ..inputs import pump_fluence
from ._cavity_problem import CavityProblem
from ._common import intensity_from_generation_rate
from .cavity_threshold import cavity_gain_threshold

__all__ = ["ASSUMPTIONS"]


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
