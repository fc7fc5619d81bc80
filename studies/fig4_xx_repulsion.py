"""Fig. 4: giant X-X repulsion in type-II CdS/ZnSe NCs (PL of X and XX).

The paper recorded photoluminescence at <N> ~ 1.5 right after the pump (t = 0)
and at t = 10 ns, deconvolved the t = 0 spectrum into a single-exciton band X
(E_X = 2.054 eV) and a short-lived biexciton band XX (2.160 eV, ~130 ps), and
found Delta_XX = 106 meV; the X and XX intensities grow with slopes 1 and 2.

The study does the same with the type-II preset:

- a. PL at t = 0 and 10 ns (Monte Carlo, master equation laid over it); the
  t = 0 spectrum fitted with two free Gaussians (centres, widths, amplitudes;
  initial guesses read from the data) and, the paper's own method, the t = 0
  spectrum minus the scaled 10-ns spectrum, whose peak locates the XX band;
- b. the XX-component amplitude from 0 to 600 ps and its exponential decay time;
- c. the X and XX band intensities at t = 0 versus <N> (log-log) with the
  low-<N> slopes.

In this model every NC holding n >= 2 excitons emits at E_i + Delta_XX with
k_rad = 2 / tau_x (Einstein-consistent default, g = 2), and n = 1 at E_i with
1 / tau_x; with Gaussian lines both bands are Gaussians of the ensemble width
Gamma, so a two-Gaussian fit is the exact form of the model spectrum.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from ncgain import kinetics
from ncgain import models

from ._spectra import band_amplitudes, deconvolve, subtract_long_time  # noqa: F401 (public)
from ._spectra import gauss as _gauss
from ._common import attach, figure, fit_exponential_decay, loglog_slope

NAME = "fig4_xx_repulsion"
TITLE = "Fig. 4 - giant X-X repulsion (type-II PL of X and XX)"

#: The paper's numbers (Klimov et al., Nature 447, 441 (2007), Fig. 4 and text).
PAPER = {"exciton_energy": 2.054, "xx_band_energy": 2.160, "delta_xx": 0.106,
         "xx_decay_time": 130.0, "slope_x": 1.0, "slope_xx": 2.0, "mean_excitons": 1.5}

MEAN_EXCITONS = 1.5            # paper: "approximately 1.5 excitons per nanocrystal"
SPECTRUM_TIMES = (0.0, 10000.0)  # ps: t = 0 and t = 10 ns
ENERGY_RANGE = (1.85, 2.35)    # eV; the resolvable range of the preset is ~1.738-2.370 eV
DECAY_WINDOW = (0.0, 600.0)    # ps, recorded XX dynamics
#: Start of the XX decay fit (ps): after triexcitons and higher (19 % of the NCs at
#: <N> = 1.5) have Auger-decayed into biexcitons (1/k(3) = 28 ps, 1/k(4) = 11 ps).
DECAY_FIT_START = 50.0
PUMP_RANGE = (0.01, 3.0)       # <N> of the pump dependence
SLOPE_MAX = 0.1                # low-<N> slope fit over PUMP_RANGE[0] <= <N> <= SLOPE_MAX
SEED = 404
#: Monte Carlo resolution of the inhomogeneous energy E_i. E_i does not enter the kinetics
#: of this homogeneous sample, so one bin samples the occupations (the physics: Poisson
#: pumping, stochastic decay) and integrates the ensemble line exactly, the lowest-variance
#: estimator. With 16 bins the spectra carry correlated shape noise of ~0.5 % of the X band
#: at 4e6 NCs, larger than the XX band itself at <N> = 0.01 (2 <N> = 2 % of X), and the
#: band separation of the pump dependence fails.
ENERGY_BINS = 1


def run(quick: bool = False, progress: bool = False) -> xr.Dataset:
    """PL spectra, two-band deconvolution, XX decay and pump dependences.

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
    sample = models.presets.TYPE_II_CDS_ZNSE
    n_nc = 4_000_000 if quick else 16_000_000
    energy = np.round(np.linspace(*ENERGY_RANGE, 126 if quick else 251), 9)
    t_decay = np.linspace(*DECAY_WINDOW, 31 if quick else 61)
    pump = np.geomspace(*PUMP_RANGE, 15 if quick else 31)
    common = dict(energies=energy, n_nanocrystals=n_nc, seed=SEED, energy_bins=ENERGY_BINS)
    steps = [("spectra", [MEAN_EXCITONS], list(SPECTRUM_TIMES)),
             ("decay", [MEAN_EXCITONS], t_decay),
             ("pump", pump, [0.0])]
    if progress:
        from tqdm.auto import tqdm
        steps = tqdm(steps, desc=NAME, leave=False)
    out = {}
    for key, mean, times in steps:
        for method in ("monte-carlo", "master-equation"):
            ds = kinetics.simulate_pulsed(sample, mean, times, method=method, **common)
            out[key, method] = ds.pl.values
    spectra_mc = out["spectra", "monte-carlo"][0]       # (time, energy)
    spectra_me = out["spectra", "master-equation"][0]
    fit = deconvolve(energy, spectra_mc[0], spectra_mc[1])
    fit_me = deconvolve(energy, spectra_me[0], spectra_me[1])
    popt = fit["popt"]

    # XX decay: amplitudes of the fitted shapes vs time (MC and exact, same shapes)
    amp_t = {m: band_amplitudes(energy, out["decay", m][0], popt)
             for m in ("monte-carlo", "master-equation")}
    late = t_decay >= DECAY_FIT_START

    def tau(y, sel):
        return fit_exponential_decay(t_decay[sel] - t_decay[sel][0], y[sel])

    decay = {m: (tau(a[1], late), tau(a[1], np.ones_like(late))) for m, a in amp_t.items()}
    k2 = sample.radiative_rate(2) + sample.auger_rate(2)

    # pump dependence at t = 0: integrated band intensities (area of each Gaussian)
    area = np.sqrt(np.pi) * np.array([popt[2], popt[5]])
    amp_n = {m: band_amplitudes(energy, out["pump", m][:, 0], popt) * area[:, None]
             for m in ("monte-carlo", "master-equation")}
    low = pump <= SLOPE_MAX * (1 + 1e-9)
    slopes = {m: [loglog_slope(pump[low], a[i][low]) for i in (0, 1)]
              for m, a in amp_n.items()}

    one, ev, ps = {"units": "1"}, {"units": "eV"}, {"units": "ps"}
    inten = {"units": "ps-1", "long_name": ""}
    mc, me = "Monte Carlo", "exact (master equation)"
    data = {
        "pl": (("spectrum_time", "energy"), spectra_mc,
               {"units": "ps-1 eV-1", "long_name": f"PL per NC at <N> = {MEAN_EXCITONS:g}, {mc}"}),
        "pl_exact": (("spectrum_time", "energy"), spectra_me,
                     {"units": "ps-1 eV-1", "long_name": f"PL per NC at <N> = {MEAN_EXCITONS:g}, {me}"}),
        "x_component": ("energy", _gauss(energy, *popt[:3]),
                        {"units": "ps-1 eV-1", "long_name": "fitted X Gaussian of the t = 0 PL"}),
        "xx_component": ("energy", _gauss(energy, *popt[3:]),
                         {"units": "ps-1 eV-1", "long_name": "fitted XX Gaussian of the t = 0 PL"}),
        "residual": ("energy", fit["residual"],
                     {"units": "ps-1 eV-1", "long_name": "t = 0 PL minus scaled 10-ns PL "
                      "(paper's method)"}),
        "fit_exciton_energy": ((), popt[1], {**ev, "long_name": "fitted X band centre E_X"}),
        "fit_xx_energy": ((), popt[4], {**ev, "long_name": "fitted XX band centre"}),
        "fit_x_width": ((), popt[2], {**ev, "long_name": "fitted X 1/e half-width"}),
        "fit_xx_width": ((), popt[5], {**ev, "long_name": "fitted XX 1/e half-width"}),
        "fit_x_amplitude": ((), popt[0], {"units": "ps-1 eV-1", "long_name": "fitted X peak PL"}),
        "fit_xx_amplitude": ((), popt[3], {"units": "ps-1 eV-1",
                                           "long_name": "fitted XX peak PL"}),
        "fit_delta_xx": ((), popt[4] - popt[1], {**ev, "long_name": "Delta_XX = XX band - X "
                                                 "band centre, two-Gaussian fit, " + mc}),
        "fit_delta_xx_exact": ((), fit_me["popt"][4] - fit_me["popt"][1],
                               {**ev, "long_name": "Delta_XX from the two-Gaussian fit, " + me}),
        "fit_exciton_energy_exact": ((), fit_me["popt"][1],
                                     {**ev, "long_name": "fitted E_X, " + me}),
        "xx_to_x_ratio": ((), popt[3] * popt[5] / (popt[0] * popt[2]),
                          {**one, "long_name": "XX / X band area ratio of the t = 0 PL"}),
        "long_time_peak_energy": ((), fit["x_peak"], {**ev, "long_name": "peak of the 10-ns PL"}),
        "residual_peak_energy": ((), fit["xx_peak"], {**ev, "long_name": "peak of the t = 0 "
                                                      "PL minus scaled 10-ns PL"}),
        "residual_delta_xx": ((), fit["xx_peak"] - fit["x_peak"],
                              {**ev, "long_name": "Delta_XX from the paper's method (residual "
                               "peak - 10-ns peak)"}),
        "long_time_scale": ((), fit["scale"], {**one, "long_name": "scale of the 10-ns PL "
                                               "subtracted (red-side least squares)"}),
        "xx_amplitude": ("time", amp_t["monte-carlo"][1],
                         {"units": "ps-1 eV-1", "long_name": "XX-component amplitude, " + mc}),
        "xx_amplitude_exact": ("time", amp_t["master-equation"][1],
                               {"units": "ps-1 eV-1", "long_name": "XX-component amplitude, " + me}),
        "x_amplitude": ("time", amp_t["monte-carlo"][0],
                        {"units": "ps-1 eV-1", "long_name": "X-component amplitude, " + mc}),
        "xx_decay_time": ((), decay["monte-carlo"][0]["tau"],
                          {**ps, "long_name": f"XX decay time, exponential fit over "
                           f"{DECAY_FIT_START:g}-{DECAY_WINDOW[1]:g} ps, " + mc}),
        "xx_decay_amplitude": ((), decay["monte-carlo"][0]["amplitude"],
                               {"units": "ps-1 eV-1", "long_name": "XX amplitude at "
                                f"{DECAY_FIT_START:g} ps of the exponential fit"}),
        "xx_decay_time_full": ((), decay["monte-carlo"][1]["tau"],
                               {**ps, "long_name": f"XX decay time, exponential fit over "
                                f"{DECAY_WINDOW[0]:g}-{DECAY_WINDOW[1]:g} ps, " + mc}),
        "xx_decay_time_exact": ((), decay["master-equation"][0]["tau"],
                                {**ps, "long_name": f"XX decay time, fit over "
                                 f"{DECAY_FIT_START:g}-{DECAY_WINDOW[1]:g} ps, " + me}),
        "xx_decay_time_full_exact": ((), decay["master-equation"][1]["tau"],
                                     {**ps, "long_name": f"XX decay time, fit over "
                                      f"{DECAY_WINDOW[0]:g}-{DECAY_WINDOW[1]:g} ps, " + me}),
        "biexciton_lifetime": ((), 1.0 / k2, {**ps, "long_name": "model biexciton lifetime "
                                              "1/(k_rad(2) + k_A(2))"}),
        "x_intensity": ("mean_excitons", amp_n["monte-carlo"][0],
                        {**inten, "long_name": "X band intensity at t = 0 (Gaussian area), " + mc}),
        "xx_intensity": ("mean_excitons", amp_n["monte-carlo"][1],
                         {**inten, "long_name": "XX band intensity at t = 0 (Gaussian area), " + mc}),
        "x_intensity_exact": ("mean_excitons", amp_n["master-equation"][0],
                              {**inten, "long_name": "X band intensity at t = 0, " + me}),
        "xx_intensity_exact": ("mean_excitons", amp_n["master-equation"][1],
                               {**inten, "long_name": "XX band intensity at t = 0, " + me}),
        "slope_x": ((), slopes["monte-carlo"][0], {**one, "long_name": "log-log slope of the X "
                    f"intensity for <N> <= {SLOPE_MAX:g}, " + mc}),
        "slope_xx": ((), slopes["monte-carlo"][1], {**one, "long_name": "log-log slope of the XX "
                     f"intensity for <N> <= {SLOPE_MAX:g}, " + mc}),
        "slope_x_exact": ((), slopes["master-equation"][0],
                          {**one, "long_name": f"X slope for <N> <= {SLOPE_MAX:g}, " + me}),
        "slope_xx_exact": ((), slopes["master-equation"][1],
                           {**one, "long_name": f"XX slope for <N> <= {SLOPE_MAX:g}, " + me}),
    }
    coords = {
        "energy": ("energy", energy, {**ev, "long_name": "photon energy"}),
        "spectrum_time": ("spectrum_time", np.asarray(SPECTRUM_TIMES),
                          {**ps, "long_name": "time after the pump of the PL spectra"}),
        "time": ("time", t_decay, {**ps, "long_name": "time after the pump"}),
        "mean_excitons": ("mean_excitons", pump,
                          {**one, "long_name": "mean excitons per NC after the pulse, <N>"}),
        "pump_fluence": ("mean_excitons", kinetics.pump_fluence(pump, sample),
                         {"units": "mJ cm-2", "long_name": "pump fluence giving <N>"}),
    }
    ds = xr.Dataset(data, coords=coords)
    return attach(ds, study=NAME, samples=[sample], method="monte-carlo",
                  overlay_method="master-equation", seed=SEED, n_nanocrystals=n_nc,
                  energy_bins=ENERGY_BINS, statistics="poisson", mean_excitons_spectra=MEAN_EXCITONS,
                  decay_fit_window_ps=[DECAY_FIT_START, DECAY_WINDOW[1]],
                  decay_fit_start_ps=DECAY_FIT_START, decay_fit_end_ps=DECAY_WINDOW[1],
                  slope_fit_min=PUMP_RANGE[0], slope_fit_max=SLOPE_MAX,
                  decay_fit_window_full_ps=list(DECAY_WINDOW),
                  slope_fit_range=[PUMP_RANGE[0], SLOPE_MAX],
                  deconvolution="scipy curve_fit of two Gaussians a exp(-((E-c)/w)^2), free "
                                "a, c, w; initial guesses from the 10-ns peak and RMS width "
                                "and the peak of the residual",
                  long_time_subtraction="scale = least squares on E <= 10-ns peak",
                  band_intensity="area of each fitted Gaussian shape, amplitudes by linear "
                                 "least squares at fixed centres and widths",
                  quick=quick)


