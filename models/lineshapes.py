"""Line shapes with one normalization: unit area over energy (units 1/eV).

Width convention
    * Gaussian: ``width`` is the 1/e half-width w, g(x) = exp(-x^2/w^2) / (sqrt(pi) w)
      (the paper's convention for Gamma; standard deviation w / sqrt(2)).
    * Lorentzian: ``width`` is the half width at half maximum.
    * Voigt: a Gaussian of 1/e half-width ``gaussian_width`` convolved with a
      Lorentzian of half width at half maximum ``lorentzian_width``.

Besides the line shapes themselves this module provides the *bin-conditional*
ensemble line :func:`binned_ensemble_line`, used to turn Monte Carlo counts of
NCs per (state, inhomogeneous-energy bin) into spectra without bias.
"""

from __future__ import annotations

import numpy as np
from scipy import integrate, special

__all__ = ["gaussian", "lorentzian", "voigt", "homogeneous_line", "ensemble_line",
           "inhomogeneous_bin_edges", "binned_ensemble_line"]

_SQRT_PI = np.sqrt(np.pi)
#: Largest number of integrand values held at once by :func:`binned_ensemble_line`.
BLOCK_ELEMENTS = 1 << 22


def gaussian(x, width):
    """Unit-area Gaussian line exp(-x²/w²) / (√π w).

    Parameters
    ----------
    x : array_like
        Energy offset from the line centre (eV), any shape.
    width : float
        1/e half-width w (eV), > 0.

    Returns
    -------
    numpy.ndarray
        The line at ``x``, same shape as ``x``, in 1/eV (unit area over energy).

    Examples
    --------
    >>> from ncgain.models import lineshapes
    >>> round(float(lineshapes.gaussian(0.0, 0.1)), 4)   # 1 / (sqrt(pi) * 0.1)
    5.6419
    """
    x = np.asarray(x, dtype=float)
    return np.exp(-(x / width) ** 2) / (_SQRT_PI * width)


def lorentzian(x, width):
    """Unit-area Lorentzian line (w/π) / (x² + w²).

    Parameters
    ----------
    x : array_like
        Energy offset from the line centre (eV), any shape.
    width : float
        Half width at half maximum w (eV), > 0.

    Returns
    -------
    numpy.ndarray
        The line at ``x``, same shape as ``x``, in 1/eV (unit area over energy).
    """
    x = np.asarray(x, dtype=float)
    return (width / np.pi) / (x * x + width * width)


def voigt(x, gaussian_width, lorentzian_width):
    """Unit-area Voigt profile (1/eV).

    Parameters
    ----------
    x : array_like
        Energy offset from the line centre (eV).
    gaussian_width : float
        1/e half-width of the Gaussian part (eV), >= 0.
    lorentzian_width : float
        Half width at half maximum of the Lorentzian part (eV), >= 0.

    Returns
    -------
    numpy.ndarray
        The profile at ``x``, same shape as ``x``, in 1/eV.
    """
    # scipy's sigma is the standard deviation: sigma = w / sqrt(2).
    return special.voigt_profile(np.asarray(x, dtype=float), gaussian_width / np.sqrt(2.0),
                                 lorentzian_width)


def homogeneous_line(x, lineshape: str, width: float):
    """The homogeneous (single-NC) line: a unit-area Gaussian or Lorentzian.

    Parameters
    ----------
    x : array_like
        Energy offset from the line centre (eV), any shape.
    lineshape : {"gaussian", "lorentzian"}
        Shape of the line.
    width : float
        Half-width (eV), > 0: the 1/e half-width of a Gaussian, the half width at half
        maximum of a Lorentzian.

    Returns
    -------
    numpy.ndarray
        The line at ``x`` in 1/eV, same shape as ``x``.

    Raises
    ------
    ValueError
        If ``lineshape`` is not "gaussian" or "lorentzian".
    """
    if lineshape == "gaussian":
        return gaussian(x, width)
    if lineshape == "lorentzian":
        return lorentzian(x, width)
    raise ValueError(f"lineshape = {lineshape!r} is not one of ('gaussian', 'lorentzian')")


def ensemble_line(x, inhomogeneous_width: float, lineshape: str, homogeneous_width: float):
    """The ensemble line: the inhomogeneous Gaussian convolved with the homogeneous line.

    Parameters
    ----------
    x : array_like
        Energy offset from the ensemble's line centre (eV), any shape.
    inhomogeneous_width : float
        1/e half-width of the Gaussian distribution of single-NC line centres (eV), > 0.
    lineshape : {"gaussian", "lorentzian"}
        Shape of the homogeneous line.
    homogeneous_width : float
        Half-width of the homogeneous line (eV), >= 0 (see :func:`homogeneous_line`).

    Returns
    -------
    numpy.ndarray
        The unit-area ensemble line at ``x`` in 1/eV, same shape as ``x``: a Gaussian of
        1/e half-width sqrt(inhomogeneous_width² + homogeneous_width²) for Gaussian
        lines, a Voigt profile for Lorentzian ones.
    """
    if lineshape == "gaussian":
        return gaussian(x, np.hypot(inhomogeneous_width, homogeneous_width))
    return voigt(x, inhomogeneous_width, homogeneous_width)


