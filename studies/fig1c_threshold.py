"""Fig. 1c: the single-exciton gain threshold versus Delta_XX / Gamma.

The paper's formula <N>_th = 2 / (3 - exp(-Delta^2/Gamma^2)) assumes that no NC
holds more than one exciton. This study puts it beside the simulator under the
same idealization (exact and Monte Carlo) and under Poisson pumping, early
(t = 3 ps) and after Auger decay (t = 5 tau_XX), all probed at E_X.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import xarray as xr

from ncgain import kinetics
from ncgain import models

from ._common import attach, figure

NAME = "fig1c_threshold"
TITLE = "Fig. 1c - gain threshold versus Delta_XX / Gamma"

_UNIT = {"units": "1"}


def _base() -> models.Sample:
    # The type-II preset with its Gamma; Delta is varied. Gaussian lines, S = 0:
    # the conditions of the paper's formula.
    return models.presets.TYPE_II_CDS_ZNSE


def run(quick: bool = False, progress: bool = False) -> xr.Dataset:
    """Thresholds at E_X for Delta/Gamma in [0, 3] (master equation and Monte Carlo).

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
    base = _base()
    ratios = np.linspace(0.0, 3.0, 7 if quick else 31)
    n_nc = 20_000 if quick else 200_000
    seed = 2007
    after_auger = 5.0 * base.tau_xx
    curves = {k: np.empty(ratios.size) for k in (
        "formula", "single_exact", "single_mc", "poisson_early", "poisson_after_auger",
        "poisson_after_auger_stable_x", "two_population_limit")}
    iterator = ratios
    if progress:
        from tqdm.auto import tqdm
        iterator = tqdm(ratios, desc=NAME, leave=False)
    for i, r in enumerate(iterator):
        s = dataclasses.replace(base, delta_xx=float(r) * base.linewidth)
        formula = models.single_exciton_threshold(s.delta_xx, s.linewidth)
        curves["formula"][i] = formula
        curves["single_exact"][i] = kinetics.gain_threshold(s, statistics="single")
        curves["single_mc"][i] = kinetics.gain_threshold(
            s, statistics="single", method="monte-carlo", n_nanocrystals=n_nc, seed=seed)
        curves["poisson_early"][i] = kinetics.gain_threshold(s, time=3.0)
        curves["poisson_after_auger"][i] = kinetics.gain_threshold(s, time=after_auger)
        # tau_X -> infinity isolates the Auger step: afterwards p1 = 1 - exp(-<N>).
        stable = dataclasses.replace(s, tau_x=1e9)  # 1 ms: no decay within 650 ps
        curves["poisson_after_auger_stable_x"][i] = kinetics.gain_threshold(
            stable, time=after_auger)
        # Two-population limit: 1 - exp(-<N>) = formula (inf where formula >= 1).
        curves["two_population_limit"][i] = (-np.log1p(-formula) if formula < 1 else np.inf)
    long = {
        "formula": "paper: 2 / (3 - exp(-Delta^2/Gamma^2))",
        "single_exact": "single-excitation statistics, master equation, t = 0",
        "single_mc": f"single-excitation statistics, Monte Carlo ({n_nc} NCs), t = 0",
        "poisson_early": "Poisson statistics, t = 3 ps",
        "poisson_after_auger": f"Poisson statistics, t = 5 tau_XX = {after_auger:g} ps",
        "poisson_after_auger_stable_x": "Poisson statistics, t = 5 tau_XX, tau_X -> infinity",
        "two_population_limit": "analytic: 1 - exp(-<N>) = paper's threshold",
    }
    ds = xr.Dataset(
        {f"threshold_{k}": ("delta_over_gamma", v,
                            {**_UNIT, "long_name": f"gain threshold <N> at E_X: {long[k]}"})
         for k, v in curves.items()},
        coords={"delta_over_gamma": ("delta_over_gamma", ratios,
                                     {**_UNIT, "long_name": "Delta_XX / Gamma"})},
    )
    # The preset itself (Delta/Gamma = 1.76), not the nearest grid point.
    preset = {"preset_formula": models.single_exciton_threshold(base.delta_xx, base.linewidth),
              "preset_poisson_early": kinetics.gain_threshold(base, time=3.0),
              "preset_poisson_after_auger": kinetics.gain_threshold(base, time=after_auger)}
    for key, value in preset.items():
        ds[f"threshold_{key}"] = ((), value, {**_UNIT, "long_name":
                                  f"type-II preset gain threshold <N> at E_X: {key[7:]}"})
    return attach(ds, study=NAME, quick=quick, samples=[base], seed=seed, n_nanocrystals=n_nc,
                  probe="E_X", after_auger_time_ps=after_auger,
                  note="inf: no gain at E_X up to the search limit (<N> = 10, or 1 for "
                       "single-excitation statistics)")


