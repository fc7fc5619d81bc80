"""Band finding and widths of spectra, shared by the studies (Fig. 4 PL bands, lasing lines).

* :func:`gauss`, :func:`two_gauss`: the band shapes of the fits;
* :func:`peak`: a maximum refined by a parabola;
* :func:`subtract_long_time`, :func:`deconvolve`, :func:`band_amplitudes`: the X and XX
  bands of a PL spectrum (the paper's subtraction and a two-Gaussian fit);
* :func:`widths`: FWHM and r.m.s. width of a sampled spectrum.
"""

from __future__ import annotations

import numpy as np
from scipy import optimize

__all__ = ["gauss", "two_gauss", "peak", "subtract_long_time", "deconvolve", "band_amplitudes",
           "widths"]


def gauss(x, a, c, w):
    """A Gaussian band a exp(-((x - c) / w)^2) (w: the 1/e half-width)."""
    return a * np.exp(-((x - c) / w) ** 2)


def two_gauss(x, a1, c1, w1, a2, c2, w2):
    return gauss(x, a1, c1, w1) + gauss(x, a2, c2, w2)


def peak(x, y) -> float:
    """Position of the maximum of y(x), refined by a parabola through 3 points."""
    k = int(np.clip(np.argmax(y), 1, len(y) - 2))
    y0, y1, y2 = y[k - 1], y[k], y[k + 1]
    den = y0 - 2 * y1 + y2
    shift = 0.5 * (y0 - y2) / den if den < 0 else 0.0
    return float(x[k] + shift * (x[k + 1] - x[k]))


def subtract_long_time(energy, early, late) -> dict:
    """The paper's method: t = 0 spectrum minus the scaled long-time spectrum.

    The scale is the least-squares match on the red side E <= Epeak(late),
    where the XX band contributes least.

    Parameters
    ----------
    energy : ndarray, shape (E,)
        Photon energies (eV).
    early, late : ndarray, shape (E,)
        PL spectra at t = 0 and at a long time (any common unit).

    Returns
    -------
    dict
        ``scale`` (float, late -> early), ``residual`` (ndarray, the XX band in the
        unit of the spectra), ``x_peak`` and ``xx_peak`` (eV, peaks of the long-time
        spectrum and of the residual, parabolic refinement).
    """
    e_x = peak(energy, late)
    red = energy <= e_x
    scale = float(np.dot(early[red], late[red]) / np.dot(late[red], late[red]))
    residual = early - scale * late
    return {"scale": scale, "residual": residual, "x_peak": e_x,
            "xx_peak": peak(energy, residual)}


def deconvolve(energy, early, late) -> dict:
    """Two-Gaussian least-squares fit of the t = 0 spectrum.

    Centres, widths and amplitudes are free. Initial guesses from the data: X from
    the long-time spectrum (peak, RMS width, scaled height), XX from the peak of the
    residual of :func:`subtract_long_time`.

    Parameters
    ----------
    energy : ndarray, shape (E,)
        Photon energies (eV).
    early, late : ndarray, shape (E,)
        PL spectra at t = 0 and at a long time.

    Returns
    -------
    dict
        ``popt`` (ndarray: amplitude, centre in eV and 1/e half-width in eV of the X
        band, then of the XX band) and the entries of :func:`subtract_long_time`.
    """
    sub = subtract_long_time(energy, early, late)
    e_x = sub["x_peak"]
    w = late / np.trapezoid(late, energy)
    rms = float(np.sqrt(np.trapezoid(w * (energy - e_x) ** 2, energy)))
    width0 = rms * np.sqrt(2.0)     # Gaussian exp(-x^2/w^2) has RMS w / sqrt(2)
    res = sub["residual"]
    p0 = (sub["scale"] * late.max(), e_x, width0, res.max(), sub["xx_peak"], width0)
    popt, _ = optimize.curve_fit(two_gauss, energy, early, p0=p0, maxfev=20000)
    if popt[4] < popt[1]:  # order the components: X is the low-energy band
        popt = np.r_[popt[3:], popt[:3]]
    popt[2], popt[5] = abs(popt[2]), abs(popt[5])
    return {"popt": popt, **sub}


def band_amplitudes(energy, spectra, popt) -> np.ndarray:
    """Amplitudes of the X and XX bands, their fitted shapes held fixed.

    Parameters
    ----------
    energy : ndarray, shape (E,)
        Photon energies (eV).
    spectra : ndarray, shape (..., E)
        PL spectra.
    popt : ndarray
        Band parameters from :func:`deconvolve`.

    Returns
    -------
    numpy.ndarray, shape (2, ...)
        Linear least-squares amplitudes of the X and the XX band in each spectrum.
    """
    basis = np.stack([gauss(energy, 1.0, popt[1], popt[2]),
                      gauss(energy, 1.0, popt[4], popt[5])], axis=1)
    flat = np.asarray(spectra).reshape(-1, energy.size).T
    amp = np.linalg.lstsq(basis, flat, rcond=None)[0]
    return amp.reshape((2,) + np.asarray(spectra).shape[:-1])


def widths(energy, spectrum) -> tuple[float, float]:
    """FWHM (linear interpolation between channels) and r.m.s. width of a spectrum (eV).

    Parameters
    ----------
    energy, spectrum : array_like
        Channel energies (eV, increasing) and the spectrum (>= 0, not all 0).

    Returns
    -------
    (fwhm, rms)
        In eV. A single channel above half maximum gives a FWHM of about one
        channel spacing (the resolution).

    Examples
    --------
    >>> import numpy as np
    >>> from ncgain.studies._spectra import widths
    >>> e = np.linspace(-1, 1, 2001)
    >>> f, r = widths(e, np.exp(-e**2 / (2 * 0.1**2)))
    >>> round(float(f / (2 * np.sqrt(2 * np.log(2)) * 0.1)), 4), round(r, 4)
    (1.0, 0.1)
    """
    e, s = np.asarray(energy, float), np.asarray(spectrum, float)
    half = 0.5 * s.max()
    above = np.nonzero(s >= half)[0]
    lo, hi = int(above[0]), int(above[-1])
    if lo > 0:
        e_lo = e[lo - 1] + (half - s[lo - 1]) / (s[lo] - s[lo - 1]) * (e[lo] - e[lo - 1])
    else:
        e_lo = e[0] - 0.5 * (e[1] - e[0])
    if hi < e.size - 1:
        e_hi = e[hi] + (s[hi] - half) / (s[hi] - s[hi + 1]) * (e[hi + 1] - e[hi])
    else:
        e_hi = e[-1] + 0.5 * (e[-1] - e[-2])
    w = s / s.sum()
    mean = float((w * e).sum())
    return float(e_hi - e_lo), float(np.sqrt((w * (e - mean) ** 2).sum()))
