"""ASE thresholds of a stripe of the studies' film, shared by the ASE studies.

* :func:`band_threshold`, :func:`first_gain_fluence`: where an amplification or a net
  modal gain first reaches its level along a fluence grid (the Fig. 5a-c ASE study);
* :func:`stripe_amplification`, :func:`stripe_threshold`: the crude time-integrated
  stripe estimate without depletion (the Fig. 5 band-edge sweep);
* :func:`spectra`: exact absorption and PL without the dataset (the calibration's loop).
"""

from __future__ import annotations

import numpy as np
from scipy import integrate, optimize

from ncgain import kinetics
from ncgain.kinetics import observables
from ncgain.kinetics.pulsed import PulsedProblem

from ._common import STUDY_FILM

__all__ = ["spectra",
           "STRIPE_LENGTH", "ASE_AMPLIFICATION", "band_threshold", "first_gain_fluence",
           "STRIPE_MODAL_LENGTH", "STRIPE_LOSS_LENGTH", "STRIPE_AMPLIFICATION", "STRIPE_TIMES",
           "stripe_amplification", "stripe_threshold"]

#: Assumption: a 400-um pump stripe (Gamma_c alpha_0 L = 106 with the studies' film), cm.
STRIPE_LENGTH = 0.04
#: Amplification (e^{gL} - 1)/(gL) that defines an ASE threshold.
ASE_AMPLIFICATION = 10.0

#: Crude stripe estimate of time-integrated ASE (assumptions: the studies' film and the
#: 400-um stripe of the Fig. 5a-c ASE study, Gamma_c alpha_0 L = 106 and loss L = 2;
#: amplification (e^{gL} - 1)/(gL) of spontaneous emission with the instantaneous net
#: modal gain g = Gamma_c alpha_0 (-alpha/alpha_0(peak)) - loss, no depletion by the
#: amplified light, no transit time; "ASE threshold" = time-integrated edge emission 10x
#: the unamplified one).
STRIPE_MODAL_LENGTH = STUDY_FILM.confinement_factor * STUDY_FILM.absorption_coefficient \
    * STRIPE_LENGTH   # Gamma_c alpha_0 L
STRIPE_LOSS_LENGTH = STUDY_FILM.loss * STRIPE_LENGTH
STRIPE_AMPLIFICATION = 10.0
STRIPE_TIMES = np.concatenate([[0.0], np.geomspace(0.1, 5000.0, 160)])



def stripe_amplification(sample, energy, means) -> np.ndarray:
    """Time-integrated edge emission at ``energy`` relative to the unamplified one, per <N>.

    ratio = int pl(t) F(t) dt / int pl(t) dt with F = (exp(x) - 1)/x and
    x = -alpha(E, t)/alpha_0(peak) * STRIPE_MODAL_LENGTH - STRIPE_LOSS_LENGTH, the net
    modal gain of the studies' film times the stripe length (exact master equation).

    Parameters
    ----------
    sample : ncgain.models.Sample
        The sample.
    energy : float
        Photon energy (eV).
    means : array_like
        Mean excitons per NC after the pulse.

    Returns
    -------
    numpy.ndarray
        The amplification ratio for each <N> (dimensionless).
    """
    ds = kinetics.simulate_pulsed(sample, means, STRIPE_TIMES, energies=[energy],
                                  method="master-equation")
    g = -ds.absorption.values[:, :, 0] * STRIPE_MODAL_LENGTH - STRIPE_LOSS_LENGTH
    small = np.abs(g) < 1e-9
    amp = np.where(small, 1.0, np.expm1(np.where(small, 1.0, g)) / np.where(small, 1.0, g))
    pl = ds.pl.values[:, :, 0]
    return (integrate.trapezoid(pl * amp, STRIPE_TIMES, axis=1)
            / integrate.trapezoid(pl, STRIPE_TIMES, axis=1))


