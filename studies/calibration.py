"""Calibrating both samples against Klimov et al. 2007: what do the quoted numbers imply?

The type-II sample (free: Stokes shift, Delta_XX and its per-NC spread, X -> XX
absorption width, strength of the 2.254 eV transition, sigma_pump) is fitted to the
paper's numbers for it; the type-I sample (free: Delta_XX, X -> XX width, strength of a
red-shifting higher transition) to its own, once per band-edge state model (the
discrete choice: two-channel against electron-hole fine structure, compared by
chi-square). The ~5x threshold ratio joins both: the type-I fits use the type-II
best fit's threshold as the reference, its 1-sigma propagated into the ratio's sigma.
The Auger law is a second discrete choice: both samples are fitted again under each law
of :data:`AUGER_LAWS` beside the default (type I on its better state model, its ratio
against the same law's type-II fit) and the laws are compared by chi-square.
Forward functions: :mod:`ncgain.studies.calibration_model`; fits:
:func:`ncgain.fit.joint.fit_quoted` (lmfit least squares, Fisher covariance). The
targets, their sigma and the bounds (with sources) are :data:`TARGETS` and
:data:`PARAMETERS`; the template quotes them.
"""

from __future__ import annotations

import functools
import json
import math
import time

import numpy as np
import xarray as xr

from ncgain import models
from ncgain.fit.joint import QuotedTarget, compare, fit_quoted

from . import calibration_model as cm
from ._common import attach, figure, schema
from ._progress import study_progress
from .calibration_targets import (AUGER_LAWS, MAX_NFEV, PARAMETERS, QUICK_PARAMETERS,
                                  STATE_MODELS, TARGETS, TYPE_I_HIGHER, build_type_i,
                                  build_type_ii)

NAME = "calibration"
TITLE = "Calibration - both samples fitted to the paper's quoted numbers"

#: absolute pull at or below which a claim's target counts as reproduced (1 sigma), partly (3)
PULL_OK, PULL_PARTLY = 1.0, 3.0
#: chi-square difference below which the quoted numbers cannot tell two Auger laws apart
#: (a likelihood ratio exp(1/2) ~ 1.6; both laws have the same free parameters)
AUGER_UNDECIDED = 1.0


def _targets(key: str, fw: cm.Forward, ratio_reference=None, type_i_reference=None) -> list:
    functions = {"x_pl": fw.x_pl, "xx_pl": fw.xx_pl, "xx_decay": fw.xx_decay,
                 "gain_decay": fw.decay, "x_fluence": fw.band_fluence("x"),
                 "xx_fluence": fw.band_fluence("xx"), "x_offset": fw.band_offset("x", "x"),
                 "xx_offset": fw.band_offset("xx", "xx"), "slope": fw.slope}
    out = []
    for name, (value, sigma, units, bound, label, why) in TARGETS[key].items():
        f = functions.get(name)
        if name == "ratio":
            ref, ref_sigma = ratio_reference
            sigma = math.hypot(sigma, value * ref_sigma / ref)
            f = fw.ratio_to(ref)
        out.append(QuotedTarget(name, value, sigma, f, units, bound, label, why))
    if type_i_reference is not None:
        # the joint type-II fit: the ratio with the best type-I fit's threshold fixed
        value, sigma, units, bound, label, why = TARGETS["type-i"]["ratio"]
        ref, ref_sigma = type_i_reference
        out.append(QuotedTarget("ratio", value, math.hypot(sigma, value * ref_sigma / ref),
                                lambda smp: ref / fw.threshold(smp), units, bound, label,
                                why.replace("type-II", "type-I")))
    return out


def _spec(key: str, quick: bool) -> dict:
    names = QUICK_PARAMETERS[key] if quick else tuple(PARAMETERS[key])
    return {k: PARAMETERS[key][k][:3] for k in names}


def run(quick: bool = False, progress: bool = False) -> xr.Dataset:
    """Fit both samples (see the module docstring).

    Parameters
    ----------
    quick : bool, default False
        Coarse grids and fewer free parameters (type II: Stokes shift and sigma_pump;
        type I: Delta_XX), a few evaluations: a smoke run, not a result.
    progress : bool, "always" or callable, default False
        Progress over the fits (:mod:`studies._progress`: a bar on a terminal, or
        ``progress(done, total, label)`` after each fit, the label its name and chi2).

    Returns
    -------
    xarray.Dataset
        Dimensions ``fit`` (type II, type I two-channel, type I electron-hole),
        ``target`` and ``parameter``; every variable with units and long name; the
        tensions and the undetermined parameters as JSON attributes.
    """
    # type II, type I per state model, type II joint, both again per further Auger law
    n_fits = 2 + len(STATE_MODELS) + 2 * (len(AUGER_LAWS) - 1)
    with study_progress(progress, n_fits, NAME, unit="fit") as bar:
        return _run(quick, bar)


