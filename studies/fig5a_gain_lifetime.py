"""Fig. 5a inset: gain lifetime, bleaching dynamics at the gain onset.

The paper measured -dalpha/alpha_0 versus time at the ASE band, at the pump
of the gain onset: decay time 30 ps for type-I CdSe NCs, 1,700 ps (more than
50 times longer) for type-II CdS/ZnSe NCs.

The study computes the same dynamics (Monte Carlo, master equation laid over
it) for

- each preset at its *gain band*: where the net modal gain first reaches the loss
  of the studies' close-packed film 3 ps after the pump (Gamma_c alpha_0 g >=
  50 cm^-1, i.e. net gain -alpha >= DETECTABLE_GAIN = 0.0189 alpha_0(peak);
  :data:`studies._common.STUDY_FILM`, :func:`studies._common.gain_band`), pumped
  at ONSET_FACTOR times that threshold;
- the type-II sample at its single-exciton line E_X and at the paper's type-II
  ASE band (2.01 eV), pumped at ONSET_FACTOR times the threshold of net gain at
  that energy at 3 ps (loss 0, the paper's bleach > 1: at 2.01 eV the 3-ps net
  gain never reaches the film loss DETECTABLE_GAIN).

Decay time (one definition for every curve): the bleach for t >= FIT_START is
fitted with two exponentials, A_f exp(-t/tau_f) + A_s exp(-t/tau_s) (no
offset: the bleach of this model is sum_n P_n(t) b_n with b_0 = 0, and after
the triexciton decay P_1 and P_2 are exactly two exponentials, 1/k(2) and
tau_x). The *gain decay time* is the time constant of the component that
carries the gain: tau_s if the slow component alone is net gain (A_s > 1),
else tau_f. The *gain lifetime* is the time at which the bleach last falls
below 1 (net gain ends).
"""

from __future__ import annotations

import json

import numpy as np
import xarray as xr

from ncgain import kinetics
from ncgain import models

from ._analysis import fit_two_exponentials, one_over_e_time
from ._common import DETECTABLE_GAIN, STUDY_FILM, attach, figure, gain_band, gain_criterion_text
from ncgain.sweeps import gain_lifetime  # the end of net gain; shared with the sweeps

NAME = "fig5a_gain_lifetime"
TITLE = "Fig. 5a inset - gain lifetime"

PAPER = {"type_i_decay": 30.0, "type_ii_decay": 1700.0, "type_ii_ase_band": 2.01}
PROBE_TIME = 3.0      # ps: gain onset defined 3 ps after the pump (paper's Fig. 5d)
FIT_START = 3.0       # ps: start of the decay fit (same convention)
ONSET_FACTOR = 1.05   # pump = 1.05 x the threshold: "at the gain onset", with margin
T_END = 10000.0       # ps
SEED = 5007
#: One inhomogeneous-energy bin: E_i does not enter the kinetics of these homogeneous
#: samples, so the Monte Carlo samples the occupations and integrates the lines exactly
#: (lowest variance; it matters at the type-II XX band, where alpha_0 is 2.5 % of its peak).
ENERGY_BINS = 1

CURVES = ("type-I gain band", "type-II gain band", "type-II E_X", "type-II 2.01 eV")
_COLOURS = {"type-I gain band": "C0", "type-II gain band": "C1", "type-II E_X": "C3",
            "type-II 2.01 eV": "C5"}


def _probes() -> list[tuple[str, models.Sample, float, float, float]]:
    """(curve, sample, energy eV, threshold <N> at 3 ps, loss used)."""
    t1, t2 = models.presets.TYPE_I_CDSE, models.presets.TYPE_II_CDS_ZNSE
    e1, th1 = gain_band(t1, time=PROBE_TIME)
    e2, th2 = gain_band(t2, time=PROBE_TIME)
    out = [("type-I gain band", t1, e1, th1, DETECTABLE_GAIN),
           ("type-II gain band", t2, e2, th2, DETECTABLE_GAIN)]
    for name, energy in (("type-II E_X", t2.exciton_energy),
                         ("type-II 2.01 eV", PAPER["type_ii_ase_band"])):
        th = kinetics.gain_threshold(t2, time=PROBE_TIME, energy=energy)
        out.append((name, t2, float(energy), th, 0.0))
    return out


