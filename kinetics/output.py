"""xarray output: one schema for both methods, units and long names everywhere."""

from __future__ import annotations

import json

import numpy as np
import xarray as xr

from ncgain import models

from . import observables
from .inputs import pump_fluence, pump_intensity

__all__ = ["pulsed_dataset", "pulsed_arrays", "cw_dataset", "sample_from_dataset", "standard_errors",
           "CF_CONVENTIONS", "MAX_LONG_NAME", "short_long_names"]

COORD_ATTRS = {
    "mean_excitons": {"units": "1", "long_name": "mean excitons per NC after the pulse, <N>"},
    "time": {"units": "ps", "long_name": "time after the pump pulse"},
    "energy": {"units": "eV", "long_name": "photon energy"},
    "excitons": {"units": "1", "long_name": "number of excitons in a NC, n"},
    "pump_fluence": {"units": "mJ cm-2", "long_name": "pump fluence giving <N>"},
}


#: CF conventions version the datasets follow (units are UDUNITS strings that
#: cf_xarray's pint registry parses: "1", "eV", "ps", "ps-1 eV-1", "mJ cm-2").
CF_CONVENTIONS = "CF-1.10"

#: Longest ``long_name`` (characters): what xarray's plot labels show uncut; the rest of
#: a longer name goes into the variable's ``description``.
MAX_LONG_NAME = 40

_SEPARATORS = (" (", ", ", "; ", ": ", " - ")
_TRAILING = {"of", "the", "at", "per", "in", "for", "versus", "with", "by", "to", "and", "from",
             "a", "an", "on", "over", "-", "=", "/", "+", "where", "when"}


def _candidates(name: str, limit: int) -> list[str]:
    """Short forms of ``name`` within ``limit``: leading clauses, then leading words."""
    out = []
    for sep in _SEPARATORS:
        cut = name.split(sep)[0].strip()
        if 3 <= len(cut) <= limit and cut != name and cut not in out:
            out.append(cut)
    words, trunc = name.replace(",", "").split(), []
    for w in words:
        if len(" ".join(trunc + [w])) > limit:
            break
        trunc.append(w)
    while len(trunc) > 1 and trunc[-1].lower() in _TRAILING:
        trunc.pop()
    if trunc:
        out.append(" ".join(trunc))
    out.append(name[:limit])
    return out


def short_long_names(ds: xr.Dataset, limit: int = MAX_LONG_NAME,
                     names: dict | None = None) -> xr.Dataset:
    """Keep every ``long_name`` of ``ds`` within ``limit`` characters, in place.

    A longer long name moves, whole, into the variable's ``description`` (before any
    description already there) and the long name becomes ``names[var]`` if given, else
    the first short form not yet used by another variable of ``ds``: its leading clause
    (text before the first " (", ", ", "; ", ": " or " - ") that fits, else its leading
    words. Values are untouched.

    Parameters
    ----------
    ds : xarray.Dataset
    limit : int, default MAX_LONG_NAME
    names : dict, optional
        Short long names chosen by hand, variable -> name (each within ``limit``).

    Returns
    -------
    xarray.Dataset
        ``ds``.
    """
    names = names or {}
    used = {v.attrs.get("long_name") for v in ds.variables.values()
            if len(str(v.attrs.get("long_name", ""))) <= limit}
    for key, var in ds.variables.items():
        long = var.attrs.get("long_name")
        if not isinstance(long, str) or len(long) <= limit:
            continue
        old = var.attrs.get("description")
        var.attrs["description"] = long if not old else f"{long}. {old}"
        if key in names:
            short = names[key]
        else:
            cands = _candidates(long, limit)
            short = next((c for c in cands if c not in used), cands[-1])
        if len(short) > limit:
            raise ValueError(f"short long_name of {key} {short!r} is over {limit} characters")
        used.add(short)
        var.attrs["long_name"] = short
    return ds


_SE_NOTE = ("exact standard error of the Monte Carlo estimate, from the master-equation "
            "occupation; 0 for method='master-equation'")


