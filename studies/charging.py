"""Charged nanocrystals: gain threshold and gain lifetime versus resident electrons.

Resident electrons fill the band-edge electron level: they block absorption
(state filling) and turn single excitons into trions that emit. With two
band-edge electron states a NC carrying one electron needs fewer excitons for
gain, and one carrying two has no band-edge absorption left at all. Published
anchors: Wu et al., Nature Nanotech. 12, 1140 (2017) (sub-single-exciton ASE at
~1 electron per dot) and Geuchies et al. (2021, electrochemically doped
CdSe/CdS/ZnS: thresholds down to ~1e-5 excitons per dot).

For each preset and each charge distribution the study computes, with the exact
master equation, the gain threshold at 3 ps anywhere in the band against the
loss of the studies' close-packed film (modal gain Gamma_c alpha_0 g >= 50 cm^-1,
i.e. net gain >= DETECTABLE_GAIN = 0.0189 alpha_0(peak);
:data:`studies._common.STUDY_FILM`), the threshold at E_X (alpha < 0), and how
long the gain stays above that loss after a pulse of 1.5x the threshold.
"""

from __future__ import annotations

import numpy as np
import xarray as xr
from scipy import stats

from ncgain import kinetics, models
from ncgain.kinetics import observables
from ncgain.kinetics import pulsed as _pulsed

from ._common import DETECTABLE_GAIN, STUDY_FILM, attach, figure, gain_criterion_text

NAME = "charging"
TITLE = "Charged nanocrystals - gain threshold and gain lifetime versus resident electrons"

PROBE_TIME = 3.0
#: Charge distributions: uniform r = 0, 1, 2 and Poisson-distributed charges with mean
#: <r> (assumption: independent charging; the Poisson mass above r = 2 is put at 2,
#: since a third electron leaves the band edge).
UNIFORM = (0, 1, 2)
POISSON_MEANS = (0.25, 0.5, 1.0)
LIFETIME_TIMES = np.concatenate([[PROBE_TIME], np.geomspace(5.0, 2e4, 120)])


def charge_fractions(kind: str, value: float) -> list[float]:
    """Fractions of NCs with r = 0, 1, 2 resident electrons.

    Parameters
    ----------
    kind : {"uniform", "poisson"}
        Every NC carries ``value`` electrons, or Poisson-distributed charges of mean
        ``value`` (mass above 2 at r = 2).
    value : float
        The charge (uniform) or the mean charge (Poisson).

    Returns
    -------
    list of float
        Fractions for r = 0, 1, 2 (sum 1).
    """
    if kind == "uniform":
        return [1.0 if r == int(value) else 0.0 for r in range(3)]
    p = stats.poisson.pmf([0, 1], value)
    return [float(p[0]), float(p[1]), float(1.0 - p.sum())]


def _charged(sample, fractions):
    return sample.with_resident_electrons({r: f for r, f in enumerate(fractions) if f > 0})


def _gain_duration(sample, energy, mean):
    """Last time (ps) with alpha(E) < -DETECTABLE_GAIN alpha_0(peak) (film loss), <N> = mean."""
    problem = _pulsed.PulsedProblem.build(sample, LIFETIME_TIMES, energies=[energy],
                                  max_mean_excitons=mean, method="master-equation",
                                  need_bleach=False)
    alpha, _ = observables.spectra(problem.exact_occupation(np.array([mean])), problem.kernels)
    gain = alpha[0, :, 0] < -DETECTABLE_GAIN
    if not gain[0]:
        return 0.0
    k = int(np.argmin(gain)) if not gain.all() else gain.size
    return float(LIFETIME_TIMES[k - 1])


