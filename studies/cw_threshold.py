"""C.w. lasing thresholds: single- versus biexciton gain under continuous pumping.

The paper (last paragraphs) argues that the c.w. gain threshold is roughly the
pulsed threshold fluence divided by the gain lifetime, so that single-exciton
gain (lifetime ~ tau_X = 1,700 ps) should lower it "by orders of magnitude"
against biexciton gain (lifetime ~ tau_XX = 30 ps). This study computes the
exact c.w. threshold of the same model (closed-form steady state of the
exciton-number chain, :func:`kinetics.cw_threshold`) and sets it against that
estimate:

- steady-state net-gain spectra versus pump for both presets;
- exact c.w. threshold versus the paper's estimate, for the lasing criterion of
  every study: net modal gain against the loss of the default close-packed film
  (:data:`studies._common.STUDY_FILM` = :meth:`models.Film.close_packed`: modal
  gain Gamma_c alpha_0 g >= 50 cm^-1, i.e. g >= 0.0189 alpha_0(peak));
- which NCs carry the gain at threshold: the net modal gain (cm^-1) of the NCs
  with at most one exciton and of those with two or more, which add up to the
  film loss;
- the threshold versus Delta_XX / Gamma and versus tau_X and tau_XX, with the
  log-log slopes that say which lifetime controls it;
- threshold intensities against a photostability limit (an assumption, below).

Everything is closed form: a full run takes seconds.
"""

from __future__ import annotations

import dataclasses
import json
import math

import numpy as np
import xarray as xr

from ncgain import kinetics
from ncgain import models

from ._common import STUDY_FILM, attach, figure, gain_criterion_text, loglog_slope, schema
from ._photostability import (HEAT_FRACTION, KAPPA_GLASS, PHOTOSTABILITY_LIMIT,  # noqa: F401
                              SPOT_RADIUS_M, heating)

NAME = "cw_threshold"
TITLE = "C.w. lasing thresholds - single- vs biexciton gain"

PRESETS = ("type-ii", "type-i", "type-i-fine-structure")
LABEL = {"type-ii": "type II (CdS/ZnSe)", "type-i": "type I (CdSe)",
         "type-i-fine-structure": "type I, electron-hole fine structure"}
COLOURS = {"type-ii": "C0", "type-i": "C3", "type-i-fine-structure": "C2"}
#: Resident electrons per NC (uniform) of the charging sweep.
RESIDENT_ELECTRONS = (0, 1, 2)
#: Probe delay of the pulsed threshold in the paper's estimate (Fig. 5d: ~3 ps).
PULSED_TIME = 3.0
#: Paper: type-II ASE threshold ~2 mJ cm^-2 (Fig. 5c) and gain lifetime 1,700 ps (Fig. 5a).
PAPER_TYPE_II_FLUENCE = 2.0          # mJ cm^-2
PAPER_TYPE_II_GAIN_LIFETIME = 1700.0  # ps


def gain_lifetime(key: str, sample: models.Sample) -> float:
    """The paper's gain lifetime of a preset (ps): tau_X (type II), tau_XX (type I).

    The type-II and type-I presets take these fields from Fig. 5a (1,700 ps and
    30 ps); the type-I fine-structure preset is a type-I sample (tau_XX).

    Parameters
    ----------
    key : str
        Preset name, "type-ii" or "type-i".
    sample : models.Sample
        The preset.

    Returns
    -------
    float
        Gain lifetime in ps.
    """
    return sample.tau_x if key == "type-ii" else sample.tau_xx


def _criteria():
    # One criterion, the studies' (the pulsed studies' gain band uses the same film).
    return {"film": (STUDY_FILM.loss_fraction(), gain_criterion_text(STUDY_FILM))}


def _regimes() -> dict[str, models.Sample]:
    t2, t1 = models.presets.TYPE_II_CDS_ZNSE, models.presets.TYPE_I_CDSE
    return {"type-ii": t2, "type-i": t1,
            "no-interaction": dataclasses.replace(t1, delta_xx=0.0,
                                                  name="type-I lifetimes, Delta_XX = 0")}


REGIME_LABEL = {"type-ii": "type-II preset", "type-i": "type-I preset",
                "no-interaction": "Delta_XX = 0 (type-I lifetimes): biexciton gain only"}


