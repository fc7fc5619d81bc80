"""Parameter sweeps on dask.distributed, resumable: ``studies.sweep`` and ``ncgain sweep``.

A sweep is a :class:`Sweep` definition -- a base sample (a :class:`models.Sample`,
a preset name, or a :class:`CoreShell` geometry), one or more swept fields with
their grids (a product grid, or a list of points), an observable from
:data:`OBSERVABLES` with its options, and a seed -- and a *store*, a folder that
receives every finished point as it completes. :func:`run` computes the missing
points (on an embedded ``LocalCluster`` by default, on an existing dask cluster
with ``scheduler="tcp://..."``, or in-process with ``scheduler="serial"``) and
assembles one :class:`xarray.Dataset` written to ``STORE/sweep.nc``.

Guarantees
----------
* **Validation before work.** Constructing a :class:`Sweep` checks the fields,
  the grids and the observable options; :func:`run` then builds every point's
  sample and checks it (``Sweep.point_samples``) before anything is submitted.
  A value that makes a sample invalid raises a ``ValueError`` that names the
  point's index and coordinates.
* **Seeds.** Point ``i`` uses the seed :func:`point_seed` ``(seed, i)``, a
  function of the sweep seed and the point's index only (NumPy ``SeedSequence``
  with spawn key ``(i,)``). With the counter-based Monte Carlo streams of
  ``kinetics`` the dataset is bit-identical whatever the number of workers,
  threads, or the order in which points finish.
* **Resumable store.** ``STORE/sweep.json`` holds the definition and its SHA-256
  hash; a different definition pointed at the same store is refused. Each
  point is written to ``STORE/points/p<index>.npz`` through a temporary file in
  the same folder and ``os.replace`` (atomic): a killed run never leaves a
  half-written point under a final name. Rerunning computes only the missing
  points; the assembled dataset depends only on the stored points, so it is
  identical whether or not the run was interrupted.
* **Fault tolerance.** A worker that dies mid-point loses only that point: the
  dask scheduler reschedules its tasks on the surviving (or restarted) workers.

Threads: the embedded cluster runs ``workers`` single-threaded worker processes
(default: one per available core) and sets ``NUMBA_NUM_THREADS`` in each to
``max(1, cores // workers)`` (and ``OMP_NUM_THREADS`` etc. to 1), so
workers x Numba threads <= cores. On an existing cluster each task sets
``numba.set_num_threads(numba_threads)`` (default 1) in its worker.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import itertools
import json
import math
import os
import signal
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr

from ncgain import kinetics, models

from . import _io

__all__ = ["Sweep", "CoreShell", "Observable", "OBSERVABLES", "register_observable",
           "SAMPLE_FIELDS", "CORE_SHELL_FIELDS", "point_seed", "compute_point", "run",
           "local_cluster", "gain_lifetime", "lifetime_times",
           "open_store", "available_cores", "STORE_FORMAT"]

#: Version of the store layout (part of the definition hash).
STORE_FORMAT = 1

#: Swept :class:`models.Sample` fields: (units, long name, kind).
SAMPLE_FIELDS: dict[str, tuple[str, str, type]] = {
    "exciton_energy": ("eV", "single-exciton energy E_X", float),
    "delta_xx": ("eV", "exciton-exciton interaction Delta_XX = E_XX - 2 E_X", float),
    "linewidth": ("eV", "ensemble line width Gamma (1/e half-width)", float),
    "tau_x": ("ps", "single-exciton lifetime tau_X", float),
    "tau_xx": ("ps", "biexciton Auger lifetime tau_XX", float),
    "sigma_pump": ("cm2", "pump absorption cross-section sigma_pump", float),
    "pump_energy": ("eV", "pump photon energy", float),
    "homogeneous_linewidth": ("eV", "homogeneous (single-NC) half-width gamma", float),
    "stokes_shift": ("eV", "Stokes shift S", float),
    "degeneracy": ("1", "band-edge electron degeneracy g", int),
}

#: Swept :class:`CoreShell` parameters (``models.coreshell.sample_from_core_shell``).
CORE_SHELL_FIELDS: dict[str, tuple[str, str, type]] = {
    "core_radius": ("nm", "mean core radius R", float),
    "shell_width": ("nm", "mean shell width H", float),
    "size_dispersion": ("1", "relative size dispersion (std of R and H / mean)", float),
    "linewidth": ("eV", "total ensemble line width Gamma (1/e half-width)", float),
    "intrinsic_linewidth": ("eV", "ensemble 1/e half-width of one size class", float),
    "homogeneous_linewidth": ("eV", "homogeneous (single-NC) half-width gamma", float),
    "stokes_shift": ("eV", "Stokes shift S", float),
    "tau_x_ref": ("ps", "single-exciton lifetime of the reference NC", float),
    "tau_xx_ref": ("ps", "biexciton Auger lifetime of the reference NC", float),
    "sigma_pump_ref": ("cm2", "pump cross-section of the reference NC", float),
    "pump_energy": ("eV", "pump photon energy", float),
    "n_size_classes": ("1", "number of size classes", int),
    "degeneracy": ("1", "band-edge electron degeneracy g", int),
}

GRIDS = ("product", "points")


# ============================================================================ helpers

def available_cores() -> int:
    """Number of CPU cores this process may use (affinity mask where available).

    Returns
    -------
    int
    """
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover (macOS, Windows)
        return max(1, os.cpu_count() or 1)


def point_seed(seed: int, index: int) -> int:
    """The Monte Carlo seed of point ``index`` of a sweep with seed ``seed``.

    ``numpy.random.SeedSequence(seed, spawn_key=(index,))``, the sequence that
    ``SeedSequence(seed).spawn`` gives its ``index``-th child, hashed to one
    integer in [0, 2**63). It depends on ``seed`` and ``index`` only.

    Parameters
    ----------
    seed : int
        Sweep seed, >= 0.
    index : int
        Flat index of the point (C order of the product grid, or position in
        the list of points), >= 0.

    Returns
    -------
    int

    Examples
    --------
    >>> point_seed(0, 3) == point_seed(0, 3) != point_seed(0, 4)
    True
    """
    state = np.random.SeedSequence(int(seed), spawn_key=(int(index),)).generate_state(
        1, np.uint64)
    return int(state[0] >> np.uint64(1))


def _json_value(value):
    if isinstance(value, (np.floating, float)):
        return float(value)
    if isinstance(value, (np.integer, int)) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_json_value(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _json_value(v) for k, v in value.items()}
    return value


def _canonical(obj) -> str:
    return json.dumps(_json_value(obj), sort_keys=True, separators=(",", ":"), allow_nan=True)


def _float_list(name: str, values, *, unit: str = "", allow_empty: bool = False) -> list:
    try:
        arr = np.atleast_1d(np.asarray(values, dtype=float))
    except (TypeError, ValueError):
        raise ValueError(f"{name} = {values!r} must be a sequence of real numbers {unit}") \
            from None
    if arr.ndim != 1 or (arr.size == 0 and not allow_empty):
        raise ValueError(f"{name} must be a non-empty 1-D sequence {unit}, got {values!r}")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} = {arr[~np.isfinite(arr)][0]!r} is not allowed: values must be "
                         f"finite {unit}")
    return [float(v) for v in arr]


def _choice(name, value, allowed):
    if value not in allowed:
        raise ValueError(f"{name} = {value!r} is not one of {tuple(allowed)}")
    return value


def _positive_int(name, value, lo, hi):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not lo <= value <= hi:
        raise ValueError(f"{name} = {value!r} is outside the allowed range: an integer in "
                         f"[{lo}, {hi}]")
    return int(value)


# ============================================================================ base samples

@dataclass(frozen=True)
class CoreShell:
    """A core/shell base sample, rebuilt at every point from its geometry.

    Sweeping ``core_radius``, ``shell_width``, ``size_dispersion`` (and the
    other :data:`CORE_SHELL_FIELDS`) recomputes E_X, Delta_XX, the lifetimes
    and the size classes with ``models.Sample.from_core_shell``.

    Parameters
    ----------
    core, shell : str
        Material names (``models.materials``).
    core_radius : float
        Mean core radius R (nm).
    shell_width : float
        Mean shell width H (nm).
    size_dispersion : float, default 0
        Relative standard deviation of R and H, in [0, 0.3].
    **options
        Further keyword arguments of ``models.coreshell.sample_from_core_shell``
        (JSON-compatible values only).

    Raises
    ------
    ValueError
        If the geometry or an option is invalid (the sample is built once here).

    Examples
    --------
    >>> base = CoreShell("CdS", "ZnSe", 1.6, 2.0)
    >>> round(base.sample().exciton_energy, 2) > 1.5
    True
    """

    core: str
    shell: str
    core_radius: float
    shell_width: float
    size_dispersion: float = 0.0
    options: Mapping = field(default_factory=dict)

    def __init__(self, core: str, shell: str, core_radius: float, shell_width: float,
                 size_dispersion: float = 0.0, **options: Any) -> None:
        set_ = lambda k, v: object.__setattr__(self, k, v)  # noqa: E731 (frozen)
        set_("core", str(core))
        set_("shell", str(shell))
        set_("core_radius", core_radius)
        set_("shell_width", shell_width)
        set_("size_dispersion", size_dispersion)
        set_("options", dict(options))
        json.dumps(_json_value(self.parameters()))  # JSON-compatible or TypeError
        self.sample()

    def parameters(self) -> dict:
        """Keyword arguments of ``sample_from_core_shell``.

        Returns
        -------
        dict
            JSON-compatible.
        """
        return {"core": self.core, "shell": self.shell, "core_radius": self.core_radius,
                "shell_width": self.shell_width, "size_dispersion": self.size_dispersion,
                **self.options}

    def sample(self, **overrides: Any) -> models.Sample:
        """Build the sample, with ``overrides`` replacing parameters.

        Parameters
        ----------
        **overrides
            Parameters of ``sample_from_core_shell`` to replace.

        Returns
        -------
        models.Sample
        """
        from ncgain.models import coreshell
        return coreshell.sample_from_core_shell(**{**self.parameters(), **overrides})


def _resolve_base(base):
    if isinstance(base, (models.Sample, CoreShell)):
        return base
    if isinstance(base, str):
        return models.presets.get(base)
    if isinstance(base, os.PathLike):
        path = Path(base)
        if not path.is_file():
            raise ValueError(f"base = {str(path)!r}: no such sample file")
        return models.Sample.from_toml(path)
    raise ValueError(f"base must be a models.Sample, a preset name, a sample TOML path or a "
                     f"studies.sweep.CoreShell, got {base!r}")


def _base_description(base) -> dict:
    if isinstance(base, CoreShell):
        return {"kind": "core-shell", "parameters": _json_value(base.parameters())}
    return {"kind": "sample", "sample": base.to_dict()}


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
        validate_energies(energies, table, name=name)


def _common_mc(o: dict) -> dict:
    o["statistics"] = _choice("statistics", o["statistics"], _STATISTICS)
    o["method"] = _choice("method", o["method"], _METHODS)
    o["n_nanocrystals"] = _positive_int("n_nanocrystals", o["n_nanocrystals"], 1, 10 ** 12)
    o["energy_bins"] = _positive_int("energy_bins", o["energy_bins"], 1, 256)
    return o


# ---------------------------------------------------------------- pulsed gain threshold

_THRESHOLD_DEFAULTS = {"time": [3.0], "energy": ["E_X"], "loss": [0.0],
                       "statistics": "poisson", "method": "master-equation",
                       "n_nanocrystals": 200_000, "energy_bins": 1,
                       "max_mean_excitons": None}


def _threshold_normalize(options):
    o = _merge_options("threshold", _THRESHOLD_DEFAULTS, options)
    o["time"] = _float_list("time", o["time"], unit="(ps)")
    if min(o["time"]) < 0 or len(set(o["time"])) != len(o["time"]):
        raise ValueError(f"time = {o['time']} must be distinct delays >= 0 ps")
    o["energy"] = _probes("energy", o["energy"])
    o["loss"] = _float_list("loss", o["loss"], unit="(units of alpha_0(peak))")
    if min(o["loss"]) < 0 or max(o["loss"]) > 10 or len(set(o["loss"])) != len(o["loss"]):
        raise ValueError(f"loss = {o['loss']} must be distinct values in [0, 10] "
                         "(units of alpha_0(peak))")
    if o["max_mean_excitons"] is not None:
        o["max_mean_excitons"] = _float_list("max_mean_excitons", o["max_mean_excitons"])[0]
    return _common_mc(o)


def _threshold_dims(o):
    return {
        "time": (o["time"], {"units": "ps", "long_name": "time after the pump pulse"}),
        "probe": ([_probe_label(p) for p in o["energy"]],
                  {"units": "1", "long_name": "probe energy: E_X (the point's single-exciton "
                   "line), any (anywhere in the band) or a photon energy"}),
        "loss": (o["loss"], {"units": "1", "long_name": "net gain required, in units of "
                             "alpha_0(peak)"}),
    }


def _threshold_variables(o):
    d = ("time", "probe", "loss")
    return {
        "threshold": (d, {"units": "1", "long_name": "pulsed gain threshold <N> (excitons per "
                          "NC after the pulse; inf: no gain up to the search limit)"}),
        "threshold_energy": (d, {"units": "eV", "long_name": "photon energy where gain first "
                                 "appears at threshold (NaN where threshold is inf)"}),
        "threshold_fluence": (d, {"units": "mJ cm-2", "long_name": "pump fluence at threshold "
                                  "(inf: no gain)"}),
    }


def _threshold_check(sample, o):
    _check_probe_energies(sample, o["energy"], "energy")
    if o["statistics"] == "single" and o["max_mean_excitons"] is not None:
        scale = models.build_state_table(sample, sample.degeneracy).pump_scale
        if o["max_mean_excitons"] > 1.0 / float(scale.max()):
            raise ValueError(f"max_mean_excitons = {o['max_mean_excitons']!r} exceeds the "
                             f"single-statistics limit {1.0 / float(scale.max()):g}")


def _threshold_compute(sample, o, seed):
    shape = (len(o["time"]), len(o["energy"]), len(o["loss"]))
    th, en, fl = np.empty(shape), np.empty(shape), np.empty(shape)
    for i, t in enumerate(o["time"]):
        for j, p in enumerate(o["energy"]):
            for k, loss in enumerate(o["loss"]):
                r = kinetics.gain_threshold(
                    sample, time=t, energy=_probe_energy(sample, p), loss=loss,
                    statistics=o["statistics"], method=o["method"],
                    n_nanocrystals=o["n_nanocrystals"], seed=seed,
                    energy_bins=o["energy_bins"], max_mean_excitons=o["max_mean_excitons"])
                th[i, j, k] = float(r)
                en[i, j, k] = np.nan if r.energy is None else r.energy
                fl[i, j, k] = (math.inf if math.isinf(r)
                               else float(kinetics.pump_fluence(float(r), sample)))
    return {"threshold": th, "threshold_energy": en, "threshold_fluence": fl}


register_observable(Observable(
    name="threshold",
    description="pulsed gain threshold <N> (kinetics.gain_threshold) at each delay (--time), "
                "probe (--energy E_X|any|eV) and loss (--loss)",
    defaults=_THRESHOLD_DEFAULTS, normalize=_threshold_normalize, dims=_threshold_dims,
    variables=_threshold_variables, check_point=_threshold_check, compute=_threshold_compute,
    stochastic=lambda o: o["method"] == "monte-carlo"))


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
    stochastic=lambda o: o["method"] == "monte-carlo"))


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
    stochastic=lambda o: o["method"] == "monte-carlo"))


# ---------------------------------------------------------------- c.w. gain threshold

_CW_DEFAULTS = {"energy": ["E_X"], "loss": [0.0], "max_generation_rate": None}


def _cw_normalize(options):
    o = _merge_options("cw-threshold", _CW_DEFAULTS, options)
    o["energy"] = _probes("energy", o["energy"])
    o["loss"] = _float_list("loss", o["loss"], unit="(units of alpha_0(peak))")
    if min(o["loss"]) < 0 or max(o["loss"]) > 10 or len(set(o["loss"])) != len(o["loss"]):
        raise ValueError(f"loss = {o['loss']} must be distinct values in [0, 10] "
                         "(units of alpha_0(peak))")
    if o["max_generation_rate"] is not None:
        o["max_generation_rate"] = _float_list("max_generation_rate",
                                               o["max_generation_rate"], unit="(1/ps)")[0]
        if o["max_generation_rate"] <= 0:
            raise ValueError(f"max_generation_rate = {o['max_generation_rate']!r} 1/ps must "
                             "be > 0")
    return o


def _cw_dims(o):
    dims = _threshold_dims({"time": [0.0], "energy": o["energy"], "loss": o["loss"]})
    del dims["time"]
    return dims


def _cw_variables(o):
    d = ("probe", "loss")
    return {
        "cw_threshold": (d, {"units": "ps-1", "long_name": "c.w. gain threshold: generation "
                             "rate G per NC (inf: no gain in the searched range)"}),
        "cw_threshold_intensity": (d, {"units": "W cm-2", "long_name": "pump intensity at "
                                       "the c.w. threshold (inf: no gain)"}),
        "cw_threshold_energy": (d, {"units": "eV", "long_name": "photon energy where c.w. "
                                    "gain first appears (NaN where cw_threshold is inf)"}),
    }


def _cw_compute(sample, o, seed):
    shape = (len(o["energy"]), len(o["loss"]))
    g, i_, e = np.empty(shape), np.empty(shape), np.empty(shape)
    for j, p in enumerate(o["energy"]):
        for k, loss in enumerate(o["loss"]):
            try:
                r = kinetics.cw_threshold(sample, energy=_probe_energy(sample, p), loss=loss,
                                          max_generation_rate=o["max_generation_rate"])
            except kinetics.NoGainError:
                g[j, k], i_[j, k], e[j, k] = math.inf, math.inf, np.nan
                continue
            g[j, k] = float(r)
            i_[j, k] = float(np.ravel(kinetics.pump_intensity(float(r), sample))[0])
            e[j, k] = np.nan if r.energy is None else r.energy
    return {"cw_threshold": g, "cw_threshold_intensity": i_, "cw_threshold_energy": e}


# The c.w. threshold observable (kinetics.cw_threshold).
register_observable(Observable(
    name="cw-threshold",
    description="c.w. gain threshold (kinetics.cw_threshold): generation rate and pump "
                "intensity at each probe (--energy E_X|any|eV) and loss (--loss)",
    defaults=_CW_DEFAULTS, normalize=_cw_normalize, dims=_cw_dims,
    variables=_cw_variables, check_point=lambda sample, o: _check_probe_energies(
        sample, o["energy"], "energy"),
    compute=_cw_compute, stochastic=lambda o: False))


# ============================================================================ the definition

@dataclass(frozen=True, eq=False)
class Sweep:
    """A validated sweep definition.

    Parameters
    ----------
    base : models.Sample, str, os.PathLike or CoreShell
        The base sample: a Sample, a preset name ("type-ii", "type-i"), a
        sample TOML file (a ``pathlib.Path``), or a core/shell geometry.
    vary : mapping of str to sequence of float
        Swept fields and their values, in dimension order. For a Sample base,
        fields of :data:`SAMPLE_FIELDS`; for a CoreShell base, of
        :data:`CORE_SHELL_FIELDS`.
    observable : str, default "threshold"
        A key of :data:`OBSERVABLES`.
    options : mapping, optional
        Options of the observable (see its ``defaults``).
    grid : {"product", "points"}, default "product"
        ``"product"``: every combination (one dimension per field);
        ``"points"``: the i-th values of every field form point i (equal
        lengths; one dimension ``point``).
    seed : int, default 0
        Sweep seed; point i uses :func:`point_seed` ``(seed, i)``.

    Raises
    ------
    ValueError
        Unknown field or observable, empty or non-finite grid, repeated values,
        unknown or invalid options, a field that does not reach the kinetics.

    Examples
    --------
    >>> sw = Sweep("type-ii", {"linewidth": [0.04, 0.06]}, "threshold",
    ...            options={"time": [3.0]})
    >>> sw.shape, sw.n_points
    ((2,), 2)
    """

    base: Any
    vary: Mapping
    observable: str = "threshold"
    options: Mapping = field(default_factory=dict)
    grid: str = "product"
    seed: int = 0

    def __post_init__(self):
        set_ = lambda k, v: object.__setattr__(self, k, v)  # noqa: E731 (frozen)
        base = _resolve_base(self.base)
        set_("base", base)
        set_("grid", _choice("grid", self.grid, GRIDS))
        if (isinstance(self.seed, bool) or not isinstance(self.seed, (int, np.integer))
                or not 0 <= self.seed < 2 ** 63):
            raise ValueError(f"seed = {self.seed!r} is outside the allowed range: an integer in "
                             "[0, 2**63)")
        set_("seed", int(self.seed))
        if not isinstance(self.vary, Mapping) or not self.vary:
            raise ValueError("vary must map at least one field to its values, e.g. "
                             "{'linewidth': [0.02, 0.04]}")
        table = CORE_SHELL_FIELDS if isinstance(base, CoreShell) else SAMPLE_FIELDS
        vary = {}
        for name, values in self.vary.items():
            if name not in table:
                kind = "core/shell parameter" if isinstance(base, CoreShell) else "Sample field"
                raise ValueError(f"vary: unknown {kind} {name!r}; sweepable: {sorted(table)}")
            if isinstance(base, models.Sample) and base.components:
                raise ValueError(
                    f"vary: the base sample {base.name!r} has size classes (components); its "
                    f"top-level {name!r} does not reach the kinetics. Sweep a CoreShell base "
                    "(core_radius, shell_width, size_dispersion, ...) instead")
            vals = _float_list(f"vary {name}", values, allow_empty=True)
            if not vals:
                raise ValueError(f"vary {name}: empty grid (give at least one value)")
            if table[name][2] is int:
                if any(v != int(v) for v in vals):
                    raise ValueError(f"vary {name} = {vals}: values must be integers")
                vals = [int(v) for v in vals]
            if self.grid == "product" and len(set(vals)) != len(vals):
                raise ValueError(f"vary {name} = {vals}: repeated values in a product grid")
            vary[name] = vals
        if self.grid == "points":
            lengths = {k: len(v) for k, v in vary.items()}
            if len(set(lengths.values())) != 1:
                raise ValueError(f"grid = 'points' needs lists of equal length, got {lengths}")
            keys = list(zip(*vary.values()))
            if len(set(keys)) != len(keys):
                raise ValueError("grid = 'points': a point is repeated")
        set_("vary", vary)
        if self.observable not in OBSERVABLES:
            raise ValueError(f"observable = {self.observable!r} is not one of "
                             f"{tuple(OBSERVABLES)}")
        obs = OBSERVABLES[self.observable]
        opts = obs.normalize(dict(self.options or {}))
        set_("options", json.loads(_canonical(opts)))
        clash = set(obs.dims(opts)) & (set(vary) | {"point"})
        if clash:
            raise ValueError(f"vary: {sorted(clash)} clash with the observable's dimensions")

    # -- shape and points -----------------------------------------------------------

    @property
    def fields(self) -> tuple[str, ...]:
        """The swept fields, in dimension order."""
        return tuple(self.vary)

    @property
    def shape(self) -> tuple[int, ...]:
        """Grid shape: one length per field (product) or ``(n_points,)`` (points)."""
        if self.grid == "points":
            return (len(next(iter(self.vary.values()))),)
        return tuple(len(v) for v in self.vary.values())

    @property
    def n_points(self) -> int:
        """Number of points."""
        return int(np.prod(self.shape))

    @property
    def dims(self) -> tuple[str, ...]:
        """Grid dimensions of the dataset."""
        return ("point",) if self.grid == "points" else self.fields

    def coordinates(self, index: int) -> dict:
        """The swept values of point ``index``.

        Parameters
        ----------
        index : int
            Flat point index.

        Returns
        -------
        dict
            Field name -> value.
        """
        if self.grid == "points":
            return {k: v[index] for k, v in self.vary.items()}
        multi = np.unravel_index(index, self.shape)
        return {k: v[i] for (k, v), i in zip(self.vary.items(), multi)}

    def _where(self, index: int) -> str:
        coords = ", ".join(f"{k} = {v!r}" for k, v in self.coordinates(index).items())
        return f"point {index} ({coords})"

    def point_sample(self, index: int) -> models.Sample:
        """The sample of point ``index``.

        Parameters
        ----------
        index : int
            Flat point index.

        Returns
        -------
        models.Sample

        Raises
        ------
        ValueError
            If the point's values make an invalid sample (the message names the point).
        """
        coords = self.coordinates(index)
        try:
            if isinstance(self.base, CoreShell):
                return self.base.sample(**coords)
            return dataclasses.replace(self.base, **coords)
        except ValueError as exc:
            raise ValueError(f"{self._where(index)}: {exc}") from None

    def point_samples(self) -> list[models.Sample]:
        """Every point's sample, each checked for the observable, before any work.

        Returns
        -------
        list of models.Sample
            In point order.

        Raises
        ------
        ValueError
            Naming the first invalid point's index and coordinates.
        """
        obs = OBSERVABLES[self.observable]
        out = []
        for i in range(self.n_points):
            sample = self.point_sample(i)
            try:
                obs.check_point(sample, self.options)
            except ValueError as exc:
                raise ValueError(f"{self._where(i)}: {exc}") from None
            out.append(sample)
        return out

    # -- identity ---------------------------------------------------------------------

    def to_dict(self) -> dict:
        """The definition as JSON-compatible data (what the hash covers).

        Returns
        -------
        dict
        """
        return {"store_format": STORE_FORMAT, "base": _base_description(self.base),
                "vary": [[k, v] for k, v in self.vary.items()], "grid": self.grid,
                "observable": self.observable, "options": self.options, "seed": self.seed}

    def to_json(self) -> str:
        """Canonical JSON text of :meth:`to_dict`.

        Returns
        -------
        str
        """
        return _canonical(self.to_dict())

    @property
    def hash(self) -> str:
        """SHA-256 of :meth:`to_json` (hex)."""
        return hashlib.sha256(self.to_json().encode()).hexdigest()


# ============================================================================ computing

def _point_task(compute, sample, options, seed, numba_threads):
    """Worker side: compute one point (module-level so dask pickles it by reference)."""
    if numba_threads:
        import numba
        numba.set_num_threads(max(1, min(int(numba_threads), numba.config.NUMBA_NUM_THREADS)))
    result = compute(sample, options, seed)
    return {k: np.asarray(v, dtype=float) for k, v in result.items()}


def compute_point(sweep: Sweep, index: int) -> dict[str, np.ndarray]:
    """Compute point ``index`` in this process, without a store (the serial reference).

    Parameters
    ----------
    sweep : Sweep
        The definition.
    index : int
        Flat point index.

    Returns
    -------
    dict of str to ndarray
        The observable's variables at this point.
    """
    obs = OBSERVABLES[sweep.observable]
    sample = sweep.point_sample(index)
    obs.check_point(sample, sweep.options)
    return _point_task(obs.compute, sample, sweep.options, point_seed(sweep.seed, index), None)


# ============================================================================ the store

class _Store:
    """A sweep's output folder: manifest, point files, lock and assembled dataset."""

    def __init__(self, path: Path, sweep: Sweep):
        self.path = Path(path)
        self.sweep = sweep
        self.points = self.path / "points"
        self.manifest = self.path / "sweep.json"
        self.dataset = self.path / "sweep.nc"

    def point_file(self, index: int) -> Path:
        return self.points / f"p{index:07d}.npz"

    def open(self) -> "_Store":
        if self.path.exists() and not self.path.is_dir():
            raise ValueError(f"store {self.path}: exists and is not a folder")
        if self.manifest.exists():
            try:
                stored = json.loads(self.manifest.read_text())
            except (OSError, json.JSONDecodeError) as exc:
                raise ValueError(f"store {self.path}: unreadable manifest {self.manifest.name} "
                                 f"({exc})") from None
            if stored.get("hash") != self.sweep.hash:
                raise ValueError(self._mismatch(stored))
        else:
            if self.path.is_dir() and any(self.path.iterdir()):
                raise ValueError(f"store {self.path}: the folder is not empty and holds no sweep "
                                 "(no sweep.json); choose a new or empty folder")
            self.path.mkdir(parents=True, exist_ok=True)
            _atomic_write_text(self.manifest, json.dumps(
                {"hash": self.sweep.hash, "definition": self.sweep.to_dict(),
                 "n_points": self.sweep.n_points,
                 "ncgain_version": models.package_version()}, indent=1, sort_keys=True))
        self.points.mkdir(exist_ok=True)
        return self

    def _mismatch(self, stored: dict) -> str:
        old = stored.get("definition", {})
        new = json.loads(self.sweep.to_json())  # as stored: JSON lists, not tuples
        diff = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
        if "options" in diff and isinstance(old.get("options"), dict):
            diff.remove("options")
            diff += sorted(f"options.{k}" for k in set(old["options"]) | set(new["options"])
                           if old["options"].get(k) != new["options"].get(k))
        return (f"store {self.path} holds a different sweep (hash {str(stored.get('hash'))[:12]}, "
                f"this definition {self.sweep.hash[:12]}; differing: {', '.join(diff) or '?'}). "
                "Refusing to mix results: use another output folder, or delete this one to "
                "start over")

    @contextlib.contextmanager
    def lock(self):
        """Exclusive use of the store by this process (a stale lock is taken over)."""
        with _io.exclusive_output(self.path, lock=self.path / ".lock"):
            # Leftovers of a killed run: temporary point files and dataset files.
            for stale in [*self.points.glob(".p*.tmp"), *self.path.glob(".sweep.*.tmp")]:
                stale.unlink(missing_ok=True)
            yield self

    def done(self) -> set[int]:
        out = set()
        for p in self.points.glob("p*.npz"):
            try:
                index = int(p.stem[1:])
            except ValueError:
                continue
            if index < self.sweep.n_points:
                out.add(index)
        return out

    def write_point(self, index: int, result: dict) -> None:
        arrays = {f"v_{k}": np.asarray(v, dtype=float) for k, v in result.items()}
        arrays["_hash"] = np.array(self.sweep.hash)
        arrays["_index"] = np.array(index, dtype=np.int64)
        # Temporary in the same folder, fsync, os.replace (studies._io): a point file is
        # complete or absent; a signal during the write is deferred to its end.
        with _io.atomic_output(self.point_file(index)) as tmp, _io.critical():
            with open(tmp, "wb") as fh:
                np.savez(fh, **arrays)

    def read_point(self, index: int) -> dict:
        with np.load(self.point_file(index), allow_pickle=False) as z:
            if str(z["_hash"]) != self.sweep.hash or int(z["_index"]) != index:
                raise ValueError(f"store {self.path}: {self.point_file(index).name} belongs to "
                                 "another sweep or point")
            return {k[2:]: z[k] for k in z.files if k.startswith("v_")}