def _run(quick: bool, bar) -> xr.Dataset:
    """:func:`run`'s work; ``bar`` (a :class:`~._progress.StudyProgress`) counts the fits."""
    fw = cm.Forward(quick)
    nfev = 12 if quick else MAX_NFEV
    fits, labels = {}, {}
    t0, c0 = time.perf_counter(), time.process_time()
    f2 = fit_quoted(build_type_ii, _spec("type-ii", quick), _targets("type-ii", fw),
                    max_nfev=nfev, derived={"threshold": fw.threshold})
    fits["type-ii"], labels["type-ii"] = f2, "type-ii"
    bar.advance(1, f"type-ii chi2 {f2.chisqr:.3g}")
    reference = f2.derived["threshold"]
    if not math.isfinite(reference[1]):
        reference = (reference[0], 0.0)   # stated in the template (ref_sigma_finite)
    for model, preset in STATE_MODELS.items():
        f1 = fit_quoted(build_type_i(preset), _spec("type-i", quick),
                        _targets("type-i", fw, reference), max_nfev=nfev,
                        derived={"threshold": fw.threshold})
        key = f"type-i {model}"
        fits[key], labels[key] = f1, "type-i"
        bar.advance(1, f"{key} chi2 {f1.chisqr:.3g}")
    # second pass: type II with the ratio as well, against the better type-I fit
    best_i = compare({k: f for k, f in fits.items() if labels[k] == "type-i"})[0][0]
    ref_i = fits[best_i].derived["threshold"]
    ref_i = ref_i if math.isfinite(ref_i[1]) else (ref_i[0], 0.0)
    spec = {k: (min(max(f2.values[k], lo), hi), lo, hi)
            for k, (_, lo, hi) in _spec("type-ii", quick).items()}
    fj = fit_quoted(build_type_ii, spec, _targets("type-ii", fw, type_i_reference=ref_i),
                    max_nfev=nfev)
    fits["type-ii joint"], labels["type-ii joint"] = fj, "type-ii"
    bar.advance(1, f"type-ii joint chi2 {fj.chisqr:.3g}")
    # the Auger law (a discrete choice): both samples again under each other law
    model_i = best_i.split(" ", 1)[1]
    auger = {"type-ii": {AUGER_LAWS[0]: "type-ii"}, "type-i": {AUGER_LAWS[0]: best_i}}
    for law in AUGER_LAWS[1:]:
        fa = fit_quoted(functools.partial(build_type_ii, auger_scaling=law),
                        _spec("type-ii", quick), _targets("type-ii", fw), max_nfev=nfev,
                        derived={"threshold": fw.threshold})
        ref_a = fa.derived["threshold"]
        ref_a = ref_a if math.isfinite(ref_a[1]) else (ref_a[0], 0.0)
        fb = fit_quoted(build_type_i(STATE_MODELS[model_i], law), _spec("type-i", quick),
                        _targets("type-i", fw, ref_a), max_nfev=nfev)
        for kind, key, f in (("type-ii", f"type-ii {law} Auger", fa),
                             ("type-i", f"{best_i} {law} Auger", fb)):
            fits[key], labels[key], auger[kind][law] = f, f"{kind} {law}", key
            bar.advance(1, f"{key} chi2 {f.chisqr:.3g}")
    # the presets against the same targets (no fit): where today's numbers stand
    presets = {"type-ii": models.presets.TYPE_II_CDS_ZNSE}
    presets.update({f"type-i {m}": models.presets.get(p) for m, p in STATE_MODELS.items()})
    ref0 = (fw.threshold(presets["type-ii"]), 0.0)
    ref0_i = (fw.threshold(models.presets.get(STATE_MODELS[best_i.split()[-1]])), 0.0)
    presets["type-ii joint"] = presets["type-ii"]
    baseline = {}
    for key, sample in presets.items():
        targets = (_targets("type-ii", fw) if key == "type-ii" else
                   _targets("type-ii", fw, type_i_reference=ref0_i) if key == "type-ii joint"
                   else _targets("type-i", fw, ref0))
        baseline[key] = {t.name: (t.model_value(sample), t.pull(sample)) for t in targets}
    for kind, keys in auger.items():     # the Auger fits beside the existing presets
        baseline.update({k: baseline[keys[AUGER_LAWS[0]]] for k in keys.values()})
    elapsed = (time.perf_counter() - t0, time.process_time() - c0)
    return _dataset(fits, labels, fw, reference, elapsed, quick, baseline, ref0[0], auger)


