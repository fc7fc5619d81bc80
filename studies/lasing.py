"""Lasing of type-I and type-II NC films in a cavity: L-L curves, thresholds, narrowing.

Not a figure of the paper: the study the issue asks for. Both presets in the
same cavity (quality factor Q, film below, rate equations):

* c.w.: steady output vs generation rate G (L-L curve); the lasing threshold
  is the kink, the maximum of d ln(output) / d ln(G), compared with the
  steady-state gain threshold at the cavity loss (``cavity_gain_threshold``)
  and with the c.w. issue's ``kinetics.cw_threshold`` (both in W cm^-2);
* pulsed: time-integrated output vs <N> after the pulse; the kink likewise;
* spectral narrowing: width (channels above half maximum times the spacing) of
  the output spectrum below and above the c.w. threshold.

Film, Q and beta are assumptions (FILM, Q, BETA).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from ncgain import kinetics, models

from ._common import attach, figure

NAME = "lasing"
TITLE = "Lasing in a cavity (type I and type II; not in the paper)"

#: Assumptions: the ASE study's film, a Q = 3000 resonator (tau_c ~ 1 ps), beta = 1e-4.
FILM = models.Film(absorption_coefficient=4000.0, confinement_factor=0.5, loss=10.0,
                   name="NC film (assumption)")
Q = 3000.0
BETA = 1e-4
PRESETS = ("type-ii", "type-i")


def _kink(x, y) -> float:
    """Geometric centre of the interval with the largest d ln y / d ln x."""
    slope = np.diff(np.log(y)) / np.diff(np.log(x))
    i = int(np.argmax(slope))
    return float(np.sqrt(x[i] * x[i + 1]))


def _width(energy, spectrum) -> float:
    """Channels at or above half the maximum times the channel spacing (eV)."""
    s = np.asarray(spectrum, float)
    return float((s >= 0.5 * s.max()).sum() * (energy[1] - energy[0]))


def run(quick: bool = False, progress: bool = False) -> xr.Dataset:
    """L-L curves (c.w. and pulsed), thresholds and narrowing for both presets.

    Parameters
    ----------
    quick : bool, default False
        Coarse grids (16 channels, 9 pump levels): a smoke run, not a result.
    progress : bool, default False
        Print a line per preset.

    Returns
    -------
    xarray.Dataset
        The study's data with units and long names; thresholds in the attributes.
    """
    cavity = models.Cavity(quality_factor=Q, spontaneous_coupling=BETA,
                           channels=16 if quick else 32)
    n_pump = 9 if quick else 21
    factors = np.geomspace(0.5, 4.0, n_pump)
    mean = np.geomspace(0.3, 6.0, n_pump)
    out = {}
    for key in PRESETS:
        sample = models.presets.get(key)
        problem = kinetics.cavity.CavityProblem.build(sample, FILM, cavity, [0.0, 1.0],
                                                      generation_rate=[1e-3],
                                                      method="rate-equations")
        g_th, e_th = kinetics.cavity_gain_threshold(problem)
        rates = g_th * factors
        t_end = float(min(20000.0, 10.0 / (rates.min() + 1.0 / sample.tau_x)))
        cw = kinetics.simulate_cavity(sample, FILM, cavity, [0.0, t_end / 2, t_end],
                                      generation_rate=rates, method="rate-equations")
        pulsed = kinetics.simulate_cavity(sample, FILM, cavity, [0.0, 3000.0],
                                          mean_excitons=mean, method="rate-equations")
        ref = kinetics.cw_threshold(sample, energy=e_th, loss=problem.loss_rate / problem.kappa)
        pulse_out = pulsed.cumulative_output.isel(time=-1).sum("channel").values
        spec = cw.output_spectrum.values
        e = cw.channel_energy.values
        below = int(np.searchsorted(factors, 0.8))
        above = n_pump - 1
        out[key] = dict(
            rates=rates, ll=cw.output.values, mean=mean, pulse_out=pulse_out, energy=e,
            spectrum=spec, g_th=g_th, e_th=e_th, kink=_kink(rates, cw.output.values),
            cw_ref=float(ref), pulsed_kink=_kink(mean, np.maximum(pulse_out, 1e-300)),
            width_below=_width(e, spec[below]), width_above=_width(e, spec[above]),
            intensity=lambda g, s=sample: float(
                kinetics.cavity.intensity_from_generation_rate(g, s)))
        if progress:
            print(f"  {NAME}: {key} done")
    a = lambda u, ln: {"units": u, "long_name": ln}  # noqa: E731
    ds = xr.Dataset(
        {
            "generation_rate": (("preset", "level"), np.array([out[k]["rates"] for k in PRESETS]),
                                a("ps-1", "c.w. generation rate per NC")),
            "output_cw": (("preset", "level"), np.array([out[k]["ll"] for k in PRESETS]),
                          a("ps-1", "steady output photons per NC per ps (L-L)")),
            "output_pulsed": (("preset", "level"), np.array([out[k]["pulse_out"] for k in PRESETS]),
                              a("1", "output photons per NC, 0-3 ns after the pulse")),
            "output_spectrum": (("preset", "level", "channel"),
                                np.array([out[k]["spectrum"] for k in PRESETS]),
                                a("ps-1", "c.w. output photons per NC per ps per channel")),
            "channel_energy": (("preset", "channel"), np.array([out[k]["energy"] for k in PRESETS]),
                               a("eV", "photon energy of the channel")),
        },
        coords={"preset": ("preset", list(PRESETS), a("1", "sample preset")),
                "mean_excitons": ("level", mean, a("1", "<N> after the pulse (pulsed runs)"))},
    )
    for k in PRESETS:
        o = out[k]
        ds.attrs[f"{k}_gain_threshold_G"] = o["g_th"]
        ds.attrs[f"{k}_gain_threshold_W_cm2"] = o["intensity"](o["g_th"])
        ds.attrs[f"{k}_kink_G"] = o["kink"]
        ds.attrs[f"{k}_kink_W_cm2"] = o["intensity"](o["kink"])
        ds.attrs[f"{k}_cw_threshold_W_cm2"] = o["intensity"](o["cw_ref"])
        ds.attrs[f"{k}_lasing_energy_eV"] = o["e_th"]
        ds.attrs[f"{k}_pulsed_kink_mean_excitons"] = o["pulsed_kink"]
        ds.attrs[f"{k}_width_below_eV"] = o["width_below"]
        ds.attrs[f"{k}_width_above_eV"] = o["width_above"]
    return attach(ds, study=NAME, samples=[models.presets.get(k) for k in PRESETS],
                  film=FILM.to_dict(), cavity=cavity.to_json(), quick=int(quick))


def plot(ds: xr.Dataset):
    """L-L curves (c.w., pulsed) of both presets.

    Parameters
    ----------
    ds : xarray.Dataset
        The dataset of :func:`run`.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (not attached to pyplot).
    """
    fig = figure(figsize=(10, 4))
    ax1, ax2 = fig.subplots(1, 2)
    for i, key in enumerate(ds.preset.values):
        ax1.loglog(ds.generation_rate[i], ds.output_cw[i], "o-", label=str(key))
        ax1.axvline(ds.attrs[f"{key}_gain_threshold_G"], color=f"C{i}", ls=":")
        ax2.loglog(ds.mean_excitons, np.maximum(ds.output_pulsed[i], 1e-30), "o-", label=str(key))
    ax1.set_xlabel("generation rate G (ps$^{-1}$ per NC)")
    ax1.set_ylabel("output (photons per NC per ps)")
    ax2.set_xlabel("<N> after the pulse")
    ax2.set_ylabel("output photons per NC (0-3 ns)")
    ax1.legend()
    fig.tight_layout()
    return fig


def report_rows(ds: xr.Dataset) -> list[dict]:
    """Lasing thresholds and narrowing of both presets.

    Parameters
    ----------
    ds : xarray.Dataset
        The dataset of :func:`run`.

    Returns
    -------
    list of dict
        Rows with keys ``quantity``, ``paper``, ``ncgain``, ``agreement``.
    """
    rows = []
    a = ds.attrs
    for k in ds.preset.values:
        rows.append({"quantity": f"{k}: c.w. lasing threshold (L-L kink) vs gain threshold",
                     "paper": "-",
                     "ncgain": f"kink {a[f'{k}_kink_W_cm2']:.3g} W cm^-2; gain threshold "
                               f"{a[f'{k}_gain_threshold_W_cm2']:.3g}; cw_threshold "
                               f"{a[f'{k}_cw_threshold_W_cm2']:.3g} W cm^-2",
                     "agreement": "kink on the pump grid next to the steady-state threshold"})
        rows.append({"quantity": f"{k}: output linewidth below / above threshold",
                     "paper": "-",
                     "ncgain": f"{a[f'{k}_width_below_eV'] * 1e3:.0f} / "
                               f"{a[f'{k}_width_above_eV'] * 1e3:.0f} meV",
                     "agreement": "narrowing" if a[f"{k}_width_above_eV"] <
                     a[f"{k}_width_below_eV"] else "no narrowing on this channel grid"})
        rows.append({"quantity": f"{k}: pulsed L-L kink", "paper": "-",
                     "ncgain": f"<N> = {a[f'{k}_pulsed_kink_mean_excitons']:.3g}",
                     "agreement": "-"})
    return rows


NOTES = ("Rate equations only (the Monte Carlo reproduces them within noise in the tests). "
         f"Cavity Q = {Q:g}, beta = {BETA:g}, film alpha_0 = {FILM.absorption_coefficient:g} "
         f"cm^-1, confinement {FILM.confinement_factor:g}: assumptions, not from the paper.")