def _atomic_write_text(path: Path, text: str) -> None:
    _io.write_text(path, text)


def open_store(path, sweep: Sweep) -> dict:
    """Check ``path`` against ``sweep`` and report what it holds (creates it if new).

    Parameters
    ----------
    path : str or Path
        The store folder.
    sweep : Sweep
        The definition the store must hold.

    Returns
    -------
    dict
        ``n_points``, ``done`` (number of stored points), ``path``.

    Raises
    ------
    ValueError
        If the folder holds a different sweep, or is not empty and not a store.
    """
    store = _Store(Path(path), sweep).open()
    return {"path": str(store.path), "n_points": sweep.n_points, "done": len(store.done())}


# ============================================================================ assembly

def _assemble(store: _Store) -> xr.Dataset:
    sweep = store.sweep
    obs = OBSERVABLES[sweep.observable]
    dims = obs.dims(sweep.options)
    variables = obs.variables(sweep.options)
    results = [store.read_point(i) for i in range(sweep.n_points)]
    pad = {d: max(r[v].shape[vd.index(d)] for r in results for v, (vd, _) in variables.items()
                  if d in vd)
           for d, (values, _) in dims.items() if values is None}
    grid = sweep.shape
    data = {}
    for name, (vdims, attrs) in variables.items():
        shape = tuple(pad[d] if d in pad else len(dims[d][0]) for d in vdims)
        arr = np.zeros((sweep.n_points,) + shape)
        for i, r in enumerate(results):
            v = r[name]
            arr[(i,) + tuple(slice(0, n) for n in v.shape)] = v
        data[name] = (sweep.dims + tuple(vdims), arr.reshape(grid + shape), dict(attrs))
    table = CORE_SHELL_FIELDS if isinstance(sweep.base, CoreShell) else SAMPLE_FIELDS
    coords = {}
    for name, values in sweep.vary.items():
        units, long_name, _ = table[name]
        along = "point" if sweep.grid == "points" else name
        coords[name] = (along, np.asarray(values), {"units": units, "long_name": long_name})
    for d, (values, attrs) in dims.items():
        coords[d] = (d, np.arange(pad[d]) if values is None else np.asarray(values), dict(attrs))
    if sweep.grid == "points":
        coords["point"] = ("point", np.arange(sweep.n_points),
                           {"units": "1", "long_name": "point index"})
    seeds = np.array([point_seed(sweep.seed, i) for i in range(sweep.n_points)], dtype=np.int64)
    data["point_seed"] = (sweep.dims, seeds.reshape(grid),
                          {"units": "1", "long_name": "Monte Carlo seed of the point "
                           "(SeedSequence(seed, spawn_key=(index,)))"
                           + ("" if obs.stochastic(sweep.options) else "; unused: the "
                              "observable is deterministic")})
    ds = xr.Dataset(data, coords=coords)
    ds.attrs.update({
        "study": "sweep",
        "ncgain_version": models.package_version(),
        "observable": sweep.observable,
        "observable_description": obs.description,
        "observable_options": _canonical(sweep.options),
        "grid": sweep.grid,
        "swept_fields": json.dumps(list(sweep.fields)),
        "seed": sweep.seed,
        "base": _canonical(_base_description(sweep.base)),
        "sweep_definition": sweep.to_json(),
        "sweep_hash": sweep.hash,
        "method": sweep.options.get("method", ""),
    })
    if isinstance(sweep.base, models.Sample):
        ds.attrs["sample_0"] = sweep.base.to_json()
    return ds


