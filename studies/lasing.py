"""Lasing of type-I and type-II NC films in a cavity: L-L curves, thresholds, narrowing.

Not a figure of the paper: the study the photon-field issue asks for. Both
presets in the same cavity (quality factor :data:`Q`, spontaneous coupling
:data:`BETA`) on the project's close-packed film (:meth:`models.Film.close_packed`),
solved with the deterministic rate-equation twin of :func:`kinetics.simulate_cavity`
(the Monte Carlo reproduces the twin's populations within binomial noise in
tests/kinetics/test_cavity.py; it is not re-run here).

The definitions of what is computed (L-L kink, slope efficiency, clamping, narrowing,
stability, ringing, pulsed spikes) are the report's, in ``templates/lasing.md.j2``.
"""

from __future__ import annotations

import numpy as np
import xarray as xr
from scipy import signal

from ncgain import kinetics, models
from ncgain.kinetics import cavity as kcav

from ._common import attach, figure, schema
from ._progress import study_progress
from ._analysis import kink, oscillation, two_rate_estimate
from ._spectra import widths

NAME = "lasing"
TITLE = "Lasing in a cavity (type I and type II; not in the paper)"

#: Quality factor: CdSe/CdS/ZnS quantum-dot ring resonators reach Q up to 2,500 and lase
#: at Q > 1,000 (le Feber et al., Nano Lett. 18, 1028 (2018)). tau_c = Q hbar / E ~ 0.8 ps.
Q = 2500.0
#: Assumption: fraction of a single exciton's radiative rate emitted into the channel
#: grid of the resonator (a many-mode film resonator; a microcavity would have more).
BETA = 1e-4
#: Spectral channels over the band edge (groups of modes), the same in quick and full runs.
CHANNELS = 32
#: Energy bins of E_i in the twin: thresholds within 1 % of 160 bins (tested).
ENERGY_BINS = 40
FILM = models.Film.close_packed()
PRESETS = ("type-ii", "type-i")
LABEL = {"type-ii": "type II (CdS/ZnSe)", "type-i": "type I (CdSe)"}
#: Pump of the c.w. turn-on transient and of the spectra above threshold, x threshold.
TURN_ON_PUMP = 2.0
#: c.w. pump ranges (x threshold) of the linear fits: just above and far above threshold.
PUMP_RANGES = ((1.1, 1.5), (4.0, 8.0))
#: c.w. pumps (x threshold) where the stability of the steady state is computed.
STABILITY_PUMPS = (1.2, TURN_ON_PUMP, 8.0)
#: Pump of the spectrum below threshold, x threshold.
BELOW_PUMP = 0.5
#: Observation windows of the c.w. turn-on (ps): type I reaches threshold later (tau_X
#: of the preset 20 ns) and rings longer. Plot windows, not results.
TURN_ON_WINDOW = {"type-ii": 3000.0, "type-i": 8000.0}
TURN_ON_SAMPLES = 4001
#: Pulsed: <N> from 0.6 to 3 times the pulsed gain threshold; output counted 0-3 ns.
PULSE_WINDOW = 3000.0
PULSE_TIMES = np.concatenate([np.arange(0.0, 50.0, 0.05), np.arange(50.0, 600.0, 0.5),
                              np.arange(600.0, PULSE_WINDOW + 1, 5.0)])


def _cavity() -> models.Cavity:
    return models.Cavity(quality_factor=Q, spontaneous_coupling=BETA, channels=CHANNELS)


def _stages() -> int:
    """Progress stages of one preset: threshold, steady states, turn-on, one small-signal
    analysis per STABILITY_PUMPS entry, pulsed."""
    return 4 + len(STABILITY_PUMPS)