def standard_errors(problem, mean_excitons, *, method: str, progress: bool = False) -> dict:
    """Standard errors of the Monte Carlo estimates of ``problem`` (zeros for the ME).

    The NCs of a Monte Carlo run are independent and identically distributed,
    so every output is a mean of N i.i.d. per-NC contributions and its variance
    is Var(one NC) / N. That variance is computed exactly from the
    master-equation occupation (spread evenly over the Monte Carlo's
    equal-probability energy bins), not estimated from the sample, so the
    standard error carries no noise of its own: the population fraction of n
    excitons is binomial, sqrt(p_n (1 - p_n) / N); the spectra use
    :func:`observables.spectra_variance`.

    Parameters
    ----------
    problem : kinetics.pulsed.PulsedProblem
        The validated problem the Monte Carlo ran.
    mean_excitons : ndarray, shape (M,)
        <N> of each run.
    method : {"monte-carlo", "master-equation"}
        The master equation is exact: its standard errors are zeros.
    progress : bool, default False
        Show a progress bar over the master-equation record times.

    Returns
    -------
    dict
        ``population`` [m, t, n], ``absorption`` and ``pl`` [m, t, e] (same
        normalization as the spectra).
    """
    m, t = len(mean_excitons), problem.times.size
    n_states, n_e = problem.table.n_max + 1, problem.energies.size
    if method != "monte-carlo":
        return {"population": np.zeros((m, t, n_states)),
                "absorption": np.zeros((m, t, n_e)), "pl": np.zeros((m, t, n_e))}
    bins = problem.energy_bins
    exact = problem.exact_occupation(np.asarray(mean_excitons, float), progress=progress,
                                     desc="standard errors (master equation)")
    occupation = np.repeat(exact, bins, axis=-1) / bins
    var_alpha, var_pl = observables.spectra_variance(occupation, problem.kernels,
                                                     problem.n_nanocrystals)
    p = np.clip(exact.sum(axis=(2, 4)), 0.0, 1.0)
    return {"population": np.sqrt(p * (1.0 - p) / problem.n_nanocrystals),
            "absorption": np.sqrt(var_alpha), "pl": np.sqrt(var_pl)}


def pulsed_arrays(problem, occupation, alpha0=None) -> dict:
    """The spectra and populations of an occupation tensor of ``problem`` (plain arrays).

    The one place they are computed: :func:`pulsed_dataset` wraps them, and
    :class:`ncgain.kinetics.PulsedGrid` returns them, so both agree bit for bit.

    Parameters
    ----------
    problem : PulsedProblem
        The prepared problem (state table, energies, line kernels).
    occupation : ndarray, shape (M, T, K, n_max + 1, B)
        Probabilities or count fractions of the states.
    alpha0 : ndarray, shape (E,), optional
        The unexcited absorption alpha_0 / alpha_0(peak) at ``problem.energies``, if
        already computed (by this function, for the same problem); default: computed.

    Returns
    -------
    dict
        ``alpha_by_n`` (M, T, n, E) absorption split by exciton number, ``absorption``,
        ``pl``, ``bleach`` (M, T, E), ``alpha0`` (E,) and ``population`` (M, T, n).
    """
    kernels = problem.kernels
    # Absorption split by the exciton number n of the absorbing/emitting NCs:
    # alpha = sum_n alpha_n, so the net gain -alpha splits exactly into -alpha_n.
    alpha_by_n = np.einsum("mtcnb,cnbe->mtne", occupation, kernels.absorption,
                           optimize=True) / kernels.alpha0_peak
    alpha = alpha_by_n.sum(axis=2)
    pl = np.einsum("mtcnb,cnbe->mte", occupation, kernels.pl, optimize=True)
    if alpha0 is None:
        alpha0 = observables.unexcited_absorption(problem.table, problem.energies) \
            / kernels.alpha0_peak
    bleach = (alpha0[None, None, :] - alpha) / alpha0[None, None, :]
    population = occupation.sum(axis=(2, 4))
    return {"alpha_by_n": alpha_by_n, "absorption": alpha, "pl": pl, "bleach": bleach,
            "alpha0": alpha0, "population": population}