# ============================================================================ running

def _is_address(scheduler) -> bool:
    return isinstance(scheduler, str) and scheduler not in ("serial", "local")


def run(sweep: Sweep, store, *, scheduler=None, workers: int | None = None,
        numba_threads: int | None = None, progress: bool = False, retries: int = 2,
        _after_point: Callable[[int], None] | None = None) -> xr.Dataset:
    """Compute the missing points of ``sweep`` into ``store`` and assemble the dataset.

    Parameters
    ----------
    sweep : Sweep
        The definition.
    store : str or Path
        Output folder (created). Holds ``sweep.json``, ``points/`` and, when
        every point is done, ``sweep.nc``.
    scheduler : None, "local", "serial", str or distributed.Client, default None
        None or "local": an embedded ``LocalCluster`` of ``workers`` single-threaded
        processes (closed at the end). "serial": in this process, no dask. Any
        other string: the address of a running dask scheduler
        (``"tcp://host:8786"``). A ``distributed.Client``: used as is (not closed).
    workers : int, optional
        Workers of the embedded cluster; default: the available cores, at most
        the number of missing points.
    numba_threads : int, optional
        Numba threads per point. Default: ``max(1, cores // workers)`` on the
        embedded cluster, 1 on an existing cluster, Numba's setting in serial.
    progress : bool, default False
        Show a progress bar over the points (with the time left).
    retries : int, default 2
        Extra attempts of a point whose task raised on a worker (a *killed*
        worker's points are rescheduled by dask regardless).
    _after_point : callable, optional
        Called with the index of each point once it is stored (the tests use it
        to interrupt a run or kill a worker at a known moment).

    Returns
    -------
    xarray.Dataset
        One dimension per swept field (``point`` for a list of points) plus the
        observable's own dimensions; written to ``STORE/sweep.nc``.

    Raises
    ------
    ValueError
        Invalid points (naming the point), a store holding a different sweep,
        bad scheduler/worker settings -- all before any point is computed.
    KeyboardInterrupt
        Re-raised after a clean stop; the points finished so far stay stored.

    Examples
    --------
    >>> import tempfile
    >>> sw = Sweep("type-ii", {"delta_xx": [0.05, 0.1]}, "threshold", options={"time": [3.0]})
    >>> ds = run(sw, tempfile.mkdtemp(), scheduler="serial")
    >>> ds.threshold.dims
    ('delta_xx', 'time', 'probe', 'loss')
    """
    if not isinstance(sweep, Sweep):
        raise ValueError(f"sweep must be a studies.sweep.Sweep, got {sweep!r}")
    if workers is not None:
        workers = _positive_int("workers", workers, 1, 4096)
        if scheduler not in (None, "local"):
            raise ValueError("workers applies to the embedded local cluster only "
                             f"(scheduler = {scheduler!r})")
    if numba_threads is not None:
        numba_threads = _positive_int("numba_threads", numba_threads, 1, 4096)
    _positive_int("retries", retries, 0, 100)
    samples = sweep.point_samples()          # every point valid, before any work
    store = _Store(Path(store), sweep).open()
    with store.lock():
        missing = sorted(set(range(sweep.n_points)) - store.done())
        if missing:
            _compute_missing(sweep, store, samples, missing, scheduler=scheduler,
                             workers=workers, numba_threads=numba_threads, progress=progress,
                             retries=retries, after_point=_after_point)
        ds = _assemble(store)
        _io.write_netcdf(ds, store.dataset)
    return ds


