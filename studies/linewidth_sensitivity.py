"""Linewidth sensitivity: gain thresholds of both presets versus the ensemble width Gamma.

The paper's argument (Fig. 1): single-exciton gain needs the X -> XX
transition shift Delta_XX to be "comparable to or greater than the transition
line width" Gamma. This study varies Gamma from 10 to 150 meV for the type-II
(Delta_XX = +106 meV) and type-I (Delta_XX = -20 meV) presets and computes,
through the sweep machinery (:mod:`ncgain.sweeps`, so ``ncgain reproduce``
exercises it), the pulsed gain threshold <N> (exact master equation, Poisson
pumping)

- at 3 ps after the pulse (the paper's gain onset) and at T_AFTER = 650 ps,
  after Auger decay (5 tau_XX of the type-II sample, > 20 tau_XX of type I),
- at E_X (net gain alpha < 0) and at the *gain band* (first gain anywhere that
  reaches the loss of the studies' close-packed film: modal gain Gamma_c alpha_0 g
  >= 50 cm^-1, i.e. -alpha >= DETECTABLE_GAIN = 0.0189 alpha_0(peak);
  :data:`studies._common.STUDY_FILM`).

After Auger decay only single excitons remain, a fraction p1(t) <= exp(-t/tau_X)
of the NCs (two-population estimate: every excited NC holds one exciton from
t = 0, which neglects the time spent as a multiexciton). Gain at E_X then needs
p1 > 2/(3 - exp(-Delta^2/Gamma^2)) (the paper's formula), which is possible
only while

    Gamma < Gamma_c = abs(Delta_XX) / sqrt(-ln(3 - 2 exp(t/tau_X))),

the two-population estimate of where single-exciton gain is lost. The sweep
gives the exact answer (the first Gamma with no gain up to <N> = 10).

Samples: each preset with Gamma swept and its homogeneous width gamma kept at the
preset's 20 meV where Gamma allows it (Gaussian lines need gamma < Gamma), gamma =
Gamma/2 below 40 meV: a list of (Gamma, gamma) points (``grid="points"``). gamma
enters the ensemble widths of the preset's higher transition, so it is kept where
possible rather than set to 0.
"""

from __future__ import annotations

import dataclasses
import math
import tempfile

import numpy as np
import xarray as xr

from ncgain import kinetics, models

from ncgain import sweeps
from ._common import DETECTABLE_GAIN, STUDY_FILM, attach, figure, gain_criterion_text
from ._analysis import first_infinite as _first_infinite, last_finite as _last_finite
from ._gain_condition import (cutoff_from_p as _cutoff_from_p,  # noqa: F401 (public)
                              cutoff_from_p1 as _cutoff_from_p1, cutoff_linewidth,
                              OUTSIDE_ATTRS, probe_grid_ranges)

NAME = "linewidth_sensitivity"
TITLE = "Linewidth sensitivity - gain thresholds versus Gamma (sweep on dask.distributed)"

PROBE_TIME = 3.0       # ps: the paper's gain onset (Fig. 5d)
T_AFTER = 650.0        # ps: after Auger decay, 5 tau_XX of the type-II preset
GAMMA_RANGE = (0.010, 0.150)   # eV
SEARCH_LIMIT = 10.0    # <N>: gain_threshold's default upper end (Poisson)
PRESETS = (("type-II", "type-ii"), ("type-I", "type-i"))


def linewidths(quick: bool) -> np.ndarray:
    """The swept Gamma values: 8 (quick) or 29 (5-meV steps) from 10 to 150 meV.

    Parameters
    ----------
    quick : bool
        The quick grid.

    Returns
    -------
    ndarray
        Line widths (eV).
    """
    return np.linspace(*GAMMA_RANGE, 8 if quick else 29)


def base_sample(preset: str) -> models.Sample:
    """The base sample of the sweep: the preset itself.

    Parameters
    ----------
    preset : str
        Preset name.

    Returns
    -------
    models.Sample
    """
    return models.presets.get(preset)