def gain_decay_time(fit: dict) -> float:
    """The decay time of the gain from a two-exponential fit.

    Parameters
    ----------
    fit : dict
        The result of :func:`fit_two_exponentials` on the bleach.

    Returns
    -------
    float
        ``tau_slow`` (ps) if the slow component alone is net gain (A_s > 1), else
        ``tau_fast``.
    """
    return fit["tau_slow"] if fit["amp_slow"] > 1.0 else fit["tau_fast"]


def run(quick: bool = False, progress: bool = False) -> xr.Dataset:
    """Bleaching dynamics at the gain onset, fits and gain lifetimes.

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
    n_nc = 1_000_000 if quick else 4_000_000
    times = np.unique(np.r_[0.0, PROBE_TIME, np.geomspace(0.1, T_END, 50 if quick else 160)])
    probes = _probes()
    items = probes
    if progress:
        from tqdm.auto import tqdm
        items = tqdm(probes, desc=NAME, leave=False)
    bleach = {"monte-carlo": [], "master-equation": []}
    alpha0_probe = []
    for name, sample, energy, th, _ in items:
        for method in bleach:
            ds = kinetics.simulate_pulsed(sample, [ONSET_FACTOR * th], times, energies=[energy],
                                          n_nanocrystals=n_nc, seed=SEED, method=method,
                                          energy_bins=ENERGY_BINS)
            bleach[method].append(ds.bleach.values[0, :, 0])
        alpha0_probe.append(float(ds.alpha0.values[0]))
    mc, me = (np.array(bleach[m]) for m in ("monte-carlo", "master-equation"))
    fits = [fit_two_exponentials(times, b) for b in mc]
    fits_me = [fit_two_exponentials(times, b) for b in me]
    model = np.array([f["amp_fast"] * np.exp(-times / f["tau_fast"])
                      + f["amp_slow"] * np.exp(-times / f["tau_slow"]) for f in fits])
    # the first gain with no loss (loss = 0), for the notes
    no_margin = {key: gain_band(s, time=PROBE_TIME, loss=0.0)
                 for key, s in (("type_i", models.presets.TYPE_I_CDSE),
                                ("type_ii", models.presets.TYPE_II_CDS_ZNSE))}
    alpha0_rel = {}
    for key, s in (("type_i", models.presets.TYPE_I_CDSE),
                   ("type_ii", models.presets.TYPE_II_CDS_ZNSE)):
        d = kinetics.simulate_pulsed(s, [0.0], [0.0], energies=[no_margin[key][0]],
                                     method="master-equation")
        alpha0_rel[key] = float(d.alpha0.values[0])

    one, ps = {"units": "1"}, {"units": "ps"}
    cur = ("curve",)
    mcs, mes = "Monte Carlo", "exact (master equation)"

    def per_curve(values, units, long_name):
        return (cur, np.asarray(values, float), {"units": units, "long_name": long_name})

    data = {
        "bleach": (("curve", "time"), mc, {**one, "long_name": "-dalpha/alpha_0 at the probe, "
                                          + mcs}),
        "bleach_exact": (("curve", "time"), me, {**one, "long_name": "-dalpha/alpha_0 at the "
                                                 "probe, " + mes}),
        "bleach_fit": (("curve", "time"), model, {**one, "long_name": "two-exponential fit of "
                                                  f"the Monte Carlo bleach (t >= {FIT_START:g} ps)"}),
        "tau_fast": per_curve([f["tau_fast"] for f in fits], "ps", "fast decay time, " + mcs),
        "tau_slow": per_curve([f["tau_slow"] for f in fits], "ps", "slow decay time, " + mcs),
        "amp_fast": per_curve([f["amp_fast"] for f in fits], "1", "fast amplitude (t = 0), "
                              + mcs),
        "amp_slow": per_curve([f["amp_slow"] for f in fits], "1", "slow amplitude (t = 0), "
                              + mcs),
        "alpha0_at_probe": per_curve(alpha0_probe, "1", "unexcited absorption alpha_0 / "
                                     "alpha_0(peak) at the probe"),
        "fit_rms": per_curve([f["rms"] for f in fits], "1", "RMS residual of the fit, " + mcs),
        "tau_fast_exact": per_curve([f["tau_fast"] for f in fits_me], "ps",
                                    "fast decay time, " + mes),
        "tau_slow_exact": per_curve([f["tau_slow"] for f in fits_me], "ps",
                                    "slow decay time, " + mes),
        "gain_decay_time": per_curve([gain_decay_time(f) for f in fits], "ps",
                                     "gain decay time: tau_slow if A_slow > 1 else tau_fast, "
                                     + mcs),
        "gain_decay_time_exact": per_curve([gain_decay_time(f) for f in fits_me], "ps",
                                           "gain decay time, " + mes),
        "gain_lifetime": per_curve([gain_lifetime(times, b) for b in mc], "ps",
                                   "time when net gain ends (bleach last falls below 1), "
                                   + mcs),
        "gain_lifetime_exact": per_curve([gain_lifetime(times, b) for b in me], "ps",
                                         "time when net gain ends, " + mes),
        "peak_bleach": per_curve(me.max(axis=1), "1", "maximum bleach, " + mes),
        "peak_time": per_curve(times[np.argmax(me, axis=1)], "ps",
                               "time of the maximum bleach, " + mes),
        "one_over_e_time": per_curve([one_over_e_time(times, b) for b in me], "ps",
                                     "alternative: 1/e time of (bleach - bleach(10 ns)) after "
                                     "its maximum, " + mes),
    }
    k = {s: s.radiative_rate(2) + s.auger_rate(2)
         for s in (models.presets.TYPE_I_CDSE, models.presets.TYPE_II_CDS_ZNSE)}
    data["biexciton_lifetime"] = per_curve([1.0 / k[s] for _, s, *_ in probes], "ps",
                                           "model biexciton lifetime 1/(k_rad(2) + k_A(2))")
    data["exciton_lifetime"] = per_curve([s.tau_x for _, s, *_ in probes], "ps",
                                         "single-exciton lifetime tau_x (preset input)")
    coords = {
        "curve": ("curve", [p[0] for p in probes], {**one, "long_name": "probe (sample and "
                                                    "energy)"}),
        "time": ("time", times, {**ps, "long_name": "time after the pump pulse"}),
        "probe_energy": per_curve([p[2] for p in probes], "eV", "probe photon energy"),
        "threshold": per_curve([p[3] for p in probes], "1", f"gain threshold <N> at the probe, "
                               f"t = {PROBE_TIME:g} ps"),
        "threshold_loss": per_curve([p[4] for p in probes], "1", "net gain required by the "
                                    "threshold, units of alpha_0(peak)"),
        "mean_excitons": per_curve([ONSET_FACTOR * p[3] for p in probes], "1",
                                   "pump: mean excitons per NC after the pulse, <N>"),
        "pump_fluence": per_curve([float(kinetics.pump_fluence(ONSET_FACTOR * p[3], p[1]))
                                   for p in probes], "mJ cm-2", "pump fluence giving <N>"),
        "sample_name": (cur, [p[1].name for p in probes], {**one, "long_name": "sample"}),
    }
    ds = xr.Dataset(data, coords=coords)
    return attach(ds, study=NAME, samples=[models.presets.TYPE_I_CDSE,
                                           models.presets.TYPE_II_CDS_ZNSE],
                  method="monte-carlo", overlay_method="master-equation", seed=SEED,
                  n_nanocrystals=n_nc, energy_bins=ENERGY_BINS, statistics="poisson",
                  probe_time_ps=PROBE_TIME, fit_start_ps=FIT_START, onset_factor=ONSET_FACTOR,
                  detectable_gain=DETECTABLE_GAIN, film=STUDY_FILM.to_json(),
                  gain_band_convention=(
                      "the gain band is where gain first reaches the film loss at "
                      f"{PROBE_TIME:g} ps: {gain_criterion_text()} (studies._common.gain_band; "
                      "the film's confinement and loss are assumptions); the X-band probes "
                      "use the first net gain at their energy (loss 0)"),
                  decay_time_definition=(
                      f"two-exponential least-squares fit for t >= {FIT_START:g} ps; gain "
                      "decay time = tau_slow if A_slow > 1 (the slow component alone is "
                      "gain) else tau_fast"),
                  gain_lifetime_definition="time at which -dalpha/alpha_0 last falls below 1",
                  type_i_first_gain_no_margin_eV=no_margin["type_i"][0],
                  type_i_first_gain_no_margin_threshold=no_margin["type_i"][1],
                  type_i_first_gain_no_margin_alpha0=alpha0_rel["type_i"],
                  type_ii_first_gain_no_margin_eV=no_margin["type_ii"][0],
                  type_ii_first_gain_no_margin_threshold=no_margin["type_ii"][1],
                  type_ii_first_gain_no_margin_alpha0=alpha0_rel["type_ii"],
                  quick=quick)


def plot(ds: xr.Dataset):
    """Bleach vs time (log axis) at the gain onset; gain (bleach > 1) shaded.

    Parameters
    ----------
    ds : xarray.Dataset
        The dataset of :func:`run` (or read back from its netCDF file).

    Returns
    -------
    matplotlib.figure.Figure
        The figure (not attached to pyplot; save it with ``fig.savefig``).
    """
    fig = figure(figsize=(12, 4.6), layout="constrained")
    ax, bx = fig.subplots(1, 2)
    t = ds.time.values
    pos = t > 0
    for axis, curves in ((ax, [c for c in ds.curve.values if c != "type-II gain band"]),
                         (bx, ["type-II gain band"])):
        for c in curves:
            sel = ds.sel(curve=c)
            col = _COLOURS.get(str(c), "k")
            label = (f"{c}: {float(sel.probe_energy):.3f} eV, <N> = "
                     f"{float(sel.mean_excitons):.2f}; gain decay "
                     f"{float(sel.gain_decay_time):.0f} ps, gain ends "
                     f"{float(sel.gain_lifetime):.0f} ps")
            axis.plot(t[pos], sel.bleach.values[pos], "o", ms=2.5, mfc="none", color=col,
                      label=label)
            axis.plot(t[pos], sel.bleach_exact.values[pos], "-", lw=0.7, color=col)
            fit_t = pos & (t >= float(ds.attrs["fit_start_ps"]))
            axis.plot(t[fit_t], sel.bleach_fit.values[fit_t], "--", color=col, lw=0.9)
        axis.set_xscale("log")
        axis.set_xlabel("time after the pump (ps)")
        axis.set_ylabel("-dalpha/alpha_0")
        lo, hi = axis.get_ylim()
        axis.axhspan(1.0, max(hi, 1.2), color="0.88", zorder=0)
        axis.set_ylim(lo, max(hi, 1.2))
        # below the panel: inside, a readable font would cover the curves
        axis.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.14), frameon=False)
    ax.set_title("Fig. 5a inset: bleach at the gain onset (grey: gain; dashed: fits)")
    bx.set_title("type-II gain band (XX band): XX gain, then X->XX absorption")
    return fig


def context(ds: xr.Dataset) -> dict:
    """The numbers of the report's Fig. 5a section (template ``fig5a_gain_lifetime.md.j2``).

    Parameters
    ----------
    ds : xarray.Dataset
        The dataset of :func:`run`.

    Returns
    -------
    dict
        Variables of the template, read from ``ds`` (which the template reads too).
    """
    v = lambda var, c: float(ds[var].sel(curve=c))  # noqa: E731
    t1, t2x = v("gain_decay_time", "type-I gain band"), v("gain_decay_time", "type-II E_X")
    p1, p2 = PAPER["type_i_decay"], PAPER["type_ii_decay"]
    rel = lambda a, b: abs(a - b) / b  # noqa: E731
    a = ds.attrs
    type_i = models.Sample.from_json(a["sample_0"])
    t_end = float(ds.time.values[-1])
    n_g = v("mean_excitons", "type-II gain band")
    return {
        "PAPER": PAPER, "type_i": type_i, "t_end": t_end, "n_g": n_g,
        "ok_t1": rel(t1, p1) < 0.15, "ok_t2x": rel(t2x, p2) < 0.1,
        "ok_t2a": rel(v("gain_decay_time", "type-II 2.01 eV"), p2) < 0.1,
        "off_t2g": rel(v("gain_decay_time", "type-II gain band"), p2) > 0.1,
        "criterion": gain_criterion_text(models.Film.from_dict(json.loads(a["film"]))),
        "measurable": max(a["type_ii_first_gain_no_margin_alpha0"],
                          a["type_i_first_gain_no_margin_alpha0"]) > 1e-2,
        "background": float(1 - np.exp(-t_end / type_i.tau_x)),
        "p1": float(n_g * np.exp(-n_g)), "p2": float(1 - np.exp(-n_g) * (1 + n_g)),
        "outlives": v("gain_lifetime", "type-II E_X")
        / max(v("gain_lifetime", "type-I gain band"), 1e-9),
    }