def plot(ds: xr.Dataset):
    """Three panels: spectra with the fitted bands, XX decay, pump dependences.

    Parameters
    ----------
    ds : xarray.Dataset
        The dataset of :func:`run` (or read back from its netCDF file).

    Returns
    -------
    matplotlib.figure.Figure
        The figure (not attached to pyplot; save it with ``fig.savefig``).
    """
    fig = figure(figsize=(14, 4.4), layout="constrained")
    ax, bx, cx = fig.subplots(1, 3)
    e = ds.energy.values
    ax.plot(e, ds.pl.values[0], "s", ms=3, mfc="none", color="k", label="t = 0 (MC)")
    ax.plot(e, ds.pl.values[1] * float(ds.long_time_scale), "o", ms=3, color="C0",
            label=f"t = 10 ns (MC) x {float(ds.long_time_scale):.0f}")
    ax.plot(e, ds.pl_exact.values[0], "k-", lw=0.7, label="t = 0 exact")
    ax.fill_between(e, ds.x_component.values, color="C0", alpha=0.3,
                    label=f"X fit {float(ds.fit_exciton_energy):.3f} eV")
    ax.fill_between(e, ds.xx_component.values, color="C3", alpha=0.3,
                    label=f"XX fit {float(ds.fit_xx_energy):.3f} eV")
    ax.plot(e, ds.x_component.values + ds.xx_component.values, "k:", lw=0.8,
            label="X + XX fit")
    ax.set(xlabel="photon energy (eV)", ylabel="PL per NC (ps$^{-1}$ eV$^{-1}$)",
           title=f"a  PL, <N> = {float(ds.mean_excitons_spectra):g}; "
                 f"Delta_XX = {1e3 * float(ds.fit_delta_xx):.1f} meV")
    ax.legend(fontsize=7)

    t = ds.time.values
    bx.semilogy(t, ds.xx_amplitude.values, "o", ms=3, mfc="none", color="C3", label="XX (MC)")
    bx.semilogy(t, ds.xx_amplitude_exact.values, "-", color="C3", lw=0.7, label="XX exact")
    t0 = float(ds.attrs["decay_fit_start_ps"])
    tt = t[t >= t0]
    bx.semilogy(tt, float(ds.xx_decay_amplitude) * np.exp(-(tt - t0) / float(ds.xx_decay_time)),
                "k--", label=f"fit: {float(ds.xx_decay_time):.0f} ps")
    bx.semilogy(t, ds.x_amplitude.values, "s", ms=3, mfc="none", color="C0", label="X (MC)")
    bx.set(xlabel="time after the pump (ps)", ylabel="band amplitude (ps$^{-1}$ eV$^{-1}$)",
           title=f"b  XX decay (1/k(2) = {float(ds.biexciton_lifetime):.0f} ps; paper ~130 ps)")
    bx.legend(fontsize=7)

    n = ds.mean_excitons.values
    for var, c, m, lab in (("x_intensity", "C0", "o", "X"), ("xx_intensity", "C3", "s", "XX")):
        cx.loglog(n, ds[var].values, m, ms=4, mfc="none", color=c, label=f"{lab} (MC)")
        cx.loglog(n, ds[var + "_exact"].values, "-", lw=0.7, color=c)
    for var, slope, style in (("x_intensity", "slope_x", "--"), ("xx_intensity", "slope_xx", ":")):
        y0 = float(ds[var + "_exact"].values[0])
        guide = n[n <= 0.3]
        cx.loglog(guide, y0 * (guide / n[0]) ** float(ds[slope]), "k" + style, lw=0.8,
                  label=f"slope {float(ds[slope]):.2f}")
    cx.axvspan(n[0], float(ds.attrs["slope_fit_max"]),
               color="0.9", zorder=0)
    cx.set(xlabel="mean excitons per NC, <N>", ylabel="band intensity at t = 0 (ps$^{-1}$)",
           title="c  pump dependence (shaded: slope fit range)")
    cx.legend(fontsize=7)
    return fig