def homogeneous_widths(gammas, preset: str) -> np.ndarray:
    """gamma for each Gamma: the preset's homogeneous width, at most Gamma / 2.

    Parameters
    ----------
    gammas : array_like
        Ensemble widths Gamma (eV).
    preset : str
        Preset name.

    Returns
    -------
    ndarray
        Homogeneous widths gamma (eV).
    """
    return np.minimum(models.presets.get(preset).homogeneous_linewidth,
                      0.5 * np.asarray(gammas, float))


def _vary(preset: str, quick: bool) -> dict:
    g = linewidths(quick)
    return {"linewidth": g.tolist(),
            "homogeneous_linewidth": homogeneous_widths(g, preset).tolist()}


def definition(preset: str, quick: bool = False) -> sweeps.Sweep:
    """The sweep of one preset: thresholds at (3 ps, T_AFTER) x (E_X, any) x (0, film loss).

    Parameters
    ----------
    preset : str
        Preset name.
    quick : bool, default False
        The quick grid.

    Returns
    -------
    ncgain.sweeps.Sweep
    """
    return sweeps.Sweep(base_sample(preset), _vary(preset, quick), "threshold", grid="points",
                        options={"time": [PROBE_TIME, T_AFTER], "energy": ["E_X", "any"],
                                 "loss_fraction": [0.0, DETECTABLE_GAIN],
                                 "max_mean_excitons": SEARCH_LIMIT},
                        seed=2007)


def has_cw() -> bool:
    """Whether the c.w. threshold observable is available (kinetics.cw_threshold).

    Returns
    -------
    bool
    """
    return "cw-threshold" in sweeps.OBSERVABLES


def cw_definition(preset: str, quick: bool = False) -> sweeps.Sweep:
    """The c.w. sweep of one preset: steady-state thresholds at (E_X, any) x (0, film loss).

    Parameters
    ----------
    preset : str
        Preset name.
    quick : bool, default False
        The quick grid.

    Returns
    -------
    ncgain.sweeps.Sweep
    """
    return sweeps.Sweep(base_sample(preset), _vary(preset, quick), "cw-threshold",
                        grid="points",
                        options={"energy": ["E_X", "any"], "loss_fraction": [0.0, DETECTABLE_GAIN]})


