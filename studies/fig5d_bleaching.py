"""Fig. 5d: bleaching at the gain band versus <N>, type II against type I.

The paper measured -dalpha/alpha_0 at the ASE band ~3 ps after the pump:
linear growth for type II, quadratic for type I, gain thresholds ~5x apart.
The study computes the same curves at each preset's gain band (where gain
first reaches the loss of the studies' close-packed film, modal gain
Gamma_c alpha_0 g >= 50 cm^-1, i.e. g >= 0.0189 alpha_0(peak):
:data:`studies._common.STUDY_FILM`, :data:`studies._common.DETECTABLE_GAIN`), and,
for type II, at its single-exciton line E_X and at the paper's ASE band.
"""

from __future__ import annotations

import numpy as np
import xarray as xr
from matplotlib.lines import Line2D

from ncgain import kinetics
from ncgain import models

from ._common import (DETECTABLE_GAIN, STUDY_FILM, attach, figure, gain_band, gain_criterion_text,
                      loglog_slope)

NAME = "fig5d_bleaching"
TITLE = "Fig. 5d - linear versus quadratic bleaching"

PROBE_TIME = 3.0          # ps after the pump (paper: "~3 ps after excitation")
PAPER_ASE_TYPE_II = 2.01  # eV, paper: type-II ASE "near ... (2.01 eV)"
SLOPE_RANGE = (0.01, 0.1)  # <N> range of the low-excitation log-log fit

_PROBES = ["type-II gain band", "type-II E_X", "type-II paper ASE band", "type-I gain band"]


def _probe_energies() -> dict[str, tuple[models.Sample, float, float]]:
    """probe name -> (sample, energy eV, gain threshold <N> at that energy)."""
    t2, t1 = models.presets.TYPE_II_CDS_ZNSE, models.presets.TYPE_I_CDSE
    e2, th2 = gain_band(t2, time=PROBE_TIME)
    e1, th1 = gain_band(t1, time=PROBE_TIME)
    out = {"type-II gain band": (t2, e2, th2), "type-I gain band": (t1, e1, th1)}
    for name, energy in (("type-II E_X", t2.exciton_energy),
                         ("type-II paper ASE band", PAPER_ASE_TYPE_II)):
        # At a fixed probe, gain is the paper's bleach > 1 (Fig. 5d's grey area);
        # the film's loss criterion only guards the search "anywhere in the band".
        th = kinetics.gain_threshold(t2, time=PROBE_TIME, energy=energy)
        out[name] = (t2, energy, th)
    return {k: out[k] for k in _PROBES}


def linear_coefficient(sample: models.Sample, energies) -> np.ndarray:
    """Initial slope of the bleaching, d(-dalpha/alpha_0)/d<N> at <N> -> 0, t = 3 ps.

    Exact (master equation), by a central difference at ⟨N⟩ = 0.

    Parameters
    ----------
    sample : Sample
        The sample.
    energies : array_like
        Probe photon energies (eV).

    Returns
    -------
    numpy.ndarray
        The slope at each energy (per exciton per NC), same length as ``energies``.
    """
    small = 1e-6
    ds = kinetics.simulate_pulsed(sample, [small], [PROBE_TIME], energies=energies,
                                  method="master-equation")
    return ds.bleach.isel(mean_excitons=0, time=0).values / small