def run(quick: bool = False, progress: bool = False) -> xr.Dataset:
    """Spectra, thresholds, estimates and lifetime sweeps (all closed form).

    Parameters
    ----------
    quick : bool, default False
        Coarse grids: a smoke run of a few seconds.
    progress : bool, default False
        Unused (the study is closed form and fast); accepted for the study protocol.

    Returns
    -------
    xarray.Dataset
        The study's data, every variable with ``units`` and ``long_name``, provenance
        attributes from :func:`ncgain.studies._common.attach`.
    """
    criteria = _criteria()
    crit_names = list(criteria)
    samples = {k: models.presets.get(k) for k in PRESETS}
    energies = np.linspace(1.85, 2.30, 61 if quick else 181)
    spectrum_rates = np.geomspace(1e-4, 3e-2, 5 if quick else 8)
    sweep_rates = np.geomspace(1e-6, 1e-1, 40 if quick else 200)
    ds = xr.Dataset(coords={
        "preset": ("preset", list(PRESETS)),
        "criterion": ("criterion", crit_names),
        "energy": ("energy", energies),
        "spectrum_rate": ("spectrum_rate", spectrum_rates),
        "generation_rate": ("generation_rate", sweep_rates),
    })
    gain = np.empty((len(PRESETS), spectrum_rates.size, energies.size))
    peak = np.empty((len(PRESETS), sweep_rates.size))
    mean_n = np.empty_like(peak)
    frac = np.empty((len(PRESETS), sweep_rates.size, 3))
    intensity = np.empty((len(PRESETS), sweep_rates.size))
    for i, key in enumerate(PRESETS):
        s = samples[key]
        sp = kinetics.simulate_cw(s, spectrum_rates, energies=energies)
        gain[i] = -sp.absorption.values
        sw = kinetics.simulate_cw(s, sweep_rates, energies=energies)
        peak[i] = (-sw.absorption).max("energy").values
        mean_n[i] = sw.mean_excitons.values
        frac[i] = sw.population.isel(excitons=[0, 1, 2]).values
        intensity[i] = sw.pump_intensity.values
    ds["net_gain"] = (("preset", "spectrum_rate", "energy"), gain)
    ds["peak_net_gain"] = (("preset", "generation_rate"), peak)
    ds["mean_excitons"] = (("preset", "generation_rate"), mean_n)
    ds["fraction"] = (("preset", "generation_rate", "excitons"), frac)
    ds = ds.assign_coords(excitons=("excitons", [0, 1, 2]))
    ds["pump_intensity"] = (("preset", "generation_rate"), intensity)

    # Exact thresholds and the paper's estimate, for each criterion.
    shape = (len(PRESETS), len(crit_names))
    out = {k: np.empty(shape) for k in ("cw", "cw_energy", "pulsed", "pulsed_energy",
                                         "estimate", "cw_intensity", "estimate_intensity")}
    lifetimes = np.empty(len(PRESETS))
    for i, key in enumerate(PRESETS):
        s = samples[key]
        lifetimes[i] = gain_lifetime(key, s)
        for j, name in enumerate(crit_names):
            loss = criteria[name][0]
            th = kinetics.cw_threshold(s, energy="any", loss=loss)
            pt = kinetics.gain_threshold(s, time=PULSED_TIME, energy="any", loss=loss)
            out["cw"][i, j], out["cw_energy"][i, j] = float(th), th.energy
            out["pulsed"][i, j], out["pulsed_energy"][i, j] = float(pt), pt.energy
            out["estimate"][i, j] = float(pt) / lifetimes[i]
            out["cw_intensity"][i, j] = float(kinetics.pump_intensity(float(th), s)[0])
            out["estimate_intensity"][i, j] = float(kinetics.pump_fluence(float(pt), s)) \
                * 1e-3 / (lifetimes[i] * 1e-12)
    dims = ("preset", "criterion")
    ds["cw_threshold"] = (dims, out["cw"])
    ds["cw_threshold_energy"] = (dims, out["cw_energy"])
    ds["cw_threshold_intensity"] = (dims, out["cw_intensity"])
    ds["pulsed_threshold"] = (dims, out["pulsed"])
    ds["pulsed_threshold_energy"] = (dims, out["pulsed_energy"])
    ds["gain_lifetime"] = (("preset",), lifetimes)
    ds["estimate_threshold"] = (dims, out["estimate"])
    ds["estimate_threshold_intensity"] = (dims, out["estimate_intensity"])

    # Which NCs carry the gain at the film threshold: the steady-state net gain is a sum
    # over the NCs' exciton numbers n; split it into n <= 1 and n >= 2. The two parts add
    # up to the film loss at threshold; a negative part absorbs.
    j = crit_names.index("film")
    parts = np.array([_net_gain_by_occupancy(samples[key], out["cw"][i, j],
                                             out["cw_energy"][i, j])
                      for i, key in enumerate(PRESETS)])
    ds = ds.assign_coords(occupancy=("occupancy", list(OCCUPANCY)))
    ds["net_gain_by_occupancy"] = (("preset", "occupancy"), parts)
    ds["modal_gain_by_occupancy"] = (("preset", "occupancy"),
                                     STUDY_FILM.confinement_factor
                                     * STUDY_FILM.absorption_coefficient * parts)

    # Sweeps: Delta/Gamma and the two lifetimes, lasing (film) criterion, gain anywhere.
    loss = criteria["film"][0]
    regimes = _regimes()
    ratios = np.linspace(-2.0, 3.0, 11 if quick else 51)
    tau_x = np.geomspace(100.0, 1e5, 7 if quick else 25)
    tau_xx = np.geomspace(3.0, 3000.0, 7 if quick else 25)
    ds = ds.assign_coords(
        regime=("regime", list(regimes)),
        delta_over_gamma=("delta_over_gamma", ratios),
        tau_x=("tau_x", tau_x),
        tau_xx=("tau_xx", tau_xx))
    lifetime_sets = {"type-ii": regimes["type-ii"], "type-i": regimes["type-i"]}
    ds = ds.assign_coords(lifetime_set=("lifetime_set", list(lifetime_sets)))
    vs_delta = np.empty((2, ratios.size))
    for i, s in enumerate(lifetime_sets.values()):
        for k, r in enumerate(ratios):
            vs_delta[i, k] = _threshold(dataclasses.replace(s, delta_xx=float(r) * s.linewidth),
                                        loss)
    ds["threshold_vs_delta"] = (("lifetime_set", "delta_over_gamma"), vs_delta)
    # Sweep tau_X at a fixed Auger time, and the Auger time at a fixed tau_X (a preset's
    # tau_xx may be a measured total lifetime, which fixes neither alone).
    auger = {k: dataclasses.replace(s, tau_xx=s.auger_time, tau_xx_meaning="auger")
             for k, s in regimes.items()}
    vs_tx = np.array([[_threshold(dataclasses.replace(s, tau_x=float(t)), loss) for t in tau_x]
                      for s in auger.values()])
    vs_txx = np.array([[_threshold(dataclasses.replace(s, tau_xx=float(t)), loss)
                        for t in tau_xx] for s in auger.values()])
    ds["threshold_vs_tau_x"] = (("regime", "tau_x"), vs_tx)
    ds["threshold_vs_tau_xx"] = (("regime", "tau_xx"), vs_txx)
    regime_th, regime_est = [], []
    for key, s in regimes.items():
        regime_th.append(_threshold(s, loss))
        pulsed = kinetics.gain_threshold(s, time=PULSED_TIME, energy="any", loss=loss)
        # Paper's picture for a biexciton-gain sample: the gain lives for tau_XX.
        regime_est.append(float(pulsed) / (s.tau_x if key == "type-ii" else s.tau_xx))
    ds["regime_threshold"] = (("regime",), np.array(regime_th))
    ds["regime_estimate"] = (("regime",), np.array(regime_est))
    # Charged NCs: every NC holds r resident electrons (uniform r), film criterion.
    ds = ds.assign_coords(resident_electrons=("resident_electrons", list(RESIDENT_ELECTRONS)))
    vs_r = np.array([[_threshold(dataclasses.replace(samples[k], resident_electrons=r,
                                                     components=()), loss)
                      for r in RESIDENT_ELECTRONS] for k in PRESETS])
    ds["threshold_vs_resident"] = (("preset", "resident_electrons"), vs_r)
    ds["photostability_limit"] = ((), PHOTOSTABILITY_LIMIT)
    for name, attrs in schema(NAME, PULSED_TIME=PULSED_TIME).items():
        ds.variables[name].attrs = attrs
    return attach(ds, study=NAME, quick=quick, samples=[samples[k] for k in PRESETS],
                  film=STUDY_FILM.to_json(), gain_criterion=gain_criterion_text(STUDY_FILM),
                  criteria={k: v[1] for k, v in criteria.items()},
                  pulsed_time_ps=PULSED_TIME, method="exact closed-form steady state",
                  photostability_assumption=(
                      "order-of-magnitude heating estimate dT = f I sqrt(pi) r / (2 kappa), "
                      f"f = {HEAT_FRACTION}, r = {SPOT_RADIUS_M * 1e6:g} um, kappa = "
                      f"{KAPPA_GLASS:g} W/m/K: dT = {heating(PHOTOSTABILITY_LIMIT):.0f} K at "
                      f"{PHOTOSTABILITY_LIMIT:g} W cm^-2"))


