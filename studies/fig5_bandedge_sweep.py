"""Fig. 5 re-examined with the v2 band edge: can a plausible type-I sample bleach
quadratically at its gain band *and* need several times the type-II threshold?

The study sweeps the type-I preset over physically plausible ranges of the
ingredients the v2 state table adds (each range's source is in :data:`RANGES`)
and, for every set, computes with the exact master equation at 3 ps:

* the gain band (where the net modal gain first reaches the loss of the studies'
  close-packed film, Gamma_c alpha_0 g >= 50 cm^-1, i.e. net gain >=
  DETECTABLE_GAIN = 0.0189 alpha_0(peak); :data:`studies._common.STUDY_FILM`) and
  its threshold <N>;
* the log-log slope of the bleach at that gain band for 0.01 <= <N> <= 0.1, and
  the linear coefficient d(bleach)/d<N> at <N> -> 0;
* the ratio of the threshold to the type-II preset's (its gain band, and its X band).

It also records the type-II thresholds with and without the paper's 2.254 eV
transition (does higher-transition absorption at the XX band change the order
of the X- and XX-band thresholds?).
"""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import xarray as xr

from ncgain import kinetics, models

from ._stripe import (STRIPE_AMPLIFICATION, STRIPE_LENGTH, STRIPE_LOSS_LENGTH,  # noqa: F401
                      STRIPE_MODAL_LENGTH, STRIPE_TIMES, stripe_amplification, stripe_threshold)
from ._common import (DETECTABLE_GAIN, STUDY_FILM, attach, figure, gain_band, gain_criterion_text,
                      loglog_slope)

NAME = "fig5_bandedge_sweep"
TITLE = "Fig. 5 re-examined - plausible type-I band edges against the type-II threshold"

PROBE_TIME = 3.0
SLOPE_MEANS = np.geomspace(0.01, 0.1, 5)
#: Criteria (assumptions): "quadratic" = log-log slope >= 1.7 at the gain band;
#: "several times" = type-I / type-II threshold >= 3 (the paper: ~5).
QUADRATIC_SLOPE = 1.7
SEVERAL_TIMES = 3.0

#: The swept ranges and their sources.
RANGES = {
    "delta_xx": ((-0.010, -0.020, -0.030),
                 "paper: type-I 'X-X interaction energies of ~10 to ~30 meV' (attraction)"),
    "xx_absorption_width": ((0.02, 0.04, 0.06),
                            "assumption: from the band-edge homogeneous width (0.02 eV) up to "
                            "the ensemble width Gamma = 0.06 eV (a biexciton line broader than "
                            "the X line; room-temperature single-NC widths are tens of meV, e.g. "
                            "40 meV FWHM in 'Spectroscopy of Single CdSe Nanoplatelets' "
                            "(room temperature))"),
    "higher_offset": ((0.05, 0.10, 0.15),
                      "assumption: the next CdSe transitions (1S_e-2S3/2, 1S_e-1S1/2) lie "
                      "~50-150 meV above the band edge for NCs emitting near 2.0-2.1 eV "
                      "(Norris & Bawendi, Phys. Rev. B 53, 16338 (1996), not re-checked here); "
                      "plus 'none'"),
    "higher_strength": ((1.0, 2.0), "assumption: comparable to or twice the band edge"),
    "higher_stark_shift": ((0.0, -0.030),
                           "assumption: 0 to -30 meV per exciton, X-X attraction pulling the "
                           "higher transitions to the red by up to |Delta_XX| (the paper's "
                           "argument for type-I NCs)"),
    "dark_bright_splitting": ((0.005, 0.010, 0.020),
                              "electron-hole model, 4 hole states: 2 dark at 0 and 2 bright at "
                              "+splitting, 300 K. Range: CdSe bright-dark splittings are meV-"
                              "scale, a few meV in large NCs and platelets (3.2-6.0 meV, "
                              "Shornikova et al., arXiv:1709.09610) up to ~20 meV in small NCs "
                              "(Efros et al., Phys. Rev. B 54, 4843 (1996), not re-checked here); "
                              "plus 'two-channel' (the paper's model)"),
}
HIGHER_WIDTH = 0.02  # eV, assumption: the band-edge homogeneous width
#: Type-II film of Fig. 5: its X band at 2.01 eV (paper's text), the 2.254 eV line kept
#: at its absolute energy (assumption: same excited transition as the Fig. 4 sample).
FIG5_TYPE_II_EX = 2.01


