"""The dataset of :func:`~ncgain.kinetics.simulate_stripe`: records -> xarray, with units.
"""

from __future__ import annotations

import json

import numpy as np
import xarray as xr

from ncgain import models

from ..inputs import pump_fluence
from ._common import intensity_from_generation_rate
from ._stripe_problem import BOOK_TERMS, _StripeProblem

__all__ = ["ASSUMPTIONS", "MC_ASSUMPTIONS"]


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
        attrs["sub_slices"] = json.dumps([r["sub_slices"] for r in records])
        attrs["random_streams"] = ("counter-based SplitMix64, one stream per NC (seed, global "
                                   "NC index slice * n_nanocrystals + i)")
    else:
        attrs["n_rhs_evaluations"] = json.dumps([r["n_rhs_evaluations"] for r in records])
        # the solve's sub-slices per requested slice (kinetics.field._stripe_slices)
        attrs["sub_slices"] = json.dumps([r.get("sub_slices", 1) for r in records])
    ds = xr.Dataset(dv, coords=coords, attrs=attrs)
    for name, var in ds.data_vars.items():
        if not np.all(np.isfinite(var.values)):
            raise RuntimeError(f"non-finite values in {name}")  # pragma: no cover (a bug)
    return ds