def _preset(key: str, quick: bool, step=lambda label: None) -> dict:
    sample = models.presets.get(key)
    cav = _cavity()
    n_cw = 41 if quick else 81
    # The gain threshold first (it does not depend on n_max once n_max holds it), then the
    # problem built for the largest rate of the L-L curve, so that its n_max holds it.
    probe = kcav.CavityProblem.build(sample, FILM, cav, [0.0, 1.0], generation_rate=[1e-3],
                                     method="rate-equations", energy_bins=ENERGY_BINS)
    g_probe, _ = kinetics.cavity_gain_threshold(probe)
    base = kcav.CavityProblem.build(sample, FILM, cav, [0.0, 1.0],
                                    generation_rate=[8.0 * g_probe],
                                    method="rate-equations", energy_bins=ENERGY_BINS)
    loss_fraction = base.loss_rate / base.kappa
    g_th, e_th = kinetics.cavity_gain_threshold(base)
    k_las = int(np.argmin(np.abs(base.channels - e_th)))
    # 0.25 ... 8 x threshold: 0.5 and 2 x threshold (spectra, turn-on) are grid points
    rates = g_th * np.geomspace(0.25, 8.0, n_cw)
    step(f"{key} threshold")
    ss = kcav.cavity_steady_state(base, rates)
    step(f"{key} {n_cw} c.w. steady states")
    out = ss["output"].sum(axis=1)
    n = np.arange(base.table.n_max + 1)
    mean_n = (ss["occupation"].sum(axis=(1, 3)) @ n)
    nofield_gain = np.array([kcav.steady_gain(base, g).max() for g in rates])
    g_kink, slope_kink, half = kink(rates, out)
    # where the extra excitons go: per NC and ps, pump = stimulated (net) + spontaneous +
    # Auger at a steady state
    tab = base.table
    occ_n = ss["occupation"].sum(axis=3)                                  # (P, K, S)
    pumped = rates * (occ_n[:, :, :-1] * tab.pump_scale[None, :, None]).sum(axis=(1, 2))
    radiative = (occ_n * tab.radiative_rate[None]).sum(axis=(1, 2))
    auger = (occ_n * (tab.decay_rate - tab.radiative_rate)[None]).sum(axis=(1, 2))
    stimulated = pumped - radiative - auger
    # two pump ranges above threshold: just above it, and far above it
    fits, fates = [], []
    for lo, hi in PUMP_RANGES:
        sel = np.nonzero((rates >= lo * g_th * (1 - 1e-9)) & (rates <= hi * g_th * (1 + 1e-9)))[0]
        eta, icpt = np.polyfit(rates[sel], out[sel], 1)
        dev = float(np.max(np.abs(out[sel] - (eta * rates[sel] + icpt))) / out[sel].max())
        fits.append((eta, -icpt / eta, dev))
        j0, j1 = sel[0], sel[-1]
        fates.append(np.array([stimulated[j1] - stimulated[j0], radiative[j1] - radiative[j0],
                               auger[j1] - auger[j0]]) / (pumped[j1] - pumped[j0]))
    peak_energy = base.channels[np.argmax(ss["output"], axis=1)]
    ref = kinetics.cw_threshold(sample, energy="any", loss=loss_fraction)
    i_below = int(np.argmin(np.abs(rates - BELOW_PUMP * g_th)))
    i_above = int(np.argmin(np.abs(rates - TURN_ON_PUMP * g_th)))
    above = rates >= 1.05 * g_th
    clamp = base.kappa * ss["net_gain"].max(axis=1) / base.loss_rate

    # c.w. turn-on: relaxation oscillations
    t_on = np.linspace(0.0, TURN_ON_WINDOW[key] * (0.6 if quick else 1.0), TURN_ON_SAMPLES)
    on = kinetics.simulate_cavity(sample, FILM, cav, t_on, generation_rate=[rates[i_above]],
                                  method="rate-equations", energy_bins=ENERGY_BINS)
    on_rate = on.output_rate.isel(pump=0).values
    step(f"{key} turn-on")
    period, damping, n_peaks = oscillation(t_on, on_rate, out[i_above])
    est_period, est_damping = two_rate_estimate(base, g_th, k_las,
                                                float(ss["photons"][i_above].sum()))
    pk_on, _ = signal.find_peaks(on_rate)
    pk_on = pk_on[on_rate[pk_on] > 1.01 * out[i_above]]
    on_mean = float(np.trapezoid(on_rate[pk_on[0]:pk_on[-1] + 1], t_on[pk_on[0]:pk_on[-1] + 1])
                    / (t_on[pk_on[-1]] - t_on[pk_on[0]]))
    # the linearised twin about the steady states: stability, and its underdamped mode
    # nearest in frequency to the measured ringing
    growth, lin_mode, n_modes = [], None, 0
    for x in STABILITY_PUMPS:
        j = int(np.argmin(np.abs(rates - x * g_th)))
        small = kcav.cavity_small_signal(base, rates[j], {k: v[j:j + 1] for k, v in ss.items()})
        growth.append(small["growth_rate"])
        step(f"{key} small signal at {x:g} x threshold")
        if j == i_above:
            modes = small["modes"]
            n_modes = int(modes.size)
            lin_mode = modes[np.argmin(np.abs(modes.imag - 2 * np.pi / period))]

    # pulsed
    n_gain = kinetics.gain_threshold(sample, time=0.0, energy="any", loss=loss_fraction)
    mean = float(n_gain) * np.geomspace(0.6, 3.0, 5 if quick else 11)
    pulsed = kinetics.simulate_cavity(sample, FILM, cav, PULSE_TIMES, mean_excitons=mean,
                                      method="rate-equations", energy_bins=ENERGY_BINS)
    step(f"{key} {mean.size} pulses")
    cum = pulsed.cumulative_output.isel(time=-1).values          # (pump, channel)
    pulse_out = cum.sum(axis=1)
    p_kink, p_slope, p_half = kink(mean, np.maximum(pulse_out, 1e-300))
    trace = pulsed.output_rate.isel(pump=-1).values
    pk, _ = signal.find_peaks(trace)
    spikes = pk[trace[pk] > 0.05 * trace.max()]
    first = int(spikes[0])
    _, _, left, right = signal.peak_widths(trace, [first], rel_height=0.5)
    dt_first = float(np.interp(right[0], np.arange(PULSE_TIMES.size), PULSE_TIMES)
                     - np.interp(left[0], np.arange(PULSE_TIMES.size), PULSE_TIMES))
    e = base.channels
    return dict(
        sample=sample, rates=rates, out=out, spectrum=ss["output"], mean_n=mean_n,
        clamp=clamp, nofield=base.kappa * nofield_gain / base.loss_rate,
        residual=float(ss["residual"].max()), energy=e,
        g_th=g_th, e_th=e_th, g_kink=g_kink, slope_kink=slope_kink, half=half,
        g_lin=fits[0][1], eta=[f[0] for f in fits], eta_clamped=base.output_rate / base.loss_rate,
        lin_dev=[f[2] for f in fits], fate=fates, peak_energy=peak_energy,
        local_slope=np.gradient(out, rates), cw_ref=float(ref), cw_ref_energy=float(ref.energy),
        loss_fraction=loss_fraction, tau_c=1.0 / base.output_rate, loss_rate=base.loss_rate,
        widths_below=widths(e, ss["output"][i_below]), widths_above=widths(e, ss["output"][i_above]),
        i_below=i_below, i_above=i_above,
        clamp_dev=float(np.max(np.abs(1.0 - clamp[above]))),
        mean_n_rise=float(mean_n[above][-1] / mean_n[np.argmin(np.abs(rates - g_th))] - 1.0),
        t_on=t_on, on_rate=on_rate, on_steady=float(out[i_above]), on_end=float(on_rate[-1]),
        period=period, damping=damping, n_peaks=n_peaks, on_mean=on_mean / float(out[i_above]),
        growth=growth, lin_period=float(2 * np.pi / lin_mode.imag),
        lin_damping=float(-lin_mode.real), n_modes=n_modes, est_period=est_period,
        est_damping=est_damping, n_gain=float(n_gain), n_gain_energy=float(n_gain.energy),
        mean=mean, pulse_out=pulse_out, pulse_spectrum=cum, p_kink=p_kink, p_slope=p_slope,
        p_half=p_half, trace=trace, n_spikes=int(spikes.size),
        first_spike=float(PULSE_TIMES[first]), first_fwhm=dt_first,
        p_widths_below=widths(e, cum[0]), p_widths_above=widths(e, cum[-1]),
        intensity=lambda g, s=sample: float(kcav.intensity_from_generation_rate(g, s)))