def _dataset(fits, labels, fw, reference, elapsed, quick, baseline,
             preset_reference, auger) -> xr.Dataset:
    t_rows = [(k, t, f) for k, f in fits.items() for t in f.targets]
    p_rows = [(k, p, f) for k, f in fits.items() for p in f.parameters]
    a = schema(NAME)
    ds = xr.Dataset(
        {
            "target_value": ("target", [t.value for _, t, _ in t_rows], a["target_value"]),
            "target_sigma": ("target", [t.sigma for _, t, _ in t_rows], a["target_sigma"]),
            "target_model": ("target", [f.model_values[t.name] for _, t, f in t_rows],
                             a["target_model"]),
            "pull": ("target", [f.pulls[t.name] for _, t, f in t_rows], a["pull"]),
            "preset_model": ("target", [baseline[k][t.name][0] for k, t, _ in t_rows],
                             a["preset_model"]),
            "preset_pull": ("target", [baseline[k][t.name][1] for k, t, _ in t_rows],
                            a["preset_pull"]),
            "best": ("parameter", [f.values[p] for _, p, f in p_rows], a["best"]),
            "stderr": ("parameter", [f.stderr[p] for _, p, f in p_rows], a["stderr"]),
            "interval_low": ("parameter", [f.intervals[p][0] for _, p, f in p_rows],
                             a["interval_low"]),
            "interval_high": ("parameter", [f.intervals[p][1] for _, p, f in p_rows],
                              a["interval_high"]),
            "bound_low": ("parameter", [f.bounds[p][0] for _, p, f in p_rows], a["bound_low"]),
            "bound_high": ("parameter", [f.bounds[p][1] for _, p, f in p_rows],
                           a["bound_high"]),
            "at_bound": ("parameter", [int(p in f.at_bound) for _, p, f in p_rows],
                         a["at_bound"]),
            "chisqr": ("fit", [f.chisqr for f in fits.values()], a["chisqr"]),
            "ndof": ("fit", [f.ndof for f in fits.values()], a["ndof"]),
            "nfev": ("fit", [f.nfev for f in fits.values()], a["nfev"]),
            "fit_time": ("fit", [f.elapsed for f in fits.values()], a["fit_time"]),
            "reference_threshold": ((), reference[0], a["reference_threshold"]),
            "reference_threshold_sigma": ((), reference[1], a["reference_threshold_sigma"]),
            "preset_reference_threshold": ((), preset_reference,
                                           a["preset_reference_threshold"]),
            "auger_chisqr": (("sample", "auger_law"), [[fits[auger[k][law]].chisqr for law in
                                                         AUGER_LAWS] for k in auger],
                             a["auger_chisqr"]),
        },
        coords={
            "fit": ("fit", list(fits), a["fit"]),
            "target": ("target", [f"{k}: {t.name}" for k, t, _ in t_rows], a["target"]),
            "target_fit": ("target", [k for k, _, _ in t_rows], a["target_fit"]),
            "parameter": ("parameter", [f"{k}: {p}" for k, p, _ in p_rows], a["parameter"]),
            "parameter_fit": ("parameter", [k for k, _, _ in p_rows], a["parameter_fit"]),
            "fit_auger_law": ("fit", [next((law for m in auger.values() for law, k in m.items()
                                            if k == f), AUGER_LAWS[0]) for f in fits],
                              a["fit_auger_law"]),
            "sample": ("sample", list(auger), a["sample"]),
            "auger_law": ("auger_law", list(AUGER_LAWS), a["auger_law"]),
            "auger_fit": (("sample", "auger_law"), [[auger[k][law] for law in AUGER_LAWS]
                                                   for k in auger], a["auger_fit"]),
        },
    )
    extra = {k: {"tensions": f.tensions(), "undetermined": f.undetermined,
                 "success": f.success, "samples": f.sample.to_json(),
                 "ase": {b: v for b, v in fw.stripe(f.sample).items() if b != "first"},
                 "first_band": fw.stripe(f.sample)["first"],
                 "probe": fw.probe(f.sample)} for k, f in fits.items()}
    ranking = compare({k: f for k, f in fits.items() if labels[k] == "type-i"})
    return attach(ds, study=NAME, quick=quick, samples=[f.sample for f in fits.values()],
                  fits=json.dumps(extra, default=float), state_model_ranking=ranking,
                  elapsed=elapsed[0], cpu_time=elapsed[1],
                  grid=list(cm.GRIDS["quick" if quick else "full"]),
                  targets=json.dumps(TARGETS), parameters=json.dumps(PARAMETERS))