def run(quick: bool = False, progress: bool = False) -> xr.Dataset:
    """Bleaching versus <N> at the probes, Monte Carlo and exact.

    Parameters
    ----------
    quick : bool, default False
        Small ensembles and coarse grids: a smoke run of a few seconds, not a result.
    progress : bool, default False
        Show progress bars.

    Returns
    -------
    xarray.Dataset
        The study's data, every variable with ``units`` and ``long_name``, provenance
        attributes from :func:`ncgain.studies._common.attach`.
    """
    mean = np.geomspace(0.01, 10.0, 13 if quick else 41)
    n_nc = 20_000 if quick else 400_000
    seed = 447
    probes = _probe_energies()
    bleach_mc = np.empty((len(probes), mean.size))
    bleach_me = np.empty_like(bleach_mc)
    bleach_se = np.empty_like(bleach_mc)
    items = list(probes.items())
    if progress:
        from tqdm.auto import tqdm
        items = tqdm(items, desc=NAME, leave=False)
    for i, (name, (sample, energy, _)) in enumerate(items):
        for method, out in (("monte-carlo", bleach_mc), ("master-equation", bleach_me)):
            ds = kinetics.simulate_pulsed(sample, mean, [PROBE_TIME], energies=[energy],
                                          n_nanocrystals=n_nc, seed=seed, method=method)
            out[i] = ds.bleach.isel(time=0, energy=0).values
            if method == "monte-carlo":
                bleach_se[i] = ds.bleach_se.isel(time=0, energy=0).values
    # Where would the type-I bleach start quadratically? Where the single-exciton
    # bleach is cancelled by its red-shifted X -> XX absorption.
    t1 = models.presets.TYPE_I_CDSE
    grid = np.linspace(t1.exciton_energy - 3 * t1.linewidth, t1.exciton_energy, 601)
    coef = linear_coefficient(t1, grid)
    cross = np.flatnonzero(np.diff(np.sign(coef)))
    quadratic_energy = (float(np.interp(0.0, coef[cross[-1]:cross[-1] + 2][::-1],
                                        grid[cross[-1]:cross[-1] + 2][::-1]))
                        if cross.size else np.nan)
    lin = np.array([linear_coefficient(s, [e])[0] for s, e, _ in probes.values()])
    sel = (mean >= SLOPE_RANGE[0]) & (mean <= SLOPE_RANGE[1])
    slopes = np.array([loglog_slope(mean[sel], b[sel]) if (b[sel] > 0).all() else np.nan
                       for b in bleach_me])
    one = {"units": "1"}
    ds = xr.Dataset(
        {
            "bleach_mc": (("probe", "mean_excitons"), bleach_mc,
                          {**one, "long_name": f"-dalpha/alpha_0 at {PROBE_TIME:g} ps, Monte Carlo"}),
            "bleach_mc_se": (("probe", "mean_excitons"), bleach_se,
                             {**one, "long_name": "standard error of bleach_mc",
                              "description": "exact standard error of the Monte Carlo "
                                             "estimate, sqrt(Var(one NC) / N) from the master "
                                             "equation (kinetics.output.standard_errors)"}),
            "bleach": (("probe", "mean_excitons"), bleach_me,
                       {**one, "long_name": f"-dalpha/alpha_0 at {PROBE_TIME:g} ps, exact"}),
            "probe_energy": ("probe", [e for _, e, _ in probes.values()],
                             {"units": "eV", "long_name": "probe photon energy"}),
            "threshold": ("probe", [t for _, _, t in probes.values()],
                          {**one, "long_name": "gain threshold <N> at the probe (bleach > 1; "
                                               "gain bands: first modal gain >= the "
                                               f"film loss, net gain >= {DETECTABLE_GAIN:.4f} "
                                               "alpha_0(peak))"}),
            "low_excitation_slope": ("probe", slopes,
                                     {**one, "long_name": "log-log slope of the bleach for "
                                      f"{SLOPE_RANGE[0]:g} <= <N> <= {SLOPE_RANGE[1]:g} "
                                      "(nan where the bleach is negative)",
                                      "nan_meaning": "does not exist: the bleach is negative "
                                      "(induced absorption) somewhere in the range, so it has no "
                                      "log-log slope"}),
            "linear_coefficient": ("probe", lin,
                                   {**one, "long_name": "d(-dalpha/alpha_0)/d<N> at <N> -> 0"}),
            "type_i_quadratic_energy": ((), quadratic_energy,
                                        {"units": "eV", "long_name": "energy where the type-I "
                                         "linear bleach coefficient vanishes"}),
        },
        coords={
            "probe": ("probe", list(probes), {"units": "1", "long_name": "probe"}),
            "mean_excitons": ("mean_excitons", mean,
                              {"units": "1", "long_name": "mean excitons per NC, <N>"}),
        },
    )
    return attach(ds, study=NAME, quick=quick,
                  samples=[models.presets.TYPE_II_CDS_ZNSE, t1], seed=seed,
                  n_nanocrystals=n_nc, probe_time_ps=PROBE_TIME,
                  detectable_gain=DETECTABLE_GAIN, gain_criterion=gain_criterion_text(),
                  film=STUDY_FILM.to_json(), slope_range=list(SLOPE_RANGE))