def run(quick: bool = False, progress: bool = False) -> xr.Dataset:
    """L-L curves (c.w. and pulsed), thresholds, clamping, narrowing and ringing.

    Parameters
    ----------
    quick : bool, default False
        41 instead of 81 c.w. pump levels, 5 instead of 11 pulse energies and
        a 40 % shorter turn-on window; the same cavity, channels and bins.
    progress : bool, "always" or callable, default False
        Progress over the stages of both presets (threshold, c.w. steady states,
        turn-on, small-signal analyses, pulses; :mod:`studies._progress`).

    Returns
    -------
    xarray.Dataset
        The study's data with units and long names (module docstring).
    """
    res = {}
    with study_progress(progress, len(PRESETS) * _stages(), NAME, unit="stage") as bar:
        for key in PRESETS:
            res[key] = _preset(key, quick, step=lambda label: bar.advance(1, label))
    st = lambda f: np.array([f(res[k]) for k in PRESETS])  # noqa: E731
    intens = lambda name: st(lambda r: r["intensity"](r[name]))  # noqa: E731
    p_ = ("preset",)
    dv = {
        "generation_rate": (("preset", "cw_level"), st(lambda r: r["rates"])),
        "pump_intensity": (("preset", "cw_level"),
                           st(lambda r: [r["intensity"](g) for g in r["rates"]])),
        "output_cw": (("preset", "cw_level"), st(lambda r: r["out"])),
        "output_spectrum_cw": (("preset", "cw_level", "channel"), st(lambda r: r["spectrum"])),
        "gain_over_loss_cw": (("preset", "cw_level"), st(lambda r: r["clamp"])),
        "gain_over_loss_no_field": (("preset", "cw_level"), st(lambda r: r["nofield"])),
        "mean_excitons_cw": (("preset", "cw_level"), st(lambda r: r["mean_n"])),
        "channel_energy": (("preset", "channel"), st(lambda r: r["energy"])),
        "turn_on_output_rate": (("preset", "turn_on_sample"), st(lambda r: r["on_rate"])),
        "output_pulsed": (("preset", "pulse_level"), st(lambda r: r["pulse_out"])),
        "output_spectrum_pulsed": (("preset", "pulse_level", "channel"),
                                   st(lambda r: r["pulse_spectrum"])),
        "pulsed_output_rate": (("preset", "pulse_time"), st(lambda r: r["trace"])),
        "loss_fraction": (p_, st(lambda r: r["loss_fraction"])),
        "photon_lifetime": (p_, st(lambda r: r["tau_c"])),
        "photon_loss_rate": (p_, st(lambda r: r["loss_rate"])),
        "gain_threshold": (p_, st(lambda r: r["g_th"])),
        "gain_threshold_intensity": (p_, intens("g_th")),
        "lasing_energy": (p_, st(lambda r: r["e_th"])),
        "kink_threshold": (p_, st(lambda r: r["g_kink"])),
        "kink_threshold_intensity": (p_, intens("g_kink")),
        "kink_slope": (p_, st(lambda r: r["slope_kink"])),
        "kink_resolution": (p_, st(lambda r: r["half"])),
        "linear_threshold": (p_, st(lambda r: r["g_lin"])),
        "linear_threshold_intensity": (p_, intens("g_lin")),
        "linear_fit_deviation": (("preset", "pump_range"), st(lambda r: r["lin_dev"])),
        "cw_threshold_reference": (p_, st(lambda r: r["cw_ref"])),
        "cw_threshold_reference_intensity": (p_, intens("cw_ref")),
        "cw_threshold_reference_energy": (p_, st(lambda r: r["cw_ref_energy"])),
        "kink_over_cw_threshold": (p_, st(lambda r: r["g_kink"] / r["cw_ref"])),
        "slope_efficiency": (("preset", "pump_range"), st(lambda r: r["eta"])),
        "slope_efficiency_local": (("preset", "cw_level"), st(lambda r: r["local_slope"])),
        "slope_efficiency_clamped": (p_, st(lambda r: r["eta_clamped"])),
        "extra_exciton_fate": (("preset", "pump_range", "fate"), st(lambda r: r["fate"])),
        "output_peak_energy": (("preset", "cw_level"), st(lambda r: r["peak_energy"])),
        "gain_clamping_deviation": (p_, st(lambda r: r["clamp_dev"])),
        "steady_state_residual": (p_, st(lambda r: r["residual"])),
        "mean_excitons_rise": (p_, st(lambda r: r["mean_n_rise"])),
        "fwhm_below": (p_, st(lambda r: r["widths_below"][0])),
        "fwhm_above": (p_, st(lambda r: r["widths_above"][0])),
        "rms_width_below": (p_, st(lambda r: r["widths_below"][1])),
        "rms_width_above": (p_, st(lambda r: r["widths_above"][1])),
        "channel_spacing": (p_, st(lambda r: r["energy"][1] - r["energy"][0])),
        "ringing_period": (p_, st(lambda r: r["period"])),
        "ringing_damping_rate": (p_, st(lambda r: r["damping"])),
        "ringing_peaks": (p_, st(lambda r: r["n_peaks"])),
        "ringing_end_over_steady": (p_, st(lambda r: r["on_end"] / r["on_steady"])),
        "turn_on_mean_over_steady": (p_, st(lambda r: r["on_mean"])),
        "steady_state_growth_rate": (("preset", "stability_pump"), st(lambda r: r["growth"])),
        "linear_mode_period": (p_, st(lambda r: r["lin_period"])),
        "linear_mode_damping_rate": (p_, st(lambda r: r["lin_damping"])),
        "underdamped_modes": (p_, st(lambda r: r["n_modes"])),
        "ringing_period_estimate": (p_, st(lambda r: r["est_period"])),
        "ringing_damping_estimate": (p_, st(lambda r: r["est_damping"])),
        "pulsed_gain_threshold": (p_, st(lambda r: r["n_gain"])),
        "pulsed_gain_threshold_energy": (p_, st(lambda r: r["n_gain_energy"])),
        "pulsed_kink": (p_, st(lambda r: r["p_kink"])),
        "pulsed_kink_slope": (p_, st(lambda r: r["p_slope"])),
        "pulsed_kink_resolution": (p_, st(lambda r: r["p_half"])),
        "pulsed_spikes": (p_, st(lambda r: r["n_spikes"])),
        "pulsed_first_spike_time": (p_, st(lambda r: r["first_spike"])),
        "pulsed_first_spike_fwhm": (p_, st(lambda r: r["first_fwhm"])),
        "pulsed_fwhm_below": (p_, st(lambda r: r["p_widths_below"][0])),
        "pulsed_fwhm_above": (p_, st(lambda r: r["p_widths_above"][0])),
    }
    coords = {
        "preset": ("preset", list(PRESETS)),
        "pump_range": ("pump_range", [f"{lo:g}-{hi:g} x threshold" for lo, hi in PUMP_RANGES]),
        "stability_pump": ("stability_pump", np.array(STABILITY_PUMPS)),
        "fate": ("fate", ["stimulated", "spontaneous", "auger"]),
        "turn_on_time": (("preset", "turn_on_sample"), st(lambda r: r["t_on"])),
        "mean_excitons": (("preset", "pulse_level"), st(lambda r: r["mean"])),
        "pulse_time": ("pulse_time", PULSE_TIMES),
    }
    attrs = schema(NAME, TURN_ON_PUMP=TURN_ON_PUMP, PULSE_WINDOW=PULSE_WINDOW,
                   BELOW_PUMP=BELOW_PUMP)
    ds = xr.Dataset({k: v + (attrs[k],) for k, v in dv.items()},
                    coords={k: v + (attrs[k],) for k, v in coords.items()})
    for name, var in ds.variables.items():
        if var.dtype.kind == "f" and not np.all(np.isfinite(var.values)):
            raise RuntimeError(f"non-finite values in {name}")
    return attach(ds, study=NAME, samples=[res[k]["sample"] for k in PRESETS], quick=quick,
                  film=FILM.to_dict(), cavity=_cavity().to_json(), energy_bins=ENERGY_BINS,
                  method="rate-equations")