def plot(ds: xr.Dataset):
    """Pulls of every target, one panel per fit (+-1 and +-3 sigma shaded).

    Parameters
    ----------
    ds : xarray.Dataset
        The dataset of :func:`run`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fits = list(ds.fit.values)
    cols = min(3, len(fits))    # rows of three panels: a one-row strip is unreadable when scaled
    rows = -(-len(fits) // cols)
    fig = figure(figsize=(4.2 * cols, 3.6 * rows), layout="constrained")
    axes = np.atleast_1d(fig.subplots(rows, cols)).ravel()
    for ax in axes[len(fits):]:
        ax.set_visible(False)
    for ax, key in zip(axes, fits):
        sel = ds.target_fit.values == key
        names = [str(t).split(": ", 1)[1] for t in ds.target.values[sel]]
        pulls = np.clip(ds.pull.values[sel], -8, 8)
        y = np.arange(len(names))
        ax.axvspan(-PULL_PARTLY, PULL_PARTLY, color="0.93")
        ax.axvspan(-PULL_OK, PULL_OK, color="0.82")
        ax.barh(y, pulls, color=["C3" if abs(p) > PULL_PARTLY else "C1" if abs(p) > PULL_OK
                                 else "C2" for p in pulls])
        ax.plot(pulls, y, "k|", ms=10)    # a pull near 0 shows as a tick, not as nothing
        ax.set_yticks(y, names, fontsize=8)
        ax.axvline(0, color="k", lw=0.8)
        ax.set_xlim(-8, 8)
        ax.set_xlabel("pull (model - paper) / sigma (clipped at 8)")
        chi = float(ds.chisqr.sel(fit=key))
        ax.set_title(f"{key}\nchi2 = {chi:.3g} ({int(ds.ndof.sel(fit=key))} dof)", fontsize=9)
    return fig


def _verdict(pulls) -> str:
    worst = max(abs(p) for p in pulls)
    return ("reproduced" if worst <= PULL_OK else "partly" if worst <= PULL_PARTLY
            else "not reproduced")


def claims(ds: xr.Dataset) -> dict:
    """Headline claims with a verdict from the calibration.

    Type-II claims and the ratio: the joint type-II fit (all type-II targets and the
    ratio against the better type-I fit); type-I claims: the type-I state model of lower
    chi-square. Verdict from the largest absolute pull of the claim's targets: <= PULL_OK
    reproduced, <= PULL_PARTLY partly, else not reproduced.

    Parameters
    ----------
    ds : xarray.Dataset
        The dataset of :func:`run`.

    Returns
    -------
    dict
        Claim -> ``verdict``, ``pulls`` and ``models`` (target -> pull, model value),
        ``fit``.
    """
    pull = {str(t): float(p) for t, p in zip(ds.target.values, ds.pull.values)}
    model = {str(t): float(m) for t, m in zip(ds.target.values, ds.target_model.values)}
    ranking = json.loads(ds.attrs["state_model_ranking"])
    best_i = ranking[0][0]
    joint = "type-ii joint"
    spec = {"ase_order": (joint, ("x_fluence", "xx_fluence", "x_offset", "xx_offset")),
            "linear": (joint, ("slope",)), "ratio": (joint, ("ratio",)),
            "quadratic": (best_i, ("slope",)), "type_i_red": (best_i, ("x_offset",))}
    out = {}
    for claim, (fit, names) in spec.items():
        pulls = {n: pull[f"{fit}: {n}"] for n in names}
        out[claim] = {"verdict": _verdict(pulls.values()), "pulls": pulls, "fit": fit,
                      "models": {n: model[f"{fit}: {n}"] for n in names}}
    return out


def auger_comparison(ds: xr.Dataset) -> dict:
    """The Auger laws ranked by chi-square: per sample and both samples together.

    Parameters
    ----------
    ds : xarray.Dataset
        The dataset of :func:`run`.

    Returns
    -------
    dict
        "type-ii", "type-i", "both" -> list of (law, chi-square, minus the best's), best
        first; "preferred" -> the best law of both together, None if the difference is
        below :data:`AUGER_UNDECIDED`.
    """
    laws = ds.auger_law.values.tolist()
    out = {}
    for key in ds.sample.values.tolist() + ["both"]:
        chi = ds.auger_chisqr.sum("sample") if key == "both" else ds.auger_chisqr.sel(sample=key)
        ranked = sorted(zip(laws, map(float, chi.values)), key=lambda lc: lc[1])
        out[key] = [(law, c, c - ranked[0][1]) for law, c in ranked]
    both = out["both"]
    out["preferred"] = both[0][0] if both[-1][2] >= AUGER_UNDECIDED else None
    return out


def context(ds: xr.Dataset) -> dict:
    """The numbers of the report's calibration section (template ``calibration.md.j2``).

    Parameters
    ----------
    ds : xarray.Dataset
        The dataset of :func:`run`.

    Returns
    -------
    dict
        ``fits`` (per fit: its targets and parameters as dicts, tensions, undetermined,
        the ASE bands), ``claims``, ``ranking``, the targets' and parameters' tables.
    """
    extra = json.loads(ds.attrs["fits"])
    table, ptable = json.loads(ds.attrs["targets"]), json.loads(ds.attrs["parameters"])
    fits = {}
    for key in ds.fit.values.tolist():
        kind = "type-ii" if key.startswith("type-ii") else "type-i"
        tsel = ds.target_fit.values == key
        psel = ds.parameter_fit.values == key
        targets = []
        for n, v, sg, m, p, pm, pp in zip(
                ds.target.values[tsel], ds.target_value.values[tsel],
                ds.target_sigma.values[tsel], ds.target_model.values[tsel],
                ds.pull.values[tsel], ds.preset_model.values[tsel],
                ds.preset_pull.values[tsel]):
            name = str(n).split(": ", 1)[1]
            row = table[kind].get(name) or table["type-i"][name]
            targets.append({"name": name, "value": float(v), "sigma": float(sg),
                            "model": float(m), "pull": float(p), "preset_model": float(pm),
                            "preset_pull": float(pp), "units": row[2], "bound": row[3],
                            "label": row[4], "why": row[5]})
        params = []
        for n, b, e, lo, hi, ab in zip(ds.parameter.values[psel], ds.best.values[psel],
                                       ds.stderr.values[psel], ds.interval_low.values[psel],
                                       ds.interval_high.values[psel], ds.at_bound.values[psel]):
            name = str(n).split(": ", 1)[1]
            row = ptable[kind][name]
            params.append({"name": name, "best": float(b), "stderr": float(e),
                           "low": float(lo), "high": float(hi), "at_bound": bool(ab),
                           "units": row[3], "bound_low": row[1], "bound_high": row[2],
                           "source": row[4],
                           "undetermined": extra[key]["undetermined"].get(name, "")})
        fits[key] = {"targets": targets, "parameters": params, **extra[key],
                     "chisqr": float(ds.chisqr.sel(fit=key)),
                     "ndof": int(ds.ndof.sel(fit=key)),
                     "time": float(ds.fit_time.sel(fit=key))}
    auger = auger_comparison(ds)
    return {"fits": fits, "claims": claims(ds), "TARGETS": json.loads(ds.attrs["targets"]),
            "PARAMETERS": json.loads(ds.attrs["parameters"]),
            "ranking": json.loads(ds.attrs["state_model_ranking"]),
            "PULL_OK": PULL_OK, "PULL_PARTLY": PULL_PARTLY, "TYPE_I_HIGHER": TYPE_I_HIGHER,
            "grid": json.loads(ds.attrs["grid"]), "elapsed": float(ds.attrs["elapsed"]),
            "cpu_time": float(ds.attrs["cpu_time"]),
            "quick": bool(ds.attrs["quick"]), "QUICK_PARAMETERS": QUICK_PARAMETERS,
            "auger": auger, "AUGER_UNDECIDED": AUGER_UNDECIDED, "AUGER_LAWS": AUGER_LAWS,
            "auger_chi": {k: dict((law, c) for law, c, _ in r) for k, r in auger.items()
                          if k != "preferred"},
            "auger_fit": {k: dict(zip(ds.auger_law.values.tolist(), ds.auger_fit.sel(
                sample=k).values.tolist())) for k in ds.sample.values.tolist()}}