def pulsed_dataset(problem, mean_excitons, occupation, *, method: str,
                   n_events: int | None, fluence=None, progress: bool = False) -> xr.Dataset:
    """Wrap an occupation tensor P[m, t, c, n, b] of ``problem`` as the public dataset.

    Parameters
    ----------
    problem : PulsedProblem
        The prepared problem (sample, state table, times, energies, line kernels).
    mean_excitons : ndarray, shape (M,)
        Mean exciton numbers ⟨N⟩ right after the pulse.
    occupation : ndarray, shape (M, T, K, n_max + 1, B)
        Probabilities (master equation) or count fractions (Monte Carlo) of the states.
    method : {"monte-carlo", "master-equation"}
        How ``occupation`` was obtained; stored as an attribute.
    n_events : int or None
        Number of Monte Carlo jumps (None for the master equation); an attribute.
    fluence : ndarray, shape (M,), optional
        The pump fluences (mJ cm^-2) the user gave; default: computed from
        ``mean_excitons`` by :func:`kinetics.pump_fluence`.
    progress : bool, default False
        Show a progress bar while the exact standard errors are computed.

    Returns
    -------
    xarray.Dataset
        The dataset :func:`ncgain.kinetics.simulate_pulsed` returns, every variable
        with ``units`` and ``long_name``, the sample and run parameters as attributes.
    """
    arrays = pulsed_arrays(problem, occupation)
    alpha_by_n, alpha, pl = arrays["alpha_by_n"], arrays["absorption"], arrays["pl"]
    alpha0, bleach, population = arrays["alpha0"], arrays["bleach"], arrays["population"]
    se = standard_errors(problem, mean_excitons, method=method, progress=progress)
    n = np.arange(problem.table.n_max + 1)
    fluence = (pump_fluence(mean_excitons, problem.sample) if fluence is None
               else np.asarray(fluence, float))
    coords = {
        "mean_excitons": ("mean_excitons", np.asarray(mean_excitons, float),
                          COORD_ATTRS["mean_excitons"]),
        "time": ("time", problem.times, COORD_ATTRS["time"]),
        "energy": ("energy", problem.energies, COORD_ATTRS["energy"]),
        "excitons": ("excitons", n, COORD_ATTRS["excitons"]),
        "pump_fluence": ("mean_excitons", fluence, COORD_ATTRS["pump_fluence"]),
    }
    dims_s = ("mean_excitons", "time", "energy")
    dims_p = ("mean_excitons", "time", "excitons")
    data_vars = {
        "population": (dims_p, population,
                       {"units": "1", "long_name": "fraction of NCs holding n excitons"}),
        "population_se": (dims_p, se["population"],
                          {"units": "1", "long_name": "standard error of population",
                           "comment": _SE_NOTE + " (binomial: sqrt(p (1 - p) / N))"}),
        "mean_excitons_t": (("mean_excitons", "time"), population @ n,
                            {"units": "1", "long_name": "mean excitons per NC at time t"}),
        "absorption": (dims_s, alpha,
                       {"units": "1", "long_name": "absorption alpha / alpha_0(peak)"}),
        "absorption_se": (dims_s, se["absorption"],
                          {"units": "1", "long_name": "standard error of absorption",
                           "comment": _SE_NOTE}),
        "gain": (dims_s, -alpha,
                 {"units": "1", "long_name": "net gain -alpha / alpha_0(peak)",
                  "comment": "positive where the sample amplifies light (alpha < 0)"}),
        "gain_se": (dims_s, se["absorption"],
                    {"units": "1", "long_name": "standard error of gain",
                     "comment": _SE_NOTE}),
        "gain_by_excitons": (dims_p + ("energy",), -alpha_by_n,
                             {"units": "1",
                              "long_name": "net gain -alpha_n / alpha_0(peak) of the NCs "
                                           "holding n excitons",
                              "comment": "absorption minus stimulated emission of the NCs "
                                         "with n excitons, per NC of the whole ensemble; "
                                         "sums over excitons to gain"}),
        "bleach": (dims_s, bleach,
                   {"units": "1", "long_name": "normalized bleaching -dalpha/alpha_0"}),
        "bleach_se": (dims_s, se["absorption"] / alpha0[None, None, :],
                      {"units": "1", "long_name": "standard error of bleach",
                       "comment": _SE_NOTE}),
        "pl": (dims_s, pl, {"units": "ps-1 eV-1",
                            "long_name": "spontaneous emission per NC (photons per ps per eV)"}),
        "pl_se": (dims_s, se["pl"], {"units": "ps-1 eV-1", "long_name": "standard error of pl",
                                     "comment": _SE_NOTE}),
        "alpha0": (("energy",), alpha0,
                   {"units": "1", "long_name": "unexcited absorption alpha_0 / alpha_0(peak)"}),
    }
    attrs = {
        "Conventions": CF_CONVENTIONS,
        "title": f"ncgain pulsed excitation: {problem.sample.name}",
        "sample": problem.sample.to_json(),
        "sample_name": problem.sample.name,
        "method": method,
        "statistics": problem.statistics,
        "seed": problem.seed,
        "n_nanocrystals": problem.n_nanocrystals,
        "n_max": problem.table.n_max,
        "energy_bins": problem.energy_bins if method == "monte-carlo" else 1,
        "alpha0_peak_energy_eV": observables.absorption_peak(problem.table)[0],
        "ncgain_version": models.package_version(),
        "random_streams": "counter-based SplitMix64, one stream per NC (seed, NC index)",
        "units_convention": "eV, ps, nm, cm2, mJ cm-2 (UDUNITS strings)",
    }
    if n_events is not None:
        attrs["n_events"] = int(n_events)
    checked = (("alpha", alpha), ("pl", pl), ("bleach", bleach), ("gain_by_excitons", alpha_by_n),
               *((f"{k}_se", v) for k, v in se.items()))
    for name, value in checked:
        if not np.all(np.isfinite(value)):  # a bug, never an input problem (inputs are checked)
            raise RuntimeError(f"non-finite values in {name}")
    return short_long_names(xr.Dataset(data_vars=data_vars, coords=coords, attrs=attrs))