def _bar(total, initial, desc, progress):
    if not progress:
        return None
    from tqdm.auto import tqdm
    return tqdm(total=total, initial=initial, unit="point", desc=desc, smoothing=0.1)


def _compute_missing(sweep, store, samples, missing, *, scheduler, workers, numba_threads,
                     progress, retries, after_point):
    obs = OBSERVABLES[sweep.observable]
    seeds = {i: point_seed(sweep.seed, i) for i in missing}
    bar = _bar(sweep.n_points, sweep.n_points - len(missing), f"sweep {sweep.observable}",
               progress)
    try:
        if scheduler == "serial":
            for i in missing:
                result = _point_task(obs.compute, samples[i], sweep.options, seeds[i],
                                     numba_threads)
                store.write_point(i, result)
                if bar is not None:
                    bar.update(1)
                if after_point is not None:
                    after_point(i)
            return
        with _client(scheduler, workers, len(missing), numba_threads) as (client, threads):
            _run_distributed(client, threads, sweep, store, samples, missing, seeds, obs,
                             retries, bar, after_point)
    finally:
        if bar is not None:
            bar.close()


@contextlib.contextmanager
def _client(scheduler, workers, n_missing, numba_threads):
    import logging

    from distributed import Client, LocalCluster
    if isinstance(scheduler, Client):
        yield scheduler, numba_threads or 1
        return
    if _is_address(scheduler):
        try:
            client = Client(scheduler, timeout="20s")
        except (OSError, TimeoutError) as exc:
            raise ValueError(f"scheduler = {scheduler!r}: cannot connect ({exc})") from None
        try:
            yield client, numba_threads or 1
        finally:
            client.close()
        return
    if scheduler not in (None, "local"):
        raise ValueError(f"scheduler = {scheduler!r}: expected None, 'local', 'serial', an "
                         "address like 'tcp://host:8786' or a distributed.Client")
    cores = available_cores()
    n = min(workers or cores, max(n_missing, 1))
    threads = numba_threads or max(1, cores // n)
    env = {"NUMBA_NUM_THREADS": str(threads), "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
           "OPENBLAS_NUM_THREADS": "1"}
    # Ctrl-C in a terminal signals the whole process group: the worker processes must
    # leave it to this process, which cancels the points and closes the cluster. Ignored
    # signals survive exec, so workers spawned now inherit SIG_IGN; restarted workers get
    # it from the plugin.
    main = threading.current_thread() is threading.main_thread()
    old = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None
    import dask
    try:
        # No statistical profiler in the workers (it samples every 10 ms: CPU taken from the
        # points, and nobody looks at the dashboard of an embedded cluster).
        with dask.config.set({"distributed.worker.profile.enabled": False}):
            cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                   dashboard_address=None, env=env,
                                   # A point that fails reaches the client through its
                                   # future; dask's own messages (e.g. a worker's heartbeat
                                   # failing while the cluster closes after Ctrl-C) would
                                   # be noise.
                                   silence_logs=logging.CRITICAL)
    finally:
        if main:
            signal.signal(signal.SIGINT, old)
    client = Client(cluster)
    from ._dask_plugins import IgnoreInterrupt
    client.register_plugin(IgnoreInterrupt())
    try:
        yield client, threads
    finally:
        client.close()
        cluster.close()