def run(quick: bool = False, progress: bool = False) -> xr.Dataset:
    """Thresholds and gain durations for both presets and every charge distribution.

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
    presets = {"type-ii": models.presets.TYPE_II_CDS_ZNSE, "type-i": models.presets.TYPE_I_CDSE}
    cases = [("uniform", float(r)) for r in UNIFORM] + [
        ("poisson", m) for m in (POISSON_MEANS[-1:] if quick else POISSON_MEANS)]
    shape = (len(presets), len(cases))
    th, th_x, e_g, dur, mean_r = (np.empty(shape) for _ in range(5))
    items = [(i, key, j, case) for i, key in enumerate(presets) for j, case in enumerate(cases)]
    if progress:
        from tqdm.auto import tqdm
        items = tqdm(items, desc=NAME, leave=False)
    for i, key, j, (kind, value) in items:
        fr = charge_fractions(kind, value)
        s = _charged(presets[key], fr)
        mean_r[i, j] = float(np.dot(fr, [0, 1, 2]))
        r = kinetics.gain_threshold(s, time=PROBE_TIME, energy="any", loss=DETECTABLE_GAIN)
        th[i, j], e_g[i, j] = float(r), (np.nan if r.energy is None else r.energy)
        th_x[i, j] = float(kinetics.gain_threshold(s, time=PROBE_TIME))
        dur[i, j] = (_gain_duration(s, e_g[i, j], max(1.5 * th[i, j], 1e-3))
                     if np.isfinite(th[i, j]) else np.nan)
    one = {"units": "1"}
    dims = ("preset", "charging")
    ds = xr.Dataset(
        {
            "mean_resident_electrons": (dims, mean_r, {**one, "long_name":
                                        "mean resident electrons per NC"}),
            "threshold": (dims, th, {**one, "long_name": f"gain threshold <N> at {PROBE_TIME:g} "
                          "ps, modal gain >= film loss (net gain >= "
                          f"{DETECTABLE_GAIN:.4f} alpha_0(peak)) anywhere"}),
            "gain_energy": (dims, e_g, {"units": "eV", "long_name":
                            "photon energy where gain above the film loss first appears"}),
            "threshold_at_ex": (dims, th_x, {**one, "long_name":
                                f"gain threshold <N> at E_X, {PROBE_TIME:g} ps (alpha < 0)"}),
            "gain_duration": (dims, dur, {"units": "ps", "long_name": "how long the gain stays "
                              "above the film loss at the gain energy after a pulse of 1.5x "
                              "threshold"}),
        },
        coords={
            "preset": ("preset", list(presets), {"units": "1", "long_name": "preset"}),
            "charging": ("charging", [f"{k} {v:g}" for k, v in cases],
                         {"units": "1", "long_name": "charge distribution: uniform r or "
                          "Poisson <r> (mass above 2 at r = 2)"}),
        },
    )
    return attach(ds, study=NAME, samples=list(presets.values()), seed=0,
                  probe_time_ps=PROBE_TIME, detectable_gain=DETECTABLE_GAIN,
                  film=STUDY_FILM.to_json(), gain_criterion=gain_criterion_text(),
                  method="master-equation", quick=int(quick))


def plot(ds: xr.Dataset):
    """Threshold and gain duration against the mean charge.

    Parameters
    ----------
    ds : xarray.Dataset
        Output of :func:`run`.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (no pyplot state).
    """
    fig = figure(figsize=(9, 3.8), layout="constrained")
    ax, ax2 = fig.subplots(1, 2)
    for p, c in zip(ds.preset.values, ("C1", "C0")):
        d = ds.sel(preset=p)
        order = np.argsort(d.mean_resident_electrons.values)
        x = d.mean_resident_electrons.values[order]
        ax.plot(x, d.threshold.values[order], "o-", color=c, label=f"{p} (gain above film loss)")
        ax.plot(x, d.threshold_at_ex.values[order], "s--", color=c, mfc="none",
                label=f"{p} (at E_X)")
        ax2.plot(x, d.gain_duration.values[order], "o-", color=c, label=p)
    ax.set_xlabel("mean resident electrons per NC")
    ax.set_ylabel(f"threshold <N> at {float(ds.probe_time_ps):g} ps")
    ax2.set_xlabel("mean resident electrons per NC")
    ax2.set_ylabel("gain duration (ps)")
    ax2.set_yscale("log")
    ax.legend(fontsize=7)
    ax2.legend(fontsize=7)
    ax.set_title("gain threshold vs charging")
    ax2.set_title("how long gain lasts (1.5x threshold)")
    return fig


def context(ds: xr.Dataset) -> dict:
    """The numbers of the report's charging section (template ``charging.md.j2``).

    Parameters
    ----------
    ds : xarray.Dataset
        Output of :func:`run`.

    Returns
    -------
    dict
        ``presets`` (label -> its selection of ``ds``) and the type-I selection ``i2``.
    """
    i2 = ds.sel(preset="type-i")
    return {"presets": {p: ds.sel(preset=p) for p in ds.preset.values.tolist()}, "i2": i2,
            "long_lived": float(i2.gain_duration.max())
            >= 2 * float(i2.gain_duration.sel(charging="uniform 0"))}