def sample_from_dataset(ds: xr.Dataset) -> models.Sample:
    """The :class:`~ncgain.models.Sample` stored in a dataset's attributes.

    Parameters
    ----------
    ds : xarray.Dataset
        A dataset written by :func:`ncgain.kinetics.simulate_pulsed` (or read back
        from its netCDF file).

    Returns
    -------
    Sample
        The sample the dataset was computed for.

    Raises
    ------
    KeyError
        If the dataset has no ``sample`` attribute.
    ValueError
        If the attribute does not describe a valid sample.
    """
    return models.Sample.from_dict(json.loads(ds.attrs["sample"]))


CW_COORD_ATTRS = {
    "generation_rate": {"units": "ps-1",
                        "long_name": "c.w. generation rate G, excitons created per NC per ps "
                                     "(ensemble mean; class c gets G sigma_c / mean sigma)"},
    "pump_intensity": {"units": "W cm-2",
                       "long_name": "c.w. pump intensity I = G h nu_pump / mean sigma_pump "
                                    "(the same for every size class)"},
    "time": {"units": "ps", "long_name": "time after the c.w. pump is switched on (dark start)"},
    "size_class": {"units": "1", "long_name": "size class index"},
}


def cw_dataset(problem, occupation, *, n_events: int | None, burn_in=None) -> xr.Dataset:
    """Wrap a c.w. occupation tensor P[m, t, c, n, b] of ``problem`` as the public dataset.

    The steady state (``problem.times is None``) has no time dimension.

    Parameters
    ----------
    problem : CwProblem
        The prepared c.w. problem (sample, state table, rates, times, energies, kernels).
    occupation : ndarray, shape (M, T, K, n_max + 1, B)
        Probabilities (exact) or count fractions (Monte Carlo); T = 1 for the steady state.
    n_events : int or None
        Number of Monte Carlo jumps (None for the exact method); an attribute.
    burn_in : array_like or None
        Monte Carlo burn-in time (ps) of each generation rate; stored as ``burn_in_time``.

    Returns
    -------
    xarray.Dataset
        The dataset :func:`ncgain.kinetics.simulate_cw` returns, every variable with
        ``units`` and ``long_name``, the sample and run parameters as attributes.
    """
    alpha, pl = observables.spectra(occupation, problem.kernels)
    table = problem.table
    alpha0 = observables.unexcited_absorption(table, problem.energies) \
        / problem.kernels.alpha0_peak
    bleach = (alpha0[None, None, :] - alpha) / alpha0[None, None, :]
    population = occupation.sum(axis=(2, 4))
    n = np.arange(table.n_max + 1)
    g = problem.generation_rate
    steady = problem.times is None
    coords = {
        "generation_rate": ("generation_rate", g, CW_COORD_ATTRS["generation_rate"]),
        "pump_intensity": ("generation_rate", pump_intensity(g, problem.sample),
                           CW_COORD_ATTRS["pump_intensity"]),
        "energy": ("energy", problem.energies, COORD_ATTRS["energy"]),
        "excitons": ("excitons", n, COORD_ATTRS["excitons"]),
        "size_class": ("size_class", np.arange(table.n_classes), CW_COORD_ATTRS["size_class"]),
    }
    if steady:
        lead = ("generation_rate",)
        population, alpha, pl, bleach = (a[:, 0] for a in (population, alpha, pl, bleach))
    else:
        lead = ("generation_rate", "time")
        coords["time"] = ("time", problem.times, CW_COORD_ATTRS["time"])
    when = "in the steady state" if steady else "at time t"
    data_vars = {
        "population": (lead + ("excitons",), population,
                       {"units": "1", "long_name": f"fraction of NCs holding n excitons {when}"}),
        "mean_excitons": (lead, population @ n,
                          {"units": "1", "long_name": f"mean excitons per NC {when}"}),
        "absorption": (lead + ("energy",), alpha,
                       {"units": "1", "long_name": "absorption alpha / alpha_0(peak)"}),
        "bleach": (lead + ("energy",), bleach,
                   {"units": "1", "long_name": "normalized bleaching -dalpha/alpha_0"}),
        "pl": (lead + ("energy",), pl,
               {"units": "ps-1 eV-1",
                "long_name": "spontaneous emission per NC (photons per ps per eV)"}),
        "alpha0": (("energy",), alpha0,
                   {"units": "1", "long_name": "unexcited absorption alpha_0 / alpha_0(peak)"}),
        "class_generation_rate": (("generation_rate", "size_class"),
                                  g[:, None] * table.pump_scale[None, :],
                                  {"units": "ps-1", "long_name": "generation rate G_c of each "
                                                                "size class"}),
        "class_weight": (("size_class",), table.class_weight,
                         {"units": "1", "long_name": "number fraction of each size class"}),
    }
    if burn_in is not None:
        data_vars["burn_in_time"] = (("generation_rate",), np.asarray(burn_in, float),
                                     {"units": "ps", "long_name": "Monte Carlo burn-in before "
                                      "the steady-state sample (dark start forgotten)"})
    attrs = {
        "title": f"ncgain c.w. excitation: {problem.sample.name}",
        "sample": problem.sample.to_json(),
        "sample_name": problem.sample.name,
        "method": problem.method,
        "regime": "steady state" if steady else "transient from a dark start",
        "steady_state": ("exact closed form, detailed balance p(n)/p(n-1) = G_c/k_c(n)"
                         if problem.method == "master-equation"
                         else "one sample per NC after its burn-in time"),
        "pump_model": "excitons created at G_c in every state (no saturation of the pump)",
        "seed": problem.seed,
        "n_nanocrystals": problem.n_nanocrystals,
        "n_max": table.n_max,
        "energy_bins": problem.energy_bins if problem.method == "monte-carlo" else 1,
        "alpha0_peak_energy_eV": observables.absorption_peak(table)[0],
        "ncgain_version": models.package_version(),
        "random_streams": "counter-based SplitMix64, one stream per NC (seed, NC index)",
        "conventions": "units: eV, ps, nm, cm2, W cm-2",
    }
    if n_events is not None:
        attrs["n_events"] = int(n_events)
    for name, value in (("alpha", alpha), ("pl", pl), ("bleach", bleach),
                        ("population", population)):
        if not np.all(np.isfinite(value)):  # a bug, never an input problem (inputs are checked)
            raise RuntimeError(f"non-finite values in {name}")
    return short_long_names(xr.Dataset(data_vars=data_vars, coords=coords, attrs=attrs))