def run(quick: bool = False, progress: bool = False, *, scheduler=None) -> xr.Dataset:
    """Both presets' threshold sweeps, combined along a ``sample`` dimension.

    Parameters
    ----------
    quick : bool
        8 line widths instead of 29.
    progress : bool
        Progress bars over the points.
    scheduler : optional
        Passed to :func:`ncgain.sweeps.run`. Default: in-process ("serial") for
        the quick run (cluster start-up would dominate its few seconds), an
        embedded two-worker LocalCluster shared by both sweeps otherwise.

    Returns
    -------
    xarray.Dataset
    """
    definitions = [definition(p, quick) for _, p in PRESETS]
    if has_cw():
        definitions += [cw_definition(p, quick) for _, p in PRESETS]

    def run_all(target):
        return [sweeps.run(d, f"{tmp}/{k}", scheduler=target, progress=progress)
                for k, d in enumerate(definitions)]

    with tempfile.TemporaryDirectory(prefix="ncgain-linewidth-") as tmp:
        if scheduler is None and not quick:
            with sweeps.local_cluster(workers=min(2, sweeps.available_cores())) as client:
                results = run_all(client)
        else:
            results = run_all(scheduler or "serial")
    # One point per Gamma: index the points by Gamma (gamma stays a coordinate).
    results = [r.swap_dims(point="linewidth").drop_vars("point") for r in results]
    parts, cw_parts = results[:len(PRESETS)], results[len(PRESETS):]
    labels = [label for label, _ in PRESETS]
    samples = [base_sample(p) for _, p in PRESETS]
    ds = xr.concat([d.drop_vars("point_seed") for d in parts], dim="sample",
                   combine_attrs="override")
    ds.attrs = {}  # the per-sweep attributes are kept below under their preset's name
    ds = ds.assign_coords(sample=("sample", labels, {"units": "1", "long_name": "preset"}))
    gamma = ds.linewidth
    delta = xr.DataArray([s.delta_xx for s in samples], dims="sample")
    ds["delta_xx"] = delta.assign_attrs(units="eV", long_name="Delta_XX of the preset")
    ds["delta_over_gamma"] = (abs(delta) / gamma).assign_attrs(
        units="1", long_name="|Delta_XX| / Gamma")
    ds["threshold_formula"] = xr.DataArray(
        models.single_exciton_threshold(delta.values[:, None], gamma.values[None, :]),
        dims=("sample", "linewidth")).assign_attrs(
        units="1", long_name="paper's formula 2/(3 - exp(-Delta^2/Gamma^2)) at E_X "
        "(no multiexcitons, no decay)")
    ds["cutoff_linewidth"] = xr.DataArray(
        [cutoff_linewidth(s) for s in samples], dims="sample").assign_attrs(
        units="eV", long_name=f"two-population estimate of the largest Gamma with gain at E_X "
        f"at {T_AFTER:g} ps")
    after = ds.threshold.sel(time=T_AFTER, probe="E_X", loss_fraction=0.0)
    ds["last_linewidth_with_gain"] = xr.DataArray(
        [_last_finite(gamma.values, after.sel(sample=s).values) for s in labels],
        dims="sample").assign_attrs(
        units="eV", long_name=f"largest swept Gamma with gain at E_X at {T_AFTER:g} ps "
        f"(<N> <= {SEARCH_LIMIT:g})")
    ds["first_linewidth_without_gain"] = xr.DataArray(
        [_first_infinite(gamma.values, after.sel(sample=s).values) for s in labels],
        dims="sample").assign_attrs(
        units="eV", long_name=f"smallest swept Gamma without gain at E_X at {T_AFTER:g} ps "
        f"(inf: gain at every swept Gamma)")
    if cw_parts:
        cw = xr.concat([d.drop_vars("point_seed") for d in cw_parts], dim="sample",
                       combine_attrs="override")
        for name in ("cw_threshold", "cw_threshold_intensity", "cw_threshold_energy"):
            ds[name] = cw[name].assign_coords(sample=ds.sample)
        ds["cw_threshold_x_tau_x"] = (ds.cw_threshold * xr.DataArray(
            [s.tau_x for s in samples], dims="sample")).assign_attrs(
            units="1", long_name="c.w. threshold G tau_X (excitons per NC per tau_X)")
    # Backing for the cut-off: the exact populations at T_AFTER for the largest pump the
    # threshold search tries, put into the band-edge gain condition at E_X (see notes).
    p1, p2 = [], []
    for s in samples:
        pop = kinetics.simulate_pulsed(s, [SEARCH_LIMIT], [T_AFTER],
                                       method="master-equation").population.squeeze()
        p1.append(float(pop.sel(excitons=1)))
        p2.append(float(pop.sel(excitons=slice(2, None)).sum()))
    ds["p2_at_search_limit"] = xr.DataArray(p2, dims="sample").assign_attrs(
        units="1", long_name=f"fraction of NCs with two or more excitons at {T_AFTER:g} ps "
        f"after a pulse of <N> = {SEARCH_LIMIT:g} (master equation)")
    ds["cutoff_linewidth_exact_p12"] = xr.DataArray(
        [_cutoff_from_p(s.delta_xx, a, b) for s, a, b in zip(samples, p1, p2)], dims="sample"
    ).assign_attrs(units="eV", long_name="largest Gamma with gain at E_X for the populations "
                   "p0 = 1 - p1 - p2, p1, p2 at the search limit")
    ds["p1_at_search_limit"] = xr.DataArray(p1, dims="sample").assign_attrs(
        units="1", long_name=f"fraction of NCs with one exciton at {T_AFTER:g} ps after a pulse "
        f"of <N> = {SEARCH_LIMIT:g} (master equation)")
    ds["cutoff_linewidth_exact_p1"] = xr.DataArray(
        [_cutoff_from_p1(s.delta_xx, p) for s, p in zip(samples, p1)], dims="sample"
    ).assign_attrs(units="eV", long_name="largest Gamma with 2/(3 - exp(-Delta^2/Gamma^2)) < "
                   "p1_at_search_limit")
    tops, outside = probe_grid_ranges(samples, gamma.values,
                                      [homogeneous_widths(gamma.values, p) for _, p in PRESETS])
    ds["probe_grid_top"] = xr.DataArray(tops, dims=("sample", "linewidth")).assign_attrs(
        units="eV", long_name="highest photon energy of the 'any' probe grid")
    ds["xx_line_outside_probe_grid"] = (("sample", "linewidth"), outside, OUTSIDE_ATTRS)
    narrowest = dataclasses.replace(
        samples[0], linewidth=float(gamma.values[0]),
        homogeneous_linewidth=float(homogeneous_widths(gamma.values[:1], PRESETS[0][1])[0]))
    t0 = float(kinetics.gain_threshold(narrowest, time=0.0, max_mean_excitons=SEARCH_LIMIT))
    return attach(ds, study=NAME, samples=samples, method="master-equation",
                  threshold_at_t0_narrowest=t0,
                  statistics="poisson", probe_time_ps=PROBE_TIME, after_auger_time_ps=T_AFTER,
                  detectable_gain=DETECTABLE_GAIN, film=STUDY_FILM.to_json(),
                  search_limit=SEARCH_LIMIT,
                  sweep_type_ii=parts[0].attrs["sweep_definition"],
                  sweep_type_i=parts[1].attrs["sweep_definition"],
                  cw=int(bool(cw_parts)),
                  gain_band_convention=(
                      "gain band: probe 'any' with loss = DETECTABLE_GAIN, the first gain "
                      f"anywhere in the band with {gain_criterion_text()} (the film's "
                      "confinement and loss are assumptions)"),
                  quick=int(bool(quick)))