def plot(ds: xr.Dataset):
    """L-L curves, clamping, spectra, turn-on ringing and pulsed output.

    Parameters
    ----------
    ds : xarray.Dataset
        The dataset of :func:`run`.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (not attached to pyplot).
    """
    fig = figure(figsize=(12, 7.5), layout="constrained")
    ax = fig.subplots(2, 3).ravel()
    for i, key in enumerate(ds.preset.values):
        c, lab = f"C{i}", LABEL.get(str(key), str(key))
        sel = ds.isel(preset=i)
        ax[0].loglog(sel.pump_intensity, sel.output_cw, ".-", color=c, label=lab)
        ax[0].axvline(float(sel.kink_threshold_intensity), color=c, ls="--", lw=0.8)
        ax[0].axvline(float(sel.cw_threshold_reference_intensity), color=c, ls=":", lw=1.2)
        g = sel.generation_rate / sel.gain_threshold
        ax[1].semilogx(g, sel.gain_over_loss_cw, color=c, label=f"{lab}, with field")
        ax[1].semilogx(g, sel.gain_over_loss_no_field, color=c, ls=":", label=f"{lab}, no field")
        lo = int(np.argmin(np.abs(g.values - BELOW_PUMP)))
        hi = int(np.argmin(np.abs(g.values - TURN_ON_PUMP)))
        for j, ls in ((lo, ":"), (hi, "-")):
            s = sel.output_spectrum_cw.isel(cw_level=j)
            ax[2].plot(sel.channel_energy, s / s.max(), color=c, ls=ls,
                       label=f"{lab}, {float(g[j]):.2g} x thr")
        ax[3].plot(sel.turn_on_time, sel.turn_on_output_rate / float(sel.output_cw[hi]), color=c,
                   label=lab)
        ax[4].loglog(sel.mean_excitons, np.maximum(sel.output_pulsed, 1e-12), "o-", color=c,
                     label=lab)
        ax[4].axvline(float(sel.pulsed_gain_threshold), color=c, ls=":", lw=1.2)
        ax[5].semilogy(ds.pulse_time, np.maximum(sel.pulsed_output_rate, 1e-12), color=c,
                       label=f"{lab}, <N> = {float(sel.mean_excitons[-1]):.2g}")
    ax[0].set(xlabel="pump intensity (W cm$^{-2}$)", ylabel="output (photons per NC per ps)",
              title="c.w. L-L: kink (--), cw_threshold at the loss (:)")
    from matplotlib.ticker import NullFormatter
    ax[1].xaxis.set_minor_formatter(NullFormatter())
    ax[1].axhline(1.0, color="k", lw=0.8)
    ax[1].set(xlabel="G / gain threshold", ylabel="largest kappa g / Lambda",
              title="gain clamping", ylim=(-0.5, 3))
    ax[2].set(xlabel="photon energy (eV)", ylabel="output spectrum (normalised)",
              title="spectral narrowing (c.w.)")
    ax[3].set(xlabel="time after pump switch-on (ps)", ylabel="output / steady output",
              title=f"turn-on ringing at {TURN_ON_PUMP:g} x threshold")
    ax[4].set(xlabel="<N> after the pulse", ylabel=f"output photons per NC (0-{PULSE_WINDOW:g} ps)",
              title="pulsed L-L; pulsed gain threshold (:)")
    ax[5].set(xlabel="time after the pulse (ps)", ylabel="output rate (ps$^{-1}$ per NC)",
              title="after the strongest pulse (0-100 ps)", ylim=(1e-9, None),
              xlim=(0.0, 100.0))
    # The narrowing panel's spectra fill the axes: room above them for the legend.
    ax[2].set_ylim(0.0, 1.6)
    for i, a_ in enumerate(ax):
        a_.legend(fontsize=7, **({"loc": "upper center", "ncols": 2} if i == 2 else {}))
    return fig


