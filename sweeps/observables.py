"""The observable registry of the sweep engine: what a sweep computes at each point.

Built in: ``threshold``, ``spectra``, ``lifetime`` and ``cw``; a new observable is an
:class:`Observable` passed to :func:`register_observable`.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from ncgain import kinetics, models

from ._loss import LOSS_DEFAULTS, loss_coords, loss_dim, loss_fractions, loss_label, normalize_loss
from .checks import MC_NCS_PER_SECOND, _choice, _float_list, _positive_int, _real

__all__ = ["Observable", "OBSERVABLES", "register_observable", "gain_lifetime", "lifetime_times"]


# ============================================================================ observables

@dataclass(frozen=True)
class Observable:
    """An entry of the observable registry: what a sweep computes at each point.

    Parameters
    ----------
    name : str
        Registry key (``--observable NAME``).
    description : str
        One line for the help text.
    defaults : dict
        Every option with its default value (``None``: required or computed).
    normalize : callable
        ``normalize(options) -> options``: check and canonicalize the options
        (JSON-compatible values); raise ValueError naming the bad option.
    dims : callable
        ``dims(options) -> {dim: (values, attrs)}``: the observable's own
        dimensions. A dim with ``values = None`` is *padded*: each point may
        return a different length and the assembly pads with zeros (used for
        the number of excitons, whose range depends on the point).
    variables : callable
        ``variables(options) -> {name: (dims, attrs)}``; attrs have ``units``
        and ``long_name``.
    check_point : callable
        ``check_point(sample, options)``: raise ValueError if this point cannot
        be computed (called for every point before any work).
    compute : callable
        ``compute(sample, options, seed) -> {name: ndarray}``. Must be a
        module-level function (it is sent to dask workers by reference).
    stochastic : callable
        ``stochastic(options) -> bool``: whether the point seed is used.
    work : callable, optional
        ``work(options) -> float``: estimated core-seconds of one point, for the
        sweep's work limit (:data:`ncgain.sweeps.checks.MAX_CORE_HOURS`); default:
        none (only the point limit applies).
    coords : callable, optional
        ``coords(options) -> {name: (dim, values, attrs)}``: non-index coordinates along
        the observable's own dimensions (e.g. ``loss_fraction`` along ``loss``).
    """

    name: str
    description: str
    defaults: dict
    normalize: Callable
    dims: Callable
    variables: Callable
    check_point: Callable
    compute: Callable
    stochastic: Callable
    work: Callable | None = None
    coords: Callable | None = None


#: The observable registry: name -> :class:`Observable`.
OBSERVABLES: dict[str, Observable] = {}


def register_observable(observable: Observable, *, replace: bool = False) -> Observable:
    """Add ``observable`` to :data:`OBSERVABLES`.

    Parameters
    ----------
    observable : Observable
        The entry; its ``name`` is the registry key.
    replace : bool, default False
        Overwrite an entry of the same name.

    Returns
    -------
    Observable

    Raises
    ------
    ValueError
        If the name is taken and ``replace`` is False.
    """
    if observable.name in OBSERVABLES and not replace:
        raise ValueError(f"observable {observable.name!r} is already registered")
    OBSERVABLES[observable.name] = observable
    return observable


def _merge_options(obs_name: str, defaults: dict, options: Mapping) -> dict:
    unknown = sorted(set(options) - set(defaults))
    if unknown:
        raise ValueError(f"observable {obs_name!r} takes no option(s) {unknown}; its options: "
                         f"{sorted(defaults)}")
    return {**defaults, **{k: v for k, v in options.items() if v is not None}}


_METHODS = ("master-equation", "monte-carlo")
_STATISTICS = ("poisson", "single")


def _probes(name: str, values, *, allow_any: bool = True) -> list:
    """Probe energies: "E_X" (the point's E_X), "any" (anywhere in the band) or eV."""
    if values is None or isinstance(values, (str, int, float)):
        values = [values]
    out = []
    for v in values:
        if v is None or (isinstance(v, str) and v.strip().lower() in ("e_x", "ex", "x")):
            out.append("E_X")
        elif isinstance(v, str) and v.strip().lower() == "any":
            if not allow_any:
                raise ValueError(f"{name} = 'any' is not allowed here; give 'E_X' or an energy "
                                 "in eV")
            out.append("any")
        else:
            try:
                e = float(v)
            except (TypeError, ValueError):
                raise ValueError(f"{name} = {v!r}: expected 'E_X', "
                                 + ("'any', " if allow_any else "")
                                 + "or a photon energy in eV") from None
            if not math.isfinite(e) or e <= 0:
                raise ValueError(f"{name} = {v!r} eV is outside the allowed range (0, inf) eV")
            out.append(e)
    if not out:
        raise ValueError(f"{name} must name at least one probe")
    if len({str(p) for p in out}) != len(out):
        raise ValueError(f"{name} = {values!r} repeats a probe")
    return out


def _probe_label(p) -> str:
    return p if isinstance(p, str) else f"{p:g} eV"


def _probe_energy(sample, p) -> float | str:
    return sample.exciton_energy if p == "E_X" else p


def _check_probe_energies(sample, probes, name):
    from ncgain.kinetics.pulsed import validate_energies
    energies = sorted({float(_probe_energy(sample, p)) for p in probes if p != "any"})
    if energies:
        table = models.build_state_table(sample, sample.degeneracy)
        # the thresholds' criterion alpha / alpha_0(peak) needs no resolvable alpha_0(E)
        validate_energies(energies, table, name=name, resolvable=False)


def _common_mc(o: dict) -> dict:
    o["statistics"] = _choice("statistics", o["statistics"], _STATISTICS)
    o["method"] = _choice("method", o["method"], _METHODS)
    o["n_nanocrystals"] = _positive_int("n_nanocrystals", o["n_nanocrystals"], 1, 10 ** 12)
    o["energy_bins"] = _positive_int("energy_bins", o["energy_bins"], 1, 256)
    return o


# ---------------------------------------------------------------- pulsed gain threshold

_THRESHOLD_DEFAULTS = {"time": [3.0], "energy": ["E_X"], **LOSS_DEFAULTS,
                       "statistics": "poisson", "method": "master-equation",
                       "n_nanocrystals": 200_000, "energy_bins": 1,
                       "max_mean_excitons": None}


def _threshold_normalize(options):
    o = _merge_options("threshold", _THRESHOLD_DEFAULTS, options)
    o["time"] = _float_list("time", o["time"], unit="(ps)")
    if min(o["time"]) < 0 or max(o["time"]) > 1e12 or len(set(o["time"])) != len(o["time"]):
        raise ValueError(f"time = {o['time']} must be distinct delays in the allowed range "
                         "[0, 1e12] ps")
    o["energy"] = _probes("energy", o["energy"])
    normalize_loss(o)
    if o["max_mean_excitons"] is not None:
        # Upper bound as kinetics.gain_threshold's; the single-statistics limit is per point.
        o["max_mean_excitons"] = _real("max_mean_excitons", o["max_mean_excitons"], 1e-6,
                                       50.0, "excitons per NC")
    return _common_mc(o)


def _probe_dim(o):
    return {"probe": ([_probe_label(p) for p in o["energy"]], {
        "units": "1", "long_name": "probe energy",
        "description": "E_X (the point's single-exciton line), any (anywhere in the band) "
                       "or a photon energy"})}


def _threshold_dims(o):
    return {"time": (o["time"], {"units": "ps", "long_name": "time after the pump pulse"}),
            **_probe_dim(o), **loss_dim(o)}


#: What the threshold observables' standard errors are (kinetics.gain_threshold ``stderr``).
_SE_TEXT = ("delta-method standard error of the Monte Carlo estimate, SE(alpha_hat(E_th)) / "
            "abs(d alpha / d<N>) at the threshold (kinetics.gain_threshold's stderr: the exact "
            "multinomial error of the n_nanocrystals-NC absorption over the slope of the exact "
            "absorption); 0 for the master equation (exact)")
_NO_GAIN = "does not exist: no gain up to the search limit (threshold inf)"


def _threshold_variables(o):
    d = ("time", "probe", loss_label(o))
    return {
        "threshold": (d, {"units": "1", "long_name": "pulsed gain threshold <N>",
                          "description": "excitons per NC after the pulse at which gain "
                          "appears (kinetics.gain_threshold); inf: no gain up to the search "
                          "limit"}),
        "threshold_stderr": (d, {"units": "1", "long_name": "standard error of threshold <N>",
                                 "description": _SE_TEXT + "; NaN where threshold is inf",
                                 "nan_meaning": _NO_GAIN}),
        "threshold_energy": (d, {"units": "eV", "long_name": "photon energy of first gain",
                                 "description": "photon energy where gain first appears at "
                                 "threshold; NaN where threshold is inf",
                                 "nan_meaning": _NO_GAIN}),
        "threshold_fluence": (d, {"units": "mJ cm-2", "long_name": "pump fluence at threshold",
                                  "description": "sigma_pump-converted threshold <N> "
                                  "(kinetics.pump_fluence); inf: no gain"}),
        "threshold_fluence_stderr": (d, {
            "units": "mJ cm-2", "long_name": "standard error of threshold fluence",
            "description": "threshold_stderr converted as the threshold (the fluence is "
                           "proportional to <N>); NaN where threshold is inf",
            "nan_meaning": _NO_GAIN}),
    }


def _check_pulsed_memory(sample, table, o, max_mean, n_levels, n_times, n_energies, what):
    """The memory and work checks of ``kinetics.PulsedProblem.build``, on the client."""
    from ncgain.kinetics import excitation, memory
    from ncgain.kinetics.pulsed import MAX_STATES, estimate_memory
    scale = table.pump_scale
    lam_max = float(max_mean) * float(scale.max())
    mc = o["method"] == "monte-carlo"
    if o["statistics"] == "poisson":
        n_max = excitation.required_n_max(lam_max, sample.degeneracy,
                                          o["n_nanocrystals"] if mc else 1)
        if n_max > MAX_STATES:
            raise ValueError(f"mean_excitons up to {float(max_mean):g} is too large for this "
                             f"sample: its most strongly pumped size class then holds "
                             f"{lam_max:.3g} excitons on average, more than the model's "
                             f"{MAX_STATES} (n_max)")
    else:
        n_max = sample.degeneracy
    bins = o["energy_bins"] if mc else 1
    memory.check_fits(estimate_memory(n_levels, n_times, n_energies, scale.size, n_max + 1,
                                      bins, o["method"]),
                      {"mean_excitons": int(n_levels), "times": int(n_times),
                       "energies": int(n_energies), "energy_bins": bins}, what=what)
    if mc:   # kinetics' own per-call work limit, as PulsedProblem.build applies it
        memory.check_work(float(o["n_nanocrystals"]) * n_levels * (1.0 + lam_max), "NC-events",
                          {"n_nanocrystals": o["n_nanocrystals"], "mean_excitons": int(n_levels)},
                          what=what)


def _threshold_check(sample, o):
    _check_probe_energies(sample, o["energy"], "energy")
    table = models.build_state_table(sample, sample.degeneracy)
    largest = 1.0 / float(table.pump_scale.max())
    if o["statistics"] == "single" and o["max_mean_excitons"] is not None:
        if o["max_mean_excitons"] > largest:
            raise ValueError(f"max_mean_excitons = {o['max_mean_excitons']!r} exceeds the "
                             f"single-statistics limit {largest:g}")
    max_mean = o["max_mean_excitons"] or (largest if o["statistics"] == "single" else 10.0)
    # kinetics.gain_threshold: a 200-level grid at one time; 'any' uses the default grid.
    n_energies = 241 if "any" in o["energy"] else 1
    _check_pulsed_memory(sample, table, o, max_mean, 200, 1, n_energies,
                         "threshold sweep point (kinetics.gain_threshold)")


def _threshold_work(o):
    searches = len(o["time"]) * len(o["energy"]) * len(loss_fractions(o))
    if o["method"] == "monte-carlo":
        # ~200 grid levels plus ~40 bisection steps, each n_nanocrystals histories.
        return searches * 240 * o["n_nanocrystals"] / MC_NCS_PER_SECOND
    return searches * 0.15   # measured 0.05 s (E_X) to 0.15 s ('any') per search


def _over_probes_and_losses(sample, o, search) -> dict:
    """``search(energy, loss_fraction) -> {name: float}`` at every (probe, loss), as arrays."""
    rows = [[search(_probe_energy(sample, p), f) for f in loss_fractions(o)]
            for p in o["energy"]]
    return {k: np.array([[cell[k] for cell in row] for row in rows]) for k in rows[0][0]}


def _pulsed_search(sample, o, time, seed, energy, loss):
    r = kinetics.gain_threshold(
        sample, time=time, energy=energy, loss=loss, statistics=o["statistics"],
        method=o["method"], n_nanocrystals=o["n_nanocrystals"], seed=seed,
        energy_bins=o["energy_bins"], max_mean_excitons=o["max_mean_excitons"])
    if math.isinf(r):
        return {"threshold": math.inf, "threshold_stderr": np.nan, "threshold_energy": np.nan,
                "threshold_fluence": math.inf, "threshold_fluence_stderr": np.nan}
    # The fluence is proportional to <N>: its standard error converts the same way.
    return {"threshold": float(r), "threshold_stderr": r.stderr,
            "threshold_energy": np.nan if r.energy is None else r.energy,
            "threshold_fluence": float(kinetics.pump_fluence(float(r), sample)),
            "threshold_fluence_stderr": float(kinetics.pump_fluence(r.stderr, sample))}


def _threshold_compute(sample, o, seed):
    parts = [_over_probes_and_losses(sample, o, functools.partial(_pulsed_search, sample, o,
                                                                  t, seed))
             for t in o["time"]]
    return {k: np.stack([part[k] for part in parts]) for k in parts[0]}


#: How the threshold observables' help names the loss options.
_LOSS_OPTIONS = ("loss (--loss in cm^-1, in the close-packed film or --film's; or "
                 "--loss-fraction in units of alpha_0(peak))")

register_observable(Observable(
    name="threshold",
    description="pulsed gain threshold <N> with its standard error (kinetics.gain_threshold) "
                "at each delay (--time), probe (--energy E_X|any|eV) and " + _LOSS_OPTIONS,
    defaults=_THRESHOLD_DEFAULTS, normalize=_threshold_normalize, dims=_threshold_dims,
    variables=_threshold_variables, check_point=_threshold_check, compute=_threshold_compute,
    stochastic=lambda o: o["method"] == "monte-carlo", work=_threshold_work,
    coords=loss_coords))


# ---------------------------------------------------------------- spectra and populations

_SPECTRA_DEFAULTS = {"mean_excitons": None, "times": None, "energies": None,
                     "statistics": "poisson", "method": "monte-carlo",
                     "n_nanocrystals": 200_000, "energy_bins": 16}


def _spectra_normalize(options):
    o = _merge_options("spectra", _SPECTRA_DEFAULTS, options)
    for key, unit in (("mean_excitons", "(excitons per NC)"), ("times", "(ps)"),
                      ("energies", "(eV)")):
        if o[key] is None:
            raise ValueError(f"observable 'spectra' needs {key} {unit}")
        o[key] = _float_list(key, o[key], unit=unit)
    from ncgain.kinetics.pulsed import validate_times
    validate_times(o["times"])
    if min(o["mean_excitons"]) < 0 or len(set(o["mean_excitons"])) != len(o["mean_excitons"]):
        raise ValueError(f"mean_excitons = {o['mean_excitons']} must be distinct values >= 0")
    if not (np.diff(o["energies"]) > 0).all():
        raise ValueError("energies must be strictly increasing (eV)")
    return _common_mc(o)


def _spectra_dims(o):
    from ncgain.kinetics.output import COORD_ATTRS
    return {"mean_excitons": (o["mean_excitons"], COORD_ATTRS["mean_excitons"]),
            "time": (o["times"], COORD_ATTRS["time"]),
            "energy": (o["energies"], COORD_ATTRS["energy"]),
            "excitons": (None, COORD_ATTRS["excitons"])}


def _spectra_variables(o):
    s = ("mean_excitons", "time", "energy")
    return {
        "population": (("mean_excitons", "time", "excitons"),
                       {"units": "1", "long_name": "fraction of NCs holding n excitons"}),
        "mean_excitons_t": (("mean_excitons", "time"),
                            {"units": "1", "long_name": "mean excitons per NC at time t"}),
        "absorption": (s, {"units": "1", "long_name": "absorption alpha / alpha_0(peak)"}),
        "bleach": (s, {"units": "1", "long_name": "normalized bleaching -dalpha/alpha_0"}),
        "pl": (s, {"units": "ps-1 eV-1",
                   "long_name": "spontaneous emission per NC (photons per ps per eV)"}),
        "alpha0": (("energy",), {"units": "1",
                                 "long_name": "unexcited absorption alpha_0 / alpha_0(peak)"}),
    }


def _spectra_check(sample, o):
    from ncgain.kinetics.pulsed import validate_energies, validate_mean_excitons
    table = models.build_state_table(sample, sample.degeneracy)
    validate_mean_excitons(o["mean_excitons"], table, o["statistics"])
    validate_energies(o["energies"], table)
    _check_pulsed_memory(sample, table, o, max(o["mean_excitons"]), len(o["mean_excitons"]),
                         len(o["times"]), len(o["energies"]),
                         "spectra sweep point (kinetics.simulate_pulsed)")


def _pulsed_work(o):
    levels = len(o["mean_excitons"])
    if o["method"] == "monte-carlo":
        return levels * o["n_nanocrystals"] / MC_NCS_PER_SECOND
    return 0.05 * levels


def _spectra_compute(sample, o, seed):
    ds = kinetics.simulate_pulsed(sample, o["mean_excitons"], o["times"],
                                  energies=o["energies"], n_nanocrystals=o["n_nanocrystals"],
                                  seed=seed, statistics=o["statistics"], method=o["method"],
                                  energy_bins=o["energy_bins"])
    return {k: ds[k].values for k in ("population", "mean_excitons_t", "absorption", "bleach",
                                      "pl", "alpha0")}


register_observable(Observable(
    name="spectra",
    description="populations and absorption/bleach/PL spectra (kinetics.simulate_pulsed) at "
                "given <N> (--mean-excitons), times (--times) and energies (--energies)",
    defaults=_SPECTRA_DEFAULTS, normalize=_spectra_normalize, dims=_spectra_dims,
    variables=_spectra_variables, check_point=_spectra_check, compute=_spectra_compute,
    stochastic=lambda o: o["method"] == "monte-carlo", work=_pulsed_work))


# ---------------------------------------------------------------- gain lifetime

_LIFETIME_DEFAULTS = {"energy": ["E_X"], "mean_excitons": None, "t_end": 10000.0,
                      "n_times": 241, "statistics": "poisson", "method": "master-equation",
                      "n_nanocrystals": 200_000, "energy_bins": 1}


def _lifetime_normalize(options):
    o = _merge_options("gain-lifetime", _LIFETIME_DEFAULTS, options)
    if o["mean_excitons"] is None:
        raise ValueError("observable 'gain-lifetime' needs mean_excitons (the pump <N>)")
    o["mean_excitons"] = _float_list("mean_excitons", o["mean_excitons"])
    if min(o["mean_excitons"]) < 0 or len(set(o["mean_excitons"])) != len(o["mean_excitons"]):
        raise ValueError(f"mean_excitons = {o['mean_excitons']} must be distinct values >= 0")
    o["energy"] = _probes("energy", o["energy"], allow_any=False)
    o["t_end"] = _float_list("t_end", o["t_end"], unit="(ps)")[0]
    if not 0.1 < o["t_end"] <= 1e9:
        raise ValueError(f"t_end = {o['t_end']!r} ps is outside the allowed range (0.1, 1e9] ps")
    o["n_times"] = _positive_int("n_times", o["n_times"], 3, 100_000)
    return _common_mc(o)


def lifetime_times(t_end: float, n_times: int) -> np.ndarray:
    """Record times of the gain-lifetime observable: 0, then log-spaced 0.1 ps ... t_end.

    Parameters
    ----------
    t_end : float
        Last record time (ps), > 0.1.
    n_times : int
        Number of record times, >= 3.

    Returns
    -------
    ndarray
        Times (ps), strictly increasing.
    """
    return np.concatenate([[0.0], np.geomspace(0.1, t_end, n_times - 1)])


def gain_lifetime(t, bleach) -> float:
    """Time (ps) at which the bleach last falls below 1 (net gain ends).

    0 if there is never gain; the last time if the gain outlasts the record;
    linear interpolation between record times (``studies.fig5a_gain_lifetime`` uses it too).

    Parameters
    ----------
    t : array_like
        Record times (ps), increasing.
    bleach : array_like
        Bleach -dalpha/alpha_0 at those times.

    Returns
    -------
    float
    """
    t, b = np.asarray(t, float), np.asarray(bleach, float)
    gain = np.flatnonzero(b > 1.0)
    if gain.size == 0:
        return 0.0
    k = int(gain[-1])
    if k == t.size - 1:
        return float(t[-1])
    return float(t[k] + (b[k] - 1.0) / (b[k] - b[k + 1]) * (t[k + 1] - t[k]))


def _lifetime_dims(o):
    return {"probe": ([_probe_label(p) for p in o["energy"]],
                      {"units": "1", "long_name": "probe energy: E_X (the point's "
                       "single-exciton line) or a photon energy"}),
            "mean_excitons": (o["mean_excitons"], {"units": "1", "long_name": "mean excitons "
                                                   "per NC after the pulse, <N>"})}


def _lifetime_variables(o):
    return {"gain_lifetime": (("probe", "mean_excitons"), {
        "units": "ps", "long_name": "time at which net gain ends (bleach -dalpha/alpha_0 last "
        f"falls below 1; 0: never gain; {o['t_end']:g}: gain outlasts the record)"})}


def _lifetime_check(sample, o):
    from ncgain.kinetics.pulsed import validate_mean_excitons
    table = models.build_state_table(sample, sample.degeneracy)
    validate_mean_excitons(o["mean_excitons"], table, o["statistics"])
    _check_probe_energies(sample, o["energy"], "energy")
    _check_pulsed_memory(sample, table, o, max(o["mean_excitons"]), len(o["mean_excitons"]),
                         o["n_times"], len(o["energy"]),
                         "gain-lifetime sweep point (kinetics.simulate_pulsed)")


def _lifetime_compute(sample, o, seed):
    energies = [float(_probe_energy(sample, p)) for p in o["energy"]]
    unique = sorted(set(energies))
    times = lifetime_times(o["t_end"], o["n_times"])
    ds = kinetics.simulate_pulsed(sample, o["mean_excitons"], times, energies=unique,
                                  n_nanocrystals=o["n_nanocrystals"], seed=seed,
                                  statistics=o["statistics"], method=o["method"],
                                  energy_bins=o["energy_bins"])
    bleach = ds.bleach.values
    out = np.empty((len(energies), len(o["mean_excitons"])))
    for j, e in enumerate(energies):
        for m in range(len(o["mean_excitons"])):
            out[j, m] = gain_lifetime(times, bleach[m, :, unique.index(e)])
    return {"gain_lifetime": out}


register_observable(Observable(
    name="gain-lifetime",
    description="time net gain lasts (bleach > 1) after a pulse of given <N> "
                "(--mean-excitons) at each probe (--energy E_X|eV)",
    defaults=_LIFETIME_DEFAULTS, normalize=_lifetime_normalize, dims=_lifetime_dims,
    variables=_lifetime_variables, check_point=_lifetime_check, compute=_lifetime_compute,
    stochastic=lambda o: o["method"] == "monte-carlo", work=_pulsed_work))


# ---------------------------------------------------------------- c.w. gain threshold

_CW_DEFAULTS = {"energy": ["E_X"], **LOSS_DEFAULTS, "max_generation_rate": None}


def _cw_normalize(options):
    o = _merge_options("cw-threshold", _CW_DEFAULTS, options)
    o["energy"] = _probes("energy", o["energy"])
    normalize_loss(o)
    if o["max_generation_rate"] is not None:
        # The upper end depends on the sample: checked per point (_cw_check).
        o["max_generation_rate"] = _real("max_generation_rate", o["max_generation_rate"],
                                         0.0, math.inf, "1/ps", open_low=True)
    return o


def _cw_check(sample, o):
    _check_probe_energies(sample, o["energy"], "energy")
    if o["max_generation_rate"] is not None:
        from ncgain.kinetics.cw import max_generation_rate
        cap = max_generation_rate(sample)
        if o["max_generation_rate"] > cap:
            raise ValueError(f"max_generation_rate = {o['max_generation_rate']!r} 1/ps is "
                             f"outside the allowed range (0, {cap:.6g}] 1/ps of this sample "
                             "(kinetics.max_generation_rate)")


def _cw_dims(o):
    return {**_probe_dim(o), **loss_dim(o)}


def _cw_variables(o):
    d = ("probe", loss_label(o))
    return {
        "cw_threshold": (d, {"units": "ps-1", "long_name": "c.w. gain threshold G",
                             "description": "generation rate G per NC at which c.w. gain "
                             "appears (kinetics.cw_threshold; deterministic, no standard "
                             "error); inf: no gain in the searched range"}),
        "cw_threshold_intensity": (d, {"units": "W cm-2",
                                       "long_name": "pump intensity at c.w. threshold",
                                       "description": "kinetics.pump_intensity of "
                                       "cw_threshold; inf: no gain"}),
        "cw_threshold_energy": (d, {"units": "eV", "long_name": "photon energy of c.w. gain",
                                    "description": "photon energy where c.w. gain first "
                                    "appears; NaN where cw_threshold is inf",
                                    "nan_meaning": "does not exist: no gain in the searched "
                                    "range (cw_threshold inf)"}),
    }


def _cw_search(sample, o, energy, loss):
    try:
        r = kinetics.cw_threshold(sample, energy=energy, loss=loss,
                                  max_generation_rate=o["max_generation_rate"])
    except kinetics.NoGainError:
        return {"cw_threshold": math.inf, "cw_threshold_intensity": math.inf,
                "cw_threshold_energy": np.nan}
    return {"cw_threshold": float(r),
            "cw_threshold_intensity": float(np.ravel(kinetics.pump_intensity(float(r),
                                                                             sample))[0]),
            "cw_threshold_energy": np.nan if r.energy is None else r.energy}


def _cw_compute(sample, o, seed):
    return _over_probes_and_losses(sample, o, functools.partial(_cw_search, sample, o))


# The c.w. threshold observable (kinetics.cw_threshold).
register_observable(Observable(
    name="cw-threshold",
    description="c.w. gain threshold (kinetics.cw_threshold): generation rate and pump "
                "intensity at each probe (--energy E_X|any|eV) and " + _LOSS_OPTIONS,
    defaults=_CW_DEFAULTS, normalize=_cw_normalize, dims=_cw_dims,
    variables=_cw_variables, check_point=_cw_check, compute=_cw_compute,
    stochastic=lambda o: False, coords=loss_coords,
    work=lambda o: 0.05 * len(o["energy"]) * len(loss_fractions(o))))   # ~0.02 s a search