def _variants(quick: bool):
    """((delta, width, higher or None, splitting or None), sample) for every swept set."""
    base = models.presets.TYPE_I_CDSE
    deltas, _ = RANGES["delta_xx"]
    widths, _ = RANGES["xx_absorption_width"]
    offsets, _ = RANGES["higher_offset"]
    strengths, _ = RANGES["higher_strength"]
    starks, _ = RANGES["higher_stark_shift"]
    splits, _ = RANGES["dark_bright_splitting"]
    if quick:
        deltas, widths, offsets, strengths, starks, splits = (
            (-0.020,), (0.02, 0.06), (0.10,), (1.0,), (-0.030,), (0.010,))
    highers = [None] + list(itertools.product(offsets, strengths, starks))
    for d, w, h in itertools.product(deltas, widths, highers):
        lines = () if h is None else (models.HigherTransition(h[0], h[1], HIGHER_WIDTH, h[2]),)
        yield (d, w, h, None), dataclasses.replace(base, delta_xx=d, xx_absorption_width=w,
                                                   higher_transitions=lines)
    # Electron-hole model with a dark/bright hole fine structure (band edge only, and
    # with the mid-range red-shifting higher transition).
    mid = (offsets[len(offsets) // 2], strengths[0], starks[-1])
    for d, e, h in itertools.product(deltas, splits, (None, mid)):
        lines = () if h is None else (models.HigherTransition(h[0], h[1], HIGHER_WIDTH, h[2]),)
        yield (d, widths[0], h, e), dataclasses.replace(
            base, delta_xx=d, xx_absorption_width=widths[0], higher_transitions=lines,
            state_model="electron-hole", hole_degeneracy=4,
            hole_levels=((0.0, 2, 0.0), (e, 2, 1.0)), temperature=300.0)


def _slope_and_coefficient(sample, energy):
    ds = kinetics.simulate_pulsed(sample, np.concatenate([[1e-6], SLOPE_MEANS]), [PROBE_TIME],
                                  energies=[energy], method="master-equation")
    b = ds.bleach.isel(time=0, energy=0).values
    coef = b[0] / 1e-6
    slope = loglog_slope(SLOPE_MEANS, b[1:]) if (b[1:] > 0).all() else np.nan
    return slope, coef


def run(quick: bool = False, progress: bool = False) -> xr.Dataset:
    """The sweep (exact master equation throughout).

    Parameters
    ----------
    quick : bool, default False
        Small grids: a smoke run of seconds, not a result.
    progress : bool, default False
        Show a progress bar.

    Returns
    -------
    xarray.Dataset
        The study's data, every variable with ``units`` and ``long_name``, provenance
        attributes from :func:`ncgain.studies._common.attach`.
    """
    t2 = models.presets.TYPE_II_CDS_ZNSE
    e2, th2 = gain_band(t2, time=PROBE_TIME)
    th2x = float(kinetics.gain_threshold(t2, time=PROBE_TIME))
    t2_bare = dataclasses.replace(t2, higher_transitions=())
    e2b, th2b = gain_band(t2_bare, time=PROBE_TIME)
    line = t2.higher_transitions[0]
    film = dataclasses.replace(t2, exciton_energy=FIG5_TYPE_II_EX, higher_transitions=(
        dataclasses.replace(line, offset=line.offset + t2.exciton_energy - FIG5_TYPE_II_EX),))
    e2f, th2f = gain_band(film, time=PROBE_TIME)
    th2fx = float(kinetics.gain_threshold(film, time=PROBE_TIME))
    stripe = {
        "x": stripe_threshold(t2, t2.exciton_energy, quick),
        "xx": stripe_threshold(t2, e2, quick),
        "x_bare": stripe_threshold(t2_bare, t2.exciton_energy, quick),
        "xx_bare": stripe_threshold(t2_bare, e2b, quick),
    }
    fs = models.presets.TYPE_I_CDSE_FINE_STRUCTURE
    e_fs, th_fs = gain_band(fs, time=PROBE_TIME)
    slope_fs, coef_fs = _slope_and_coefficient(fs, e_fs)
    rows = list(_variants(quick))
    if progress:
        from tqdm.auto import tqdm
        rows = tqdm(rows, desc=NAME, leave=False)
    params, out = [], []
    for (d, w, h, split), s in rows:
        try:
            e, th = gain_band(s, time=PROBE_TIME)
        except ValueError:  # no gain up to <N> = 10: the higher transition outweighs it
            e, th, slope, coef = np.nan, np.inf, np.nan, np.nan
        else:
            slope, coef = _slope_and_coefficient(s, e)
        params.append((d, w) + ((np.nan, 0.0, 0.0) if h is None else h)
                      + (np.nan if split is None else split,))
        out.append((e, th, slope, coef))
    params, out = np.array(params), np.array(out)
    one = {"units": "1"}
    no_gain = "does not exist: no gain band, no gain up to <N> = 10 (threshold inf)"
    v = "variant"
    ds = xr.Dataset(
        {
            "delta_xx": (v, params[:, 0], {"units": "eV", "long_name": "Delta_XX"}),
            "xx_absorption_width": (v, params[:, 1], {"units": "eV", "long_name":
                                    "homogeneous half-width of the X -> XX absorption"}),
            "higher_offset": (v, params[:, 2], {"units": "eV", "long_name":
                              "higher transition above E_i (nan: none)",
                              "nan_meaning": "does not exist: the variant has no higher "
                              "transition"}),
            "higher_strength": (v, params[:, 3], {"units": "1", "long_name":
                                "higher-transition strength (sigma_0; 0: none)"}),
            "higher_stark_shift": (v, params[:, 4], {"units": "eV", "long_name":
                                   "higher-transition shift per exciton"}),
            "dark_bright_splitting": (v, params[:, 5], {"units": "eV", "long_name":
                                      "electron-hole model: bright hole sublevel above the "
                                      "dark one (nan: two-channel model)",
                                      "nan_meaning": "does not exist: the variant uses the "
                                      "two-channel model, which has no hole sublevels"}),
            "gain_band": (v, out[:, 0], {"units": "eV", "long_name":
                          f"type-I gain band at {PROBE_TIME:g} ps", "nan_meaning": no_gain}),
            "threshold": (v, out[:, 1], {**one, "long_name": "type-I threshold <N> at its gain "
                          f"band (modal gain >= film loss, net gain >= {DETECTABLE_GAIN:.4f} "
                          "alpha_0(peak)); inf: no "
                          "gain up to <N> = 10"}),
            "slope": (v, out[:, 2], {**one, "long_name": "log-log slope of the bleach at the "
                      "gain band, 0.01 <= <N> <= 0.1 (nan: induced absorption)", "nan_meaning":
                      "does not exist: the bleach is negative (induced absorption) somewhere "
                      "in 0.01 <= <N> <= 0.1, or no gain band (gain_band NaN)"}),
            "linear_coefficient": (v, out[:, 3], {**one, "long_name":
                                   "d(-dalpha/alpha_0)/d<N> at <N> -> 0 at the gain band",
                                   "nan_meaning": no_gain}),
            "ratio_to_type_ii_gain_band": (v, out[:, 1] / th2, {**one, "long_name":
                                           "type-I threshold / type-II gain-band threshold"}),
            "ratio_to_type_ii_x_band": (v, out[:, 1] / th2x, {**one, "long_name":
                                        "type-I threshold / type-II threshold at E_X"}),
            "type_ii_gain_band": ((), e2, {"units": "eV", "long_name": "type-II gain band"}),
            "type_ii_threshold": ((), th2, {**one, "long_name": "type-II gain-band threshold"}),
            "type_ii_x_threshold": ((), th2x, {**one, "long_name":
                                    "type-II threshold at E_X (bleach > 1)"}),
            "type_ii_film_gain_band": ((), e2f, {"units": "eV", "long_name":
                                       "type-II gain band, Fig. 5 film (E_X = 2.01 eV)"}),
            "type_ii_film_threshold": ((), th2f, {**one, "long_name":
                                       "type-II gain-band threshold, Fig. 5 film"}),
            "type_ii_film_x_threshold": ((), th2fx, {**one, "long_name":
                                         "type-II threshold at E_X = 2.01 eV, Fig. 5 film"}),
            "fine_structure_preset": ((), th_fs, {**one, "long_name": "type-i-fine-structure "
                                      "preset: threshold at its gain band"}),
            "fine_structure_preset_gain_band": ((), e_fs, {"units": "eV", "long_name":
                                               "type-i-fine-structure preset: gain band"}),
            "fine_structure_preset_slope": ((), slope_fs, {**one, "long_name":
                                           "type-i-fine-structure preset: bleach log-log slope "
                                           "at its gain band, 0.01 <= <N> <= 0.1"}),
            "fine_structure_preset_coefficient": ((), coef_fs, {**one, "long_name":
                                                 "type-i-fine-structure preset: d(bleach)/d<N> "
                                                 "at <N> -> 0 at its gain band"}),
            **{f"stripe_threshold_{k}": ((), val, {**one, "long_name":
               f"type-II <N> for {STRIPE_AMPLIFICATION:g}x time-integrated stripe emission at "
               f"the {'X band E_X' if k.startswith('x_') or k == 'x' else 'XX (gain) band'}"
               + (" without the 2.254 eV line" if k.endswith("bare") else "")})
               for k, val in stripe.items()},
            "type_ii_no_higher_gain_band": ((), e2b, {"units": "eV", "long_name":
                                            "type-II gain band without the 2.254 eV line"}),
            "type_ii_no_higher_threshold": ((), th2b, {**one, "long_name":
                                            "type-II gain-band threshold without the 2.254 eV "
                                            "line"}),
        },
        coords={v: (v, np.arange(len(out)), {"units": "1", "long_name": "parameter set"})},
    )
    ds.attrs["stripe_modal_length"] = STRIPE_MODAL_LENGTH
    ds.attrs["stripe_loss_length"] = STRIPE_LOSS_LENGTH
    ds.attrs["stripe_amplification"] = STRIPE_AMPLIFICATION
    return attach(ds, study=NAME, samples=[t2, models.presets.TYPE_I_CDSE], seed=0,
                  probe_time_ps=PROBE_TIME, detectable_gain=DETECTABLE_GAIN,
                  film=STUDY_FILM.to_json(), gain_criterion=gain_criterion_text(),
                  quadratic_slope=QUADRATIC_SLOPE, several_times=SEVERAL_TIMES,
                  ranges={k: [list(r), src] for k, (r, src) in RANGES.items()},
                  quick=int(quick), method="master-equation")


def plot(ds: xr.Dataset):
    """Slope at the gain band against the threshold ratio, one point per parameter set.

    Parameters
    ----------
    ds : xarray.Dataset
        Output of :func:`run`.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (no pyplot state).
    """
    fig = figure(figsize=(6.4, 4.4), layout="constrained")
    ax = fig.subplots()
    has_h = np.isfinite(ds.higher_offset.values)
    slope = np.where(np.isfinite(ds.slope.values), ds.slope.values, 0.0)
    for sel, marker, label in ((~has_h, "o", "band edge only"),
                               (has_h, "^", "with a higher transition")):
        sc = ax.scatter(ds.ratio_to_type_ii_gain_band.values[sel], slope[sel], marker=marker,
                        c=ds.xx_absorption_width.values[sel] * 1e3, cmap="viridis",
                        vmin=20, vmax=60, label=label)
    fig.colorbar(sc, ax=ax, label="X -> XX absorption width (meV)")
    ax.axhline(float(ds.quadratic_slope), color="k", ls=":", lw=0.8)
    ax.axvline(float(ds.several_times), color="k", ls=":", lw=0.8)
    ax.plot([5.0], [2.0], "r*", ms=12, label="paper (~5x, quadratic)")
    ax.set_xlabel("type-I / type-II gain threshold at 3 ps")
    ax.set_ylabel("type-I bleach log-log slope at its gain band\n(0: induced absorption)")
    ax.legend(fontsize=7)
    ax.set_title("Fig. 5 re-examined: plausible type-I band edges")
    return fig


def _best(ds):
    slope = np.where(np.isfinite(ds.slope.values), ds.slope.values, -np.inf)
    k_slope = int(np.argmax(slope))
    ratio = ds.ratio_to_type_ii_gain_band.values
    k_ratio = int(np.argmax(np.where(np.isfinite(ratio), ratio, -np.inf)))
    both = (slope >= float(ds.quadratic_slope)) & (
        ds.ratio_to_type_ii_gain_band.values >= float(ds.several_times))
    return k_slope, k_ratio, both


def _groups(ds):
    """Boolean masks of the parameter sets by ingredient."""
    has_h = np.isfinite(ds.higher_offset.values)
    eh = np.isfinite(ds.dark_bright_splitting.values)
    red = has_h & (ds.higher_stark_shift.values < 0)
    return {"two-channel, band edge only": ~has_h & ~eh,
            "two-channel + higher transition, no Stark shift": has_h & ~red & ~eh,
            "two-channel + higher transition, red Stark shift": red & ~eh,
            "electron-hole fine structure, band edge only": eh & ~has_h,
            "electron-hole fine structure + higher transition": eh & has_h}


def _span(ds, sel, var) -> dict:
    """Range of ``var`` over the sets ``sel``: min, max (finite values), how many lack gain."""
    x = ds[var].values[sel]
    finite = x[np.isfinite(x)]
    return {"any": bool(sel.any()), "finite": bool(finite.size),
            "min": float(finite.min()) if finite.size else None,
            "max": float(finite.max()) if finite.size else None,
            "no_gain": int((~np.isfinite(x)).sum()) if var == "threshold" else 0}


def _spans(ds, sel) -> dict:
    return {v: _span(ds, sel, v) for v in ("threshold", "slope", "linear_coefficient")}


def context(ds: xr.Dataset) -> dict:
    """The numbers of the report's band-edge sweep section (``fig5_bandedge_sweep.md.j2``).

    Parameters
    ----------
    ds : xarray.Dataset
        Output of :func:`run`.

    Returns
    -------
    dict
        Variables of the template, read from ``ds`` (which the template reads too):
        ``sets`` (one dict per parameter set, for the template's ``describe``),
        ``groups`` (ranges by ingredient), the best sets and the counts of the rows.
    """
    import json
    k_slope, k_ratio, both = _best(ds)
    q, several = float(ds.quadratic_slope), float(ds.several_times)
    ratio = ds.ratio_to_type_ii_gain_band.values
    big = np.isfinite(ratio) & (ratio >= several)
    fields = ("higher_offset", "higher_strength", "higher_stark_shift", "dark_bright_splitting",
              "delta_xx", "xx_absorption_width", "slope", "gain_band", "threshold",
              "ratio_to_type_ii_gain_band", "linear_coefficient")
    sets = [{f: float(ds[f][k]) for f in fields} for k in range(ds.sizes["variant"])]
    groups = _groups(ds)
    slope = np.nan_to_num(ds.slope.values, nan=-np.inf)
    quad = np.flatnonzero(slope >= q)
    quad = quad[np.argsort(-slope[quad])]
    eh, tc = (groups["electron-hole fine structure, band edge only"],
              groups["two-channel, band edge only"])
    k_min = int(np.nanargmin(ds.linear_coefficient.values))
    return {
        "sets": sets, "k_slope": k_slope, "k_ratio": k_ratio, "q": q, "several": several,
        "n": ds.sizes["variant"], "n_both": int(both.sum()),
        "n_quad": int(np.sum(np.nan_to_num(ds.slope.values, nan=-1) >= q)),
        "n_several": int(big.sum()), "n_none": int(np.sum(~np.isfinite(ds.threshold.values))),
        "groups": {name: _spans(ds, sel) for name, sel in groups.items() if sel.any()},
        "ranges": json.loads(ds.attrs["ranges"]), "HIGHER_WIDTH": HIGHER_WIDTH,
        "STRIPE_LENGTH": STRIPE_LENGTH, "FIG5_TYPE_II_EX": FIG5_TYPE_II_EX,
        "widths": [(w, _span(ds, tc & np.isclose(ds.xx_absorption_width.values, w), "threshold"))
                   for w in np.unique(ds.xx_absorption_width.values).tolist()],
        "fine_structure": None if not (eh.any() and tc.any()) else {
            "c_eh": float(np.nanmean(ds.linear_coefficient.values[eh])),
            "c_tc": float(np.nanmean(ds.linear_coefficient.values[tc])),
            "t_eh": float(np.nanmean(ds.threshold.values[eh])),
            "t_tc": float(np.nanmean(ds.threshold.values[tc])),
            "slope": _span(ds, eh, "slope")},
        "quadratic": quad.tolist(), "steepest": int(np.argmax(slope)),
        "e_x": models.Sample.from_json(ds.attrs["sample_1"]).exciton_energy,
        "big": {"any": bool(big.any()),
                "all_higher": bool(np.isfinite(ds.higher_offset.values[big]).all()),
                "max_offset": float(np.nanmax(ds.higher_offset.values[big])) if big.any()
                else float("nan"),
                "min_strength": float(np.min(ds.higher_strength.values[big])) if big.any()
                else float("nan"),
                "all_red": bool((ds.higher_stark_shift.values[big] < 0).all()),
                "max_ratio": float(np.nanmax(np.where(big, ratio, np.nan))) if big.any()
                else float("nan"),
                "slope": _span(ds, big, "slope")},
        "k_min_coefficient": k_min,
    }