def context(ds: xr.Dataset) -> dict:
    """The numbers of the report's lasing section (template ``lasing.md.j2``).

    Parameters
    ----------
    ds : xarray.Dataset
        The dataset of :func:`run`.

    Returns
    -------
    dict
        Variables of the template, read from ``ds`` (which the template reads too): per
        preset its selection (``presets``) and the lasing line at 1, TURN_ON_PUMP and
        the highest pump (``lines``).
    """
    lines = {}
    for key in ds.preset.values.tolist():
        s = ds.sel(preset=key)
        g = (s.generation_rate / s.gain_threshold).values
        pe = s.output_peak_energy.values
        lines[key] = {"top": float(g[-1]), "energies": [
            float(pe[int(np.argmin(np.abs(g - x)))]) for x in (1.0, TURN_ON_PUMP, g[-1])]}
    return {"presets": {k: ds.sel(preset=k) for k in ds.preset.values.tolist()}, "lines": lines,
            "TURN_ON_PUMP": TURN_ON_PUMP, "BELOW_PUMP": BELOW_PUMP, "PULSE_WINDOW": PULSE_WINDOW,
            "Q": Q, "BETA": BETA, "FILM": FILM, "type_i": models.presets.get("type-i"),
            "type_ii": models.presets.get("type-ii"),
            "exp": np.exp, "log": np.log}