#: The occupancy groups of :func:`_net_gain_by_occupancy`.
OCCUPANCY = ("n <= 1", "n >= 2")


def _net_gain_by_occupancy(sample, generation_rate: float, energy: float) -> tuple[float, float]:
    """Steady-state net gain -alpha/alpha_0(peak) at ``energy`` from NCs with n <= 1 and n >= 2.

    The ensemble's absorption is sum_n p(n) a_n(E); each part keeps its NCs' terms (the
    population fractions are not renormalised), so the parts add up to the net gain.
    """
    from ncgain.kinetics.cw import CwProblem
    problem = CwProblem.build(sample, [generation_rate], energies=[energy])
    occ = problem.exact_occupation()
    f = problem.kernels.absorption / problem.kernels.alpha0_peak
    low = -float(np.einsum("mtcnb,cnbe->", occ[:, :, :, :2, :], f[:, :2]))
    high = -float(np.einsum("mtcnb,cnbe->", occ[:, :, :, 2:, :], f[:, 2:]))
    return low, high


def _threshold(sample, loss) -> float:
    try:
        return float(kinetics.cw_threshold(sample, energy="any", loss=loss))
    except kinetics.NoGainError:
        return math.inf


def plot(ds: xr.Dataset):
    """Spectra versus pump, gain versus pump, and threshold versus Delta and lifetimes.

    Parameters
    ----------
    ds : xarray.Dataset
        The dataset of :func:`run`.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig = figure(figsize=(11, 8), layout="constrained")
    axes = fig.subplots(2, 2)
    for i, key in enumerate(ds.preset.values):
        ax = axes[0, 0]
        for k, g in enumerate(ds.spectrum_rate.values):
            y = ds.net_gain.isel(preset=i, spectrum_rate=k)
            ax.plot(ds.energy, y, color=COLOURS[key], alpha=0.3 + 0.7 * k / ds.spectrum_rate.size,
                    lw=1, label=f"{LABEL[key]}" if k == ds.spectrum_rate.size - 1 else None)
    axes[0, 0].axhline(0, color="0.5", lw=0.8)
    loss = float(STUDY_FILM.loss_fraction())
    axes[0, 0].axhline(loss, color="k", ls=":", lw=0.8, label="film loss")
    axes[0, 0].set(xlabel="photon energy (eV)", ylabel="net gain -alpha/alpha_0(peak)",
                   title=f"steady-state spectra, G = {ds.spectrum_rate.values[0]:.0e}"
                         f"...{ds.spectrum_rate.values[-1]:.0e} ps^-1 (darker = higher)",
                   ylim=(-1.05, 1.05))
    axes[0, 0].legend(fontsize=7)
    ax = axes[0, 1]
    for i, key in enumerate(ds.preset.values):
        ax.semilogx(ds.pump_intensity.isel(preset=i), ds.peak_net_gain.isel(preset=i),
                    color=COLOURS[key], label=LABEL[key])
        th = float(ds.cw_threshold_intensity.sel(preset=key, criterion="film"))
        est = float(ds.estimate_threshold_intensity.sel(preset=key, criterion="film"))
        ax.axvline(th, color=COLOURS[key], ls="--", lw=0.8)
        ax.axvline(est, color=COLOURS[key], ls=":", lw=1.2)
    ax.axhline(loss, color="k", ls=":", lw=0.8)
    ax.axvspan(float(ds.photostability_limit), ax.get_xlim()[1], color="0.9", zorder=0,
               label="above assumed photostability limit")
    ax.set(xlabel="pump intensity (W cm^-2)", ylabel="largest net gain",
           title="gain vs pump: exact threshold (--), paper's estimate (:)")
    ax.legend(fontsize=7)
    ax = axes[1, 0]
    for i, key in enumerate(ds.lifetime_set.values):
        y = ds.threshold_vs_delta.isel(lifetime_set=i)
        ax.semilogy(ds.delta_over_gamma, y.where(np.isfinite(y)), color=COLOURS[key],
                    label=f"lifetimes of the {key} preset")
    ax.set(xlabel="Delta_XX / Gamma", ylabel="c.w. lasing threshold G_th (ps^-1)",
           title="threshold vs X-X interaction")
    ax.legend(fontsize=7)
    ax = axes[1, 1]
    for r, key in enumerate(ds.regime.values):
        c = f"C{r}"
        ax.loglog(ds.tau_x, ds.threshold_vs_tau_x.isel(regime=r), color=c,
                  label=f"{REGIME_LABEL[key]}: vs tau_X")
        ax.loglog(ds.tau_xx, ds.threshold_vs_tau_xx.isel(regime=r), color=c, ls="--",
                  label="vs Auger time")
    ax.set(xlabel="lifetime (ps)", ylabel="c.w. lasing threshold G_th (ps^-1)",
           title="which lifetime controls the threshold")
    ax.legend(fontsize=6)
    return fig


def _single_exciton_gain(ds, key) -> bool:
    """Whether NCs with at most one exciton supply more of the gain than those with more."""
    part = ds.net_gain_by_occupancy.sel(preset=key)
    return float(part.sel(occupancy="n <= 1")) > float(part.sel(occupancy="n >= 2"))


def _slope(ds, var, regime, coord):
    y = ds[var].sel(regime=regime)
    ok = np.isfinite(y.values)
    return loglog_slope(ds[coord].values[ok], y.values[ok])


def _control(sx: float, sxx: float) -> str:
    """Which lifetime sets G_th, from the log-log slopes against tau_X and tau_A."""
    return ("tau_X alone" if sx < -0.8 and abs(sxx) < 0.2 else
            "tau_XX alone" if sxx < -0.8 and abs(sx) < 0.2 else
            "both (geometric mean)" if -0.7 < sx < -0.3 and -0.7 < sxx < -0.3 else "mixed")


def context(ds: xr.Dataset) -> dict:
    """The numbers of the report's c.w. section (template ``cw_threshold.md.j2``).

    Parameters
    ----------
    ds : xarray.Dataset
        The dataset of :func:`run`.

    Returns
    -------
    dict
        Variables of the template, read from ``ds`` (which the template reads too):
        per preset the film-criterion intensities, the modal gain split by occupancy
        (``occupancy``: low, high, total in cm^-1) and per regime the slopes.
    """
    film = lambda var, key: float(ds[var].sel(preset=key, criterion="film"))  # noqa: E731
    occupancy = {}
    for key in ds.preset.values.tolist():
        part = ds.modal_gain_by_occupancy.sel(preset=key)
        low, high = float(part.sel(occupancy="n <= 1")), float(part.sel(occupancy="n >= 2"))
        occupancy[key] = {"low": low, "high": high, "total": low + high}
    regimes = {}
    for regime in ds.regime.values.tolist():
        sx = _slope(ds, "threshold_vs_tau_x", regime, "tau_x")
        sxx = _slope(ds, "threshold_vs_tau_xx", regime, "tau_xx")
        regimes[regime] = {"sx": sx, "sxx": sxx, "control": _control(sx, sxx)}
    t1 = models.presets.TYPE_I_CDSE
    return {
        "LABEL": LABEL, "REGIME_LABEL": REGIME_LABEL, "t1": t1,
        "tau_x_ii": models.presets.TYPE_II_CDS_ZNSE.tau_x,
        "paper_fluence": PAPER_TYPE_II_FLUENCE, "paper_lifetime": PAPER_TYPE_II_GAIN_LIFETIME,
        "paper_intensity": PAPER_TYPE_II_FLUENCE * 1e-3 / (PAPER_TYPE_II_GAIN_LIFETIME * 1e-12),
        "single": {k: _single_exciton_gain(ds, k) for k in ds.preset.values.tolist()},
        "intensity": {k: film("cw_threshold_intensity", k) for k in ds.preset.values.tolist()},
        "estimate": {k: film("estimate_threshold_intensity", k)
                     for k in ds.preset.values.tolist()},
        "g": {k: film("cw_threshold", k) for k in ds.preset.values.tolist()},
        "e1": film("cw_threshold_energy", "type-i"),
        "occupancy": occupancy, "regimes": regimes,
        "criterion": gain_criterion_text(models.Film.from_dict(json.loads(ds.attrs["film"]))),
        "sqrt_ratio": math.sqrt(t1.tau_x / t1.tau_xx),
    }