@contextlib.contextmanager
def local_cluster(workers: int | None = None, numba_threads: int | None = None):
    """An embedded dask ``LocalCluster`` sized as :func:`run` sizes it, as a Client.

    Use it to run several sweeps on one cluster (``run(..., scheduler=client)``);
    it is closed on exit.

    Parameters
    ----------
    workers : int, optional
        Worker processes (one thread each); default: the available cores.
    numba_threads : int, optional
        ``NUMBA_NUM_THREADS`` of each worker; default ``max(1, cores // workers)``.

    Yields
    ------
    distributed.Client
    """
    if workers is not None:
        workers = _positive_int("workers", workers, 1, 4096)
    with _client(None, workers, workers or available_cores(), numba_threads) as (client, _):
        yield client


def _run_distributed(client, threads, sweep, store, samples, missing, seeds, obs, retries,
                     bar, after_point):
    from distributed import as_completed
    import uuid
    # A fresh token per run: keys of a cancelled (interrupted) run are never reused.
    prefix = f"ncgain-sweep-{sweep.hash[:12]}-{uuid.uuid4().hex[:8]}"
    futures = {}
    for i in missing:
        fut = client.submit(_point_task, obs.compute, samples[i], sweep.options, seeds[i],
                            threads, key=f"{prefix}-{i}", retries=retries, pure=False)
        futures[fut.key] = (i, fut)
    try:
        for fut in as_completed([f for _, f in futures.values()]):
            i = futures[fut.key][0]
            if fut.status != "finished":
                exc = fut.exception()
                raise RuntimeError(f"{sweep._where(i)} failed on the cluster: "
                                   f"{type(exc).__name__}: {exc}") from exc
            store.write_point(i, fut.result())
            fut.release()
            if bar is not None:
                bar.update(1)
            if after_point is not None:
                after_point(i)
    except BaseException:
        client.cancel([f for _, f in futures.values()])
        raise