_STYLES = {(PROBE_TIME, "E_X", 0.0): ("C3", "-", "E_X, 3 ps"),
           (T_AFTER, "E_X", 0.0): ("C3", "--", f"E_X, {T_AFTER:g} ps (after Auger)"),
           (PROBE_TIME, "any", DETECTABLE_GAIN): ("C0", "-", "gain band, 3 ps"),
           (T_AFTER, "any", DETECTABLE_GAIN): ("C0", "--", f"gain band, {T_AFTER:g} ps")}


def plot(ds: xr.Dataset):
    """Threshold <N> versus Gamma for both presets; cut-off estimates marked.

    Parameters
    ----------
    ds : xarray.Dataset
        Output of :func:`run`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig = figure(figsize=(12, 4.6), layout="constrained")
    axes = fig.subplots(1, 2, sharey=True)
    g = 1e3 * ds.linewidth.values
    for ax, label in zip(axes, ds.sample.values):
        sel = ds.sel(sample=label)
        for (t, probe, loss), (col, ls, name) in _STYLES.items():
            y = sel.threshold.sel(time=t, probe=probe, loss_fraction=loss).values
            ax.plot(g, np.where(np.isfinite(y), y, np.nan), ls, color=col, marker="o", ms=3,
                    label=name)
        ax.plot(g, sel.threshold_formula.values, ":", color="k",
                label="paper's formula (no multiexcitons)")
        ax.axvline(1e3 * float(sel.cutoff_linewidth_exact_p12), color="C3", lw=0.8, alpha=0.6,
                   label=f"cut-off of X gain at {T_AFTER:g} ps (exact p1, p2)")
        ax.axvline(1e3 * models.presets.get(label.lower()).linewidth, color="0.5", lw=0.8,
                   ls="-.", label="preset Gamma")
        out = g[sel.xx_line_outside_probe_grid.values.astype(bool)]
        if out.size:    # computed: the XX line lies beyond the probe grid at these Gamma
            ax.axvspan(g.min() - 2.0, out.max() + 2.5, color="0.88", zorder=0,
                       label="XX line outside probe grid: gain band <N> an upper bound")
        ax.set_yscale("log")
        ax.set_xlabel("ensemble line width Gamma (meV)")
        ax.set_title(f"{label}: Delta_XX = {1e3 * float(sel.delta_xx):+.0f} meV (missing "
                     "points: no gain up to <N> = 10)", fontsize=9)
    axes[0].set_ylabel("gain threshold <N> (Poisson pumping)")
    handles = {lab: h for ax in axes for h, lab in zip(*ax.get_legend_handles_labels())}
    fig.legend(handles.values(), handles.keys(), loc="outside lower center", ncol=4, fontsize=8)
    return fig


def _th(ds, label, t, probe, loss, gamma):
    return _at(ds.threshold.sel(sample=label, time=t, probe=probe, loss_fraction=loss), gamma)


def _at(da, gamma) -> float:
    return float(da.sel(linewidth=gamma, method="nearest"))


def context(ds: xr.Dataset) -> dict:
    """The numbers of the report's linewidth section (template ``linewidth_sensitivity.md.j2``).

    Parameters
    ----------
    ds : xarray.Dataset
        Output of :func:`run`.

    Returns
    -------
    dict
        Variables of the template, read from ``ds`` (which the template reads too): per
        sample (``samples``) the thresholds the rows quote, the ratio row's numbers and
        the notes' derived numbers.
    """
    a = ds.attrs
    lo, hi = float(ds.linewidth.min()), float(ds.linewidth.max())
    samples = {}
    for label in ds.sample.values.tolist():
        sel = ds.sel(sample=label)
        preset_gamma = models.presets.get(label.lower()).linewidth
        band = sel.threshold.sel(time=PROBE_TIME, probe="any", loss_fraction=DETECTABLE_GAIN)
        energy = sel.threshold_energy.sel(time=PROBE_TIME, probe="any",
                                          loss_fraction=DETECTABLE_GAIN)
        row = {"sel": sel, "dg": abs(float(sel.delta_xx)), "preset_gamma": preset_gamma,
               "ex_lo": _th(ds, label, PROBE_TIME, "E_X", 0.0, lo),
               "ex_hi": _th(ds, label, PROBE_TIME, "E_X", 0.0, hi),
               "band_preset": _at(band, preset_gamma), "energy_preset": _at(energy, preset_gamma),
               "band_hi": _at(band, hi), "energy_hi": _at(energy, hi)}
        if "cw_threshold" in ds:
            gt = sel.cw_threshold_x_tau_x.sel(probe="E_X", loss_fraction=0.0)
            finite = np.isfinite(gt.values)
            row["cw"] = {"first": float(gt[0]), "last": float(gt[-1]),
                         "reach": 1e3 * ds.linewidth.values[finite][-1] if finite.any() else None,
                         "none_from": 1e3 * ds.linewidth.values[~finite][0]
                         if finite.any() and not finite.all() else None}
        samples[label] = row
    band = ds.threshold.sel(time=PROBE_TIME, probe="any", loss_fraction=DETECTABLE_GAIN)
    ratio = band.sel(sample="type-I") / band.sel(sample="type-II")
    ok = np.isfinite(ratio.values) & (ratio.values > 0)
    preset = models.presets.TYPE_II_CDS_ZNSE.linewidth
    s2 = models.Sample.from_json(a["sample_0"])
    s1 = models.Sample.from_json(a["sample_1"])
    t2 = ds.sel(sample="type-II")
    blind = ds.linewidth.values[t2.xx_line_outside_probe_grid.values.astype(bool)]
    return {
        "SEARCH_LIMIT": SEARCH_LIMIT, "T_AFTER": T_AFTER, "lo": lo, "hi": hi, "samples": samples,
        "ratio": {"r": ratio.values[ok], "g": 1e3 * ds.linewidth.values[ok],
                  "at_preset": _at(ratio, preset), "preset": 1e3 * preset},
        "s1": s1, "s2": s2, "biexciton_lifetime_ii": 1 / (s2.radiative_rate(2) + s2.auger_rate(2)),
        "t0": a["after_auger_time_ps"] + s2.tau_x * math.log(float(t2.p1_at_search_limit)),
        "need1": _at(ds.sel(sample="type-I").threshold_formula, s1.linewidth),
        "after_i": _th(ds, "type-I", T_AFTER, "E_X", 0.0, s1.linewidth),
        "blind": 1e3 * float(blind.max()) if blind.size else None,
        "blind_top": _at(t2.probe_grid_top, float(blind.max())) if blind.size else None,
    }
