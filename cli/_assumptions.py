"""The modelling assumptions printed under every prediction of the ``ncgain`` command line.

One interface for every command: :func:`assumption_lines` returns the lines (without
indentation) and :func:`print_assumptions` prints them under an ``assumptions:`` header.
Every prediction states the band-edge state model, the radiative and Auger laws, what
``tau_xx`` meant, where sigma_pump came from, the film/resonator, the method that ran
(only its own assumptions), and flags a c.w. pump intensity above the photostability
limit that the c.w. study assumes (:mod:`ncgain.studies._photostability`).
"""

from __future__ import annotations

import math

__all__ = ["assumption_lines", "print_assumptions"]

#: What each method assumes, printed only for the method that ran.
_METHOD = {
    "master-equation": "exact master equation of the exciton-number chain (no sampling error)",
    "monte-carlo": "Monte Carlo over {n} NCs, seed {seed} (counter-based streams; a sampling "
                   "error of order 1/sqrt(N))",
    "rate-equations": "mean-field rate equations of the state populations (deterministic; no "
                      "sampling error, no photon-number fluctuations beyond the spontaneous "
                      "term)",
    "closed-form": "steady state of the exciton-number chain in closed form (exact)",
}


def _preset_of(sample):
    """The name of the preset ``sample`` equals, or None."""
    from ncgain.models import presets
    return next((k for k, v in presets.PRESETS.items() if v == sample), None)


def _sigma_source(sample) -> str:
    from ncgain.models import presets
    name = _preset_of(sample)
    if name is not None:
        return f"preset {name!r}: {presets.SOURCES[name]['sigma_pump']}"
    same = [k for k, v in presets.PRESETS.items() if v.sigma_pump == sample.sigma_pump]
    if same:
        return (f"the value of preset {same[0]!r} ({presets.SOURCES[same[0]]['sigma_pump']}), "
                "kept by your sample")
    return "your sample's sigma_pump field (not a preset value: its source is yours)"


def _tau_xx_line(sample) -> str:
    k2 = sample.radiative_rate(2)
    total = 1.0 / (k2 + sample.auger_rate(2))
    if sample.tau_xx_meaning == "total":
        return (f"tau_xx = {sample.tau_xx:g} ps is the measured total biexciton lifetime "
                f"(tau_xx_meaning = 'total'): radiative 1/k_rad(2) = {1 / k2:.4g} ps, Auger "
                f"time derived from it tau_A = {sample.auger_time:.4g} ps")
    return (f"tau_xx = {sample.tau_xx:g} ps is the biexciton Auger time "
            f"(tau_xx_meaning = 'auger'): total biexciton lifetime "
            f"1/(k_rad(2) + k_A(2)) = {total:.4g} ps")


def assumption_lines(sample, *, method: str, film=None, film_note: str | None = None,
                     cavity: str | None = None, intensity=None, n_nanocrystals=None,
                     seed=None, statistics: str | None = None, extra=()) -> list[str]:
    """The assumptions behind one prediction, one line each.

    Parameters
    ----------
    sample : models.Sample
        The sample of the prediction.
    method : {"master-equation", "monte-carlo", "rate-equations", "closed-form"}
        The method that ran; only its assumptions are listed.
    film : models.Film, optional
        The film / gain medium (None: no film, a gain threshold).
    film_note : str, optional
        Where the loss came from, replacing the default film line.
    cavity : str, optional
        A line describing the resonator (cavity or stripe).
    intensity : float or array_like, optional
        c.w. pump intensities in W cm^-2; the largest is checked against the
        photostability limit.
    n_nanocrystals, seed : int, optional
        The Monte Carlo ensemble size and seed (``method="monte-carlo"``).
    statistics : {"poisson", "single"}, optional
        The pulsed pump statistics.
    extra : sequence of str
        Further lines specific to the command.

    Returns
    -------
    list of str
    """
    from ncgain.models import bandedge
    from ncgain.studies import _photostability as photo
    lines = [f"state model: {sample.state_model!r} (degeneracy {sample.degeneracy}"
             + (f", hole degeneracy {sample.hole_degeneracy}"
                if sample.state_model == "electron-hole" else "")
             + f", T = {sample.temperature:g} K)",
             f"radiative law: {sample.radiative_scaling!r}, k_rad(n) = "
             f"[{bandedge.RADIATIVE_SCALINGS[sample.radiative_scaling]}] / tau_x, "
             f"tau_x = {sample.tau_x:g} ps",
             f"Auger law: {sample.auger_scaling!r}, k_A(n) = "
             f"[{bandedge.AUGER_SCALINGS[sample.auger_scaling]}] / tau_A, "
             f"tau_A = {sample.auger_time:.4g} ps",
             _tau_xx_line(sample),
             f"sigma_pump = {sample.sigma_pump:.4g} cm^2 at {sample.pump_energy:g} eV from "
             + _sigma_source(sample)]
    if film_note is not None:
        lines.append(film_note)
    elif film is None:
        lines.append("no film/resonator: a gain threshold (net gain > loss in alpha_0(peak))")
    else:
        lines.append(f"film {film.name!r}: alpha_0 = {film.absorption_coefficient:g} cm^-1, "
                     f"confinement factor = {film.confinement_factor:g}, loss = "
                     f"{film.loss:g} cm^-1 (net gain needed {film.loss_fraction():.4g} "
                     "alpha_0(peak))")
    if cavity is not None:
        lines.append(cavity)
    if statistics is not None:
        lines.append("pump statistics: " + ("Poisson (physical)" if statistics == "poisson"
                                            else "single excitation (the paper's idealization)"))
    lines.append("method: " + _METHOD[method].format(n=n_nanocrystals, seed=seed))
    lines.extend(extra)
    if intensity is not None:
        import numpy as np
        top = float(np.max(np.asarray(intensity, dtype=float)))
        if math.isfinite(top) and top > photo.PHOTOSTABILITY_LIMIT:
            lines.append(f"WARNING: pump intensity {top:.3g} W cm^-2 is "
                         f"{top / photo.PHOTOSTABILITY_LIMIT:.3g}x the photostability limit "
                         f"{photo.PHOTOSTABILITY_LIMIT:.0e} W cm^-2 assumed by the c.w. study "
                         f"(heating estimate dT ~ {photo.heating(top):.3g} K); no heating or "
                         "photodegradation is modelled")
        else:
            lines.append(f"pump intensity at most {top:.3g} W cm^-2, within the "
                         f"photostability limit {photo.PHOTOSTABILITY_LIMIT:.0e} W cm^-2 "
                         "assumed by the c.w. study")
    return lines


def print_assumptions(lines) -> None:
    """Print ``lines`` under an ``assumptions:`` header, indented by two spaces.

    Parameters
    ----------
    lines : iterable of str
        The lines, e.g. from :func:`assumption_lines`.
    """
    print("assumptions:")
    for line in lines:
        print(f"  {line}")