def inhomogeneous_bin_edges(n_bins: int) -> np.ndarray:
    """Edges, in units of the 1/e half-width, of ``n_bins`` equal-probability bins.

    Bin b holds the deviates y = w * z with z in [edges[b], edges[b+1]] and the
    Gaussian probability of every bin is 1/n_bins. The outer edges are +-inf.

    Parameters
    ----------
    n_bins : int
        Number of bins, >= 1.

    Returns
    -------
    numpy.ndarray
        ``n_bins + 1`` increasing edges, dimensionless (units of the 1/e half-width),
        from -inf to +inf.

    Examples
    --------
    >>> from ncgain.models import lineshapes
    >>> lineshapes.inhomogeneous_bin_edges(2)
    array([-inf,   0.,  inf])
    """
    u = np.linspace(0.0, 1.0, n_bins + 1)
    # z = Phi^-1(u) / sqrt(2) turns a standard normal quantile into units of w.
    return special.ndtri(u) / np.sqrt(2.0)


def binned_ensemble_line(x, inhomogeneous_width: float, lineshape: str,
                         homogeneous_width: float, n_bins: int):
    """Ensemble line of the NCs whose emission energy lies in each probability bin.

    With the inhomogeneous deviate y ~ Gaussian(1/e half-width ``inhomogeneous_width``)
    restricted to equal-probability bin b, this returns
    L_b(x) = n_bins * integral over bin b of g(y) h(x - y) dy, so that
    mean_b L_b = :func:`ensemble_line`. A Monte Carlo estimate that counts NCs per
    bin and weights each count with L_b is therefore unbiased for any number of bins.

    Parameters
    ----------
    x : array_like
        Offsets from the class's line centre (eV), any shape.
    inhomogeneous_width, homogeneous_width : float
        Widths (eV) as in :func:`ensemble_line`; ``homogeneous_width`` may be 0
        for Gaussian lines (the bins are then truncated Gaussians).
    lineshape : {"gaussian", "lorentzian"}
        Shape of the homogeneous line.
    n_bins : int
        Number of equal-probability bins, >= 1 (see :func:`inhomogeneous_bin_edges`).

    Returns
    -------
    numpy.ndarray
        Shape ``(n_bins,) + x.shape``, units 1/eV.
    """
    x = np.asarray(x, dtype=float)
    a, gam = float(inhomogeneous_width), float(homogeneous_width)
    if n_bins == 1:
        return ensemble_line(x, a, lineshape, gam)[None, ...]
    z_edges = inhomogeneous_bin_edges(n_bins)
    if lineshape == "gaussian":
        # The product g(y) h(x-y) is exp(-x^2/W^2) times a Gaussian in y centred at
        # mu = x a^2/W^2 with 1/e half-width s = a gam / W; integrate it over the bin.
        width = np.hypot(a, gam)
        mu = x * (a / width) ** 2
        lo = (a * z_edges[:-1]).reshape((-1,) + (1,) * x.ndim)
        hi = (a * z_edges[1:]).reshape((-1,) + (1,) * x.ndim)
        s = a * gam / width
        # Below ~1e-9 of the inhomogeneous width the homogeneous Gaussian is a delta to
        # double precision (the error is O((gam/a)^2)); the delta branch also avoids
        # dividing by a subnormal s.
        if s > 1e-9 * a:
            frac = 0.5 * (special.erf((hi - mu) / s) - special.erf((lo - mu) / s))
        else:
            frac = ((mu >= lo) & (mu < hi)).astype(float)
        return n_bins * gaussian(x, width)[None, ...] * frac
    # Lorentzian: Simpson's rule in y over each bin (cut at +-7 a, where the
    # Gaussian mass left out is < 1e-21), with a step of at most gamma / 8 so
    # that the homogeneous line is resolved.
    # The energies are processed in blocks so that the integrand table never exceeds
    # BLOCK_ELEMENTS values: memory stays flat however narrow gamma is (time grows as 1/gamma).
    edges = np.clip(a * z_edges, -7.0 * a, 7.0 * a)
    step = min(gam / 8.0, a / 64.0)
    out = np.empty((n_bins,) + x.shape)
    flat_x = x.reshape(-1)
    flat_out = out.reshape(n_bins, -1)
    for b in range(n_bins):
        n_pts = max(2 * int(np.ceil((edges[b + 1] - edges[b]) / step / 2.0)) + 1, 65)
        y = np.linspace(edges[b], edges[b + 1], n_pts)
        g = gaussian(y, a)
        block = max(1, BLOCK_ELEMENTS // n_pts)
        for start in range(0, flat_x.size, block):
            xs = flat_x[start:start + block]
            integrand = g * lorentzian(xs[:, None] - y, gam)
            flat_out[b, start:start + block] = n_bins * integrate.simpson(integrand, x=y, axis=-1)
    return out


def binned_line_table_bytes(n_energies: int, n_bins: int) -> int:
    """Peak bytes of the temporaries of :func:`binned_ensemble_line` (bounded by blocks)."""
    return 8 * (2 * BLOCK_ELEMENTS + 2 * n_bins * n_energies)
