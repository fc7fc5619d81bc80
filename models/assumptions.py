"""The modelling assumptions behind a prediction, as lines a command prints: :func:`assumptions`.

Every command that prints a prediction (threshold, simulate, sweep, lase, ase) lists these
so that the reader knows which model ran: the band-edge state model, the radiative and Auger
laws, what ``tau_xx`` meant, where sigma_pump comes from, the film or resonator, and a flag
when a pump intensity exceeds the photostability limit the c.w. study assumes
(:data:`ncgain.models.photostability.PHOTOSTABILITY_LIMIT`).
"""

from __future__ import annotations

import numpy as np

from . import presets
from .bandedge import AUGER_SCALINGS, RADIATIVE_SCALINGS
from .photostability import PHOTOSTABILITY_LIMIT, heating

__all__ = ["assumptions", "photostability_warning"]

_STATE_MODELS = {
    "two-channel": "two-channel band edge (the paper's model: g correlated electron-hole "
                   "channels)",
    "electron-hole": "electron-hole band edge (independent electron and hole levels, hole "
                     "fine structure thermally populated)",
}


def _preset_of(sample):
    """The preset name whose sigma_pump and pump energy the sample carries, or None."""
    for name in presets.names():
        p = presets.get(name)
        if p.sigma_pump == sample.sigma_pump and p.pump_energy == sample.pump_energy:
            return name
    return None


def photostability_warning(intensity) -> str | None:
    """A warning line when a c.w. pump intensity exceeds the assumed photostability limit.

    Parameters
    ----------
    intensity : float or array_like
        c.w. pump intensities (W cm^-2); the largest is checked.

    Returns
    -------
    str or None
        The warning (with the factor above the limit and the heating estimate), or None.
    """
    arr = np.asarray(intensity, float).ravel()
    arr = arr[np.isfinite(arr)]
    if arr.size == 0:
        return None
    top = float(arr.max())
    if top <= PHOTOSTABILITY_LIMIT:
        return None
    return (f"WARNING: pump intensity {top:.3g} W cm^-2 is {top / PHOTOSTABILITY_LIMIT:.3g}x "
            f"the photostability limit {PHOTOSTABILITY_LIMIT:g} W cm^-2 that the c.w. study "
            f"assumes (heating estimate dT ~ {heating(top):.3g} K for a 5-um spot on glass): "
            "a film would not survive it")


def assumptions(sample, *, film=None, cavity=None, stripe=None, method=None,
                intensity=None) -> list[str]:
    """The modelling assumptions of a prediction for ``sample``, one printable line each.

    Parameters
    ----------
    sample : Sample
        The sample (resolved: a preset name must be looked up first).
    film : Film, optional
        The gain medium, if the prediction uses one.
    cavity, stripe : Cavity or Stripe, optional
        The resonator of a lasing or ASE prediction.
    method : str, optional
        The method that ran ("master-equation", "monte-carlo", "rate-equations");
        a Monte Carlo line is listed only for "monte-carlo".
    intensity : float or array_like, optional
        c.w. pump intensities (W cm^-2) of the prediction; the largest is compared with
        the photostability limit.

    Returns
    -------
    list of str
        The lines, in a fixed order; a photostability warning last when it applies.

    Examples
    --------
    >>> from ncgain import models
    >>> from ncgain.models.assumptions import assumptions
    >>> lines = assumptions(models.presets.TYPE_II_CDS_ZNSE, intensity=2.6e6)
    >>> lines[0]
    "state model: two-channel band edge (the paper's model: g correlated electron-hole channels), g = 2"
    >>> lines[-1].startswith("WARNING: pump intensity 2.6e+06 W cm^-2 is 260x")
    True
    """
    s = sample
    lines = [f"state model: {_STATE_MODELS.get(s.state_model, s.state_model)}, "
             f"g = {s.degeneracy}"]
    if s.state_model == "electron-hole":
        lines[-1] += (f", {s.hole_degeneracy} hole states, levels "
                      f"{list(s.hole_levels) or 'one degenerate level'}, T = {s.temperature:g} K")
    if s.resident_electrons:
        lines.append(f"resident electrons: {s.resident_electrons} per NC (trions)")
    lines.append(f"radiative law: k_rad(n) = s_rad(n) / tau_x, radiative_scaling = "
                 f"{s.radiative_scaling!r} ({RADIATIVE_SCALINGS[s.radiative_scaling]}); "
                 f"tau_x = {s.tau_x:g} ps")
    lines.append(f"Auger law: k_A(n) = s_A(n) / tau_A, auger_scaling = {s.auger_scaling!r} "
                 f"({AUGER_SCALINGS[s.auger_scaling]})")
    if s.tau_xx_meaning == "total":
        lines.append(f"tau_xx = {s.tau_xx:g} ps is the measured total biexciton lifetime "
                     f"(tau_xx_meaning = 'total'); Auger time tau_A = {s.auger_time:.4g} ps")
    else:
        lines.append(f"tau_xx = {s.tau_xx:g} ps is the biexciton Auger time (tau_xx_meaning = "
                     f"'auger'); total biexciton lifetime {s.biexciton_lifetime:.4g} ps")
    preset = _preset_of(s)
    src = ("the presets' assumption (matched to <N> = 1 at 2 mJ cm^-2, Fig. 5c; a "
           "volume-scaling estimate gives ~1e-14 cm^2: not a measured cross-section)"
           if preset else "given by the sample")
    lines.append(f"sigma_pump = {s.sigma_pump:.4g} cm^2 at {s.pump_energy:g} eV: {src}")
    lines.append(f"lines: ensemble Gamma = {s.linewidth:g} eV, homogeneous "
                 f"{s.homogeneous_lineshape} gamma = {s.homogeneous_linewidth:g} eV"
                 + (" (a delta line)" if s.homogeneous_linewidth == 0 else ""))
    if film is not None:
        lines.append(f"film: alpha_0 = {film.absorption_coefficient:g} cm^-1, confinement "
                     f"{film.confinement_factor:g}, loss {film.loss:g} cm^-1 ({film.name})")
    if cavity is not None:
        q = (f"Q = {cavity.quality_factor:g}" if cavity.quality_factor is not None
             else f"tau_c = {cavity.photon_lifetime:g} ps")
        lines.append(f"cavity: {q}, beta = {cavity.spontaneous_coupling:g}, "
                     f"{cavity.channels} channels, n_g = {cavity.group_index:g}")
    if stripe is not None:
        lines.append(f"stripe: L = {stripe.length:g} cm, {stripe.slices} slices, beta = "
                     f"{stripe.spontaneous_coupling:g}, {stripe.channels} channels, "
                     f"n_g = {stripe.group_index:g}")
    if method == "monte-carlo":
        lines.append("Monte Carlo: a finite ensemble of NCs (statistical error ~ 1/sqrt(N))")
    warn = photostability_warning(intensity) if intensity is not None else None
    if warn:
        lines.append(warn)
    return lines