def plot(ds: xr.Dataset):
    """Log-log bleaching versus <N> (paper's axes) and the same on linear axes.

    Parameters
    ----------
    ds : xarray.Dataset
        The dataset of :func:`run` (or read back from its netCDF file).

    Returns
    -------
    matplotlib.figure.Figure
        The figure (not attached to pyplot; save it with ``fig.savefig``).
    """
    fig = figure(figsize=(10, 5.0), layout="constrained")
    ax, ax2 = fig.subplots(1, 2)
    colours = {"type-II gain band": "C1", "type-II E_X": "C3", "type-II paper ASE band": "C5",
               "type-I gain band": "C0"}
    n = ds.mean_excitons.values
    for p in ds.probe.values:
        me, mc = ds.bleach.sel(probe=p).values, ds.bleach_mc.sel(probe=p).values
        label = f"{p} ({float(ds.probe_energy.sel(probe=p)):.3f} eV)"
        c = colours.get(str(p), "k")
        ax.plot(n, np.where(me > 0, me, np.nan), color=c, label=label)
        # Monte Carlo points with their standard errors (1 sigma): a 1-sigma deviation
        # from the exact line is noise, not a bias.
        se = ds.bleach_mc_se.sel(probe=p).values if "bleach_mc_se" in ds else None
        pos = mc > 0
        ax.errorbar(n[pos], mc[pos], yerr=None if se is None else se[pos], fmt="o", color=c,
                    ms=3, mfc="none", elinewidth=0.8, capsize=1.5)
        ax2.plot(n, me, color=c, label=label)
        ax2.errorbar(n, mc, yerr=se, fmt="o", color=c, ms=3, mfc="none", elinewidth=0.8,
                     capsize=1.5)
    guide = np.geomspace(n[0], 1.0, 10)
    ax.plot(guide, 1.5 * guide, "k--", lw=0.8, label="linear")
    ax.plot(guide, guide ** 2, "k:", lw=0.8, label="quadratic")
    for a in (ax, ax2):
        a.axhspan(1.0, 100.0, color="0.85", zorder=0)
        a.set_xlabel("mean excitons per NC, <N>")
        a.set_ylabel(f"-dalpha/alpha_0 at {float(ds.probe_time_ps):g} ps")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_ylim(1e-4, 5)
    ax2.set_xscale("log")
    ax2.set_ylim(-3, 3)
    # Below both panels, where it covers no data; circles are the Monte Carlo points.
    handles, labels = ax.get_legend_handles_labels()
    handles.append(Line2D([], [], marker="o", ls="none", color="0.3", ms=4, mfc="none"))
    labels.append("Monte Carlo ± 1 standard error (lines: master equation)")
    fig.legend(handles, labels, loc="outside lower center", ncols=4, fontsize=8, frameon=False)
    ax.set_title("Fig. 5d: bleaching (log-log; gain shaded)")
    ax2.set_title("same, linear axis (induced absorption < 0)")
    return fig


def _fluence(mean_excitons: float) -> float:
    """Pump fluence (mJ cm^-2) of the type-II preset giving ``mean_excitons``."""
    return float(kinetics.pump_fluence(mean_excitons, models.presets.TYPE_II_CDS_ZNSE))


def context(ds: xr.Dataset) -> dict:
    """The numbers of the report's Fig. 5d section (template ``fig5d_bleaching.md.j2``).

    Parameters
    ----------
    ds : xarray.Dataset
        The dataset of :func:`run`.

    Returns
    -------
    dict
        Variables of the template, read from ``ds`` (which the template reads too).
    """
    th = ds.threshold
    return {"fluence_xx": _fluence(float(th.sel(probe="type-II gain band"))),
            "fluence_x": _fluence(float(th.sel(probe="type-II E_X"))),
            "slope_ok_i": abs(float(ds.low_excitation_slope.sel(probe="type-I gain band")) - 2)
            < 0.3}