def plot(ds: xr.Dataset):
    """Thresholds versus Delta/Gamma, the paper's formula as a line.

    Parameters
    ----------
    ds : xarray.Dataset
        The dataset of :func:`run` (or read back from its netCDF file).

    Returns
    -------
    matplotlib.figure.Figure
        The figure (not attached to pyplot; save it with ``fig.savefig``).
    """
    fig = figure(figsize=(6.4, 4.6), layout="constrained")
    ax = fig.add_subplot()
    x = ds.delta_over_gamma.values
    style = {
        "formula": dict(color="k", lw=2, label="paper's formula"),
        "single_exact": dict(color="C0", ls="none", marker="o", mfc="none",
                             label="single excitation, exact"),
        "single_mc": dict(color="C0", ls="none", marker="x", label="single excitation, MC"),
        "poisson_early": dict(color="C3", marker=".", label="Poisson, t = 3 ps"),
        "poisson_after_auger": dict(color="C2", marker=".",
                                    label=f"Poisson, t = {ds.after_auger_time_ps:g} ps"),
        "poisson_after_auger_stable_x": dict(color="C2", ls="--",
                                             label="Poisson, after Auger, tau_X -> inf"),
        "two_population_limit": dict(color="C1", ls=":", lw=2,
                                     label="1 - exp(-<N>) = formula"),
    }
    for key, kw in style.items():
        y = ds[f"threshold_{key}"].values
        ax.plot(x, np.where(np.isfinite(y), y, np.nan), **kw)
    ax.axhline(2 / 3, color="0.6", lw=0.8)
    ax.axhline(1.0, color="0.6", lw=0.8)
    ax.set_xlabel("Delta_XX / Gamma")
    ax.set_ylabel("gain threshold <N> at E_X")
    ax.set_ylim(0.5, 3.5)
    ax.legend(fontsize=7, loc="upper right")
    ax.set_title("Single-exciton gain threshold (Fig. 1c)")
    return fig


def _at(ds, key, ratio):
    return float(ds[f"threshold_{key}"].sel(delta_over_gamma=ratio, method="nearest"))


def context(ds: xr.Dataset) -> dict:
    """The numbers of the report's Fig. 1c section (template ``fig1c_threshold.md.j2``).

    Parameters
    ----------
    ds : xarray.Dataset
        The dataset of :func:`run`.

    Returns
    -------
    dict
        Variables of the template, every number read from ``ds``.
    """
    finite = np.isfinite(ds.threshold_formula) & np.isfinite(ds.threshold_single_exact) \
        & (ds.delta_over_gamma > 0)
    n = int(ds.n_nanocrystals)
    t_auger = float(ds.after_auger_time_ps)
    return {
        "dev_exact": float(abs(ds.threshold_single_exact - ds.threshold_formula).where(finite).max()),
        "dev_mc": float(abs(ds.threshold_single_mc - ds.threshold_formula).where(finite).max()),
        "n": n, "se": float(np.sqrt((2 / 3) * (1 / 3) / n)), "t_auger": t_auger,
        "preset_ratio": float(models.presets.TYPE_II_CDS_ZNSE.delta_xx
                              / models.presets.TYPE_II_CDS_ZNSE.linewidth),
        "single3": _at(ds, "single_exact", 3.0), "single0": _at(ds, "single_exact", 0.0),
        "single0_finite": bool(np.isfinite(_at(ds, "single_exact", 0.0))),
        "stable3": _at(ds, "poisson_after_auger_stable_x", 3.0),
        "limit3": _at(ds, "two_population_limit", 3.0),
        "after3": _at(ds, "poisson_after_auger", 3.0),
        "survival": float(np.exp(-t_auger / 1700.0)),
    }