def stripe_threshold(sample, energy, quick: bool) -> float:
    """<N> at which :func:`stripe_amplification` first reaches STRIPE_AMPLIFICATION.

    Parameters
    ----------
    sample : ncgain.models.Sample
        The sample.
    energy : float
        Photon energy (eV).
    quick : bool
        Coarser <N> grid.

    Returns
    -------
    float
        The threshold <N> (bracketed on a log grid, then Brent's method to a relative
        1e-6 in <N>), inf if not reached up to <N> = 8.
    """
    means = np.geomspace(0.05, 8.0, 40 if quick else 120)
    ratio = stripe_amplification(sample, energy, means)
    above = np.flatnonzero(ratio >= STRIPE_AMPLIFICATION)
    if above.size == 0:
        return float("inf")
    k = int(above[0])
    if k == 0:
        return float(means[0])
    return float(optimize.brentq(
        lambda m: float(stripe_amplification(sample, energy, [m])[0]) - STRIPE_AMPLIFICATION,
        means[k - 1], means[k], rtol=1e-6))


def band_threshold(fluence, amplification, level=ASE_AMPLIFICATION) -> float:
    """Smallest fluence where ``amplification`` reaches ``level`` (log-log interpolation).

    Parameters
    ----------
    fluence : array_like
        Pump fluences (mJ cm^-2), increasing.
    amplification : array_like
        Amplification at each fluence.
    level : float, default ASE_AMPLIFICATION
        The amplification that defines the threshold.

    Returns
    -------
    float
        The threshold fluence (mJ cm^-2); nan if ``level`` is never reached.
    """
    a = np.asarray(amplification, float)
    above = np.nonzero(a >= level)[0]
    if above.size == 0:
        return float("nan")
    i = int(above[0])
    if i == 0:
        return float(fluence[0])
    x0, x1 = np.log(fluence[i - 1]), np.log(fluence[i])
    y0, y1 = np.log(max(a[i - 1], 1e-300)), np.log(a[i])
    return float(np.exp(x0 + (np.log(level) - y0) * (x1 - x0) / (y1 - y0)))


def first_gain_fluence(fluence, gain) -> float:
    """Smallest fluence with positive net modal gain (linear in gain, log in fluence).

    Parameters
    ----------
    fluence : array_like
        Pump fluences (mJ cm^-2), increasing.
    gain : array_like
        Net modal gain (cm^-1) at each fluence.

    Returns
    -------
    float
        The fluence (mJ cm^-2) where the gain crosses 0; nan if it never does.
    """
    g = np.asarray(gain, float)
    above = np.nonzero(g > 0)[0]
    if above.size == 0:
        return float("nan")
    i = int(above[0])
    if i == 0:
        return float(fluence[0])
    x0, x1 = np.log(fluence[i - 1]), np.log(fluence[i])
    return float(np.exp(x0 - g[i - 1] * (x1 - x0) / (g[i] - g[i - 1])))


def spectra(sample, means, times, energies):
    """Exact absorption alpha/alpha_0(peak) and PL, shape (means, times, energies).

    The master equation of :func:`ncgain.kinetics.simulate_pulsed` without building the
    dataset (no standard errors, no per-n split): the calibration's inner loop.

    Parameters
    ----------
    sample : models.Sample
    means : array_like
        <N> after the pulse.
    times : array_like
        Times (ps), increasing.
    energies : array_like
        Photon energies (eV), increasing.

    Returns
    -------
    alpha, pl : numpy.ndarray
    alpha0 : numpy.ndarray
        Unexcited absorption / alpha_0(peak) at ``energies``.
    """
    means = np.asarray(means, float)
    prob = PulsedProblem.build(sample, times, energies=energies,
                               max_mean_excitons=float(means.max()),
                               method="master-equation", need_bleach=False,
                               n_levels=means.size)
    occ = prob.exact_occupation(means)
    k = prob.kernels
    alpha = np.einsum("mtcnb,cnbe->mte", occ, k.absorption, optimize=True) / k.alpha0_peak
    pl = np.einsum("mtcnb,cnbe->mte", occ, k.pl, optimize=True)
    alpha0 = observables.unexcited_absorption(prob.table, prob.energies) / k.alpha0_peak
    return alpha, pl, alpha0