def context(ds: xr.Dataset) -> dict:
    """The numbers of the report's Fig. 4 section (template ``fig4_xx_repulsion.md.j2``).

    Parameters
    ----------
    ds : xarray.Dataset
        The dataset of :func:`run`.

    Returns
    -------
    dict
        Variables of the template, every number read from ``ds``.
    """
    sample = models.Sample.from_json(ds.attrs["sample_0"])
    tau = float(ds.xx_decay_time)
    n15 = float(ds.attrs["mean_excitons_spectra"])
    tau_paper = PAPER["xx_decay_time"]
    return {
        "sample": sample, "tau": tau, "n15": n15, "tau_paper": tau_paper,
        "ok_ex": abs(float(ds.fit_exciton_energy) - PAPER["exciton_energy"]) < 0.005,
        "ok_dxx": abs(float(ds.fit_delta_xx) - PAPER["delta_xx"]) < 0.010,
        "ok_tau": abs(tau - tau_paper) / tau_paper < 0.1,
        "tau_off": 100 * (tau / tau_paper - 1),
        "ok_sx": abs(float(ds.slope_x) - 1) < 0.15, "ok_sxx": abs(float(ds.slope_xx) - 2) < 0.15,
        "p3": float(1 - np.exp(-n15) * (1 + n15 + n15 ** 2 / 2)),
        "p2_over_p1": float((1 - np.exp(-n15) * (1 + n15)) / (n15 * np.exp(-n15))),
        "krad_ratio": sample.radiative_rate(2) / sample.radiative_rate(1),
        "krad2_tau_x": sample.radiative_rate(2) * sample.tau_x,
        "tau_if_auger": 1 / (sample.radiative_rate(2) + 1 / tau_paper),
    }
