"""Spectra from occupations: absorption, bleaching and spontaneous emission.

Both methods describe the ensemble by an occupation tensor
P[m, t, c, n, b]: the fraction of NCs of class c holding n excitons whose
emission energy lies in inhomogeneous-energy bin b (equal-probability bins of
the class's Gaussian distribution of E_i). The Monte Carlo fills it with
counts / n_nanocrystals, the master equation with p_n(t) * weight_c / n_bins.
Every spectrum is linear in P:

    alpha(E) = sum_{c,n,b} P[c,n,b] * F_abs[c,n,b](E),
    pl(E)    = sum_{c,n,b} P[c,n,b] * F_pl[c,n,b](E),

with F the bin-conditional ensemble lines of :mod:`models.lineshapes` weighted
by the state table's strengths; that makes the Monte Carlo spectra unbiased
for any number of bins and gives their exact variance (:func:`spectra_variance`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize

from ncgain.models import lineshapes
from ncgain.models.state_table import StateTable

__all__ = ["LineKernels", "line_kernels", "unexcited_absorption", "reference_absorption",
           "absorption_peak",
           "spectra", "spectra_variance", "default_energies", "resolvable_range", "gain_range"]

#: Smallest alpha_0(E) / alpha_0(peak) at which bleaching -dalpha/alpha_0 is reported.
MIN_RELATIVE_ALPHA0 = 1e-12
#: Smallest photon energy (eV) of any spectrum: photon energies are positive.
MIN_PHOTON_ENERGY = 1e-3
#: Grid points per ensemble half-width that the default grid keeps on every line.
POINTS_PER_WIDTH = 8


@dataclass(frozen=True, eq=False)
class LineKernels:
    """Per-NC contributions F[c, n, b, e] to the spectra at ``energies``.

    Made by :func:`line_kernels`; the parameters are also the attributes.

    Parameters
    ----------
    energies : ndarray, shape (E,)
        Photon energies (eV).
    absorption : ndarray, shape (K, n_max + 1, B, E)
        Absorption minus stimulated emission of one NC of class c, state n and
        inhomogeneous bin b, in units of sigma_0 per eV (before normalization by the
        unexcited peak).
    pl : ndarray, shape (K, n_max + 1, B, E)
        Spontaneous emission of such an NC, photons per ps per eV.
    alpha0_peak : float
        Peak of the unexcited absorption (sigma_0 per eV), the normalization of the
        absorption spectra.
    """

    energies: np.ndarray
    absorption: np.ndarray
    pl: np.ndarray
    alpha0_peak: float


def _class_line(table: StateTable, c: int, x, width: float):
    """Ensemble line of class ``c`` (1/eV) for homogeneous half-width ``width``."""
    return lineshapes.ensemble_line(x, table.inhomogeneous_width[c], table.lineshape, width)


def unexcited_absorption(table: StateTable, energies) -> np.ndarray:
    """alpha_0(E): absorption of the unexcited ensemble, exact.

    The sum over every absorption line of state n = 0 (band edge, higher
    transitions), with the resident electrons of charged classes.

    Parameters
    ----------
    table : StateTable
        The sample's state table.
    energies : array_like
        Photon energies (eV).

    Returns
    -------
    numpy.ndarray
        alpha_0 at ``energies`` in units of sigma_0 per eV, same shape as ``energies``.
    """
    e = np.asarray(energies, float)
    out = np.zeros_like(e)
    for c in range(table.n_classes):
        for j in range(table.absorption_line_strength.shape[2]):
            s = table.absorption_line_strength[c, 0, j]
            if s > 0:
                x = e - table.exciton_energy[c] - table.absorption_line_offset[c, 0, j]
                out += table.class_weight[c] * s * _class_line(
                    table, c, x, table.absorption_line_width[c, 0, j])
    return out


def reference_absorption(table: StateTable, energies) -> np.ndarray:
    """Band-edge absorption of the same ensemble unexcited and neutral.

    It sets the normalization alpha_0(peak) of every spectrum and the band where
    spectra are defined; for a neutral sample without higher transitions it is
    :func:`unexcited_absorption`.

    Parameters
    ----------
    table : StateTable
        The sample's state table.
    energies : array_like
        Photon energies (eV).

    Returns
    -------
    numpy.ndarray
        The reference absorption in units of sigma_0 per eV, same shape as ``energies``.
    """
    e = np.asarray(energies, float)
    out = np.zeros_like(e)
    for c in range(table.n_classes):
        for j in range(table.reference_strength.shape[1]):
            if table.reference_strength[c, j] > 0:
                x = e - table.exciton_energy[c] - table.reference_offset[c, j]
                out += table.class_weight[c] * table.reference_strength[c, j] * _class_line(
                    table, c, x, table.reference_width[c, j])
    return out


def absorption_peak(table: StateTable) -> tuple[float, float]:
    """The peak of :func:`reference_absorption`, alpha_0(peak).

    This band-edge peak of the unexcited neutral ensemble is the unit of every
    absorption spectrum and gain criterion.

    Parameters
    ----------
    table : StateTable
        The sample's state table.

    Returns
    -------
    energy : float
        Photon energy of the maximum (eV).
    value : float
        The reference absorption there (sigma_0 per eV).
    """
    # memoized on everything reference_absorption reads: the normalization of every spectrum
    # is asked for several times per simulation, and a fit's steps often leave it unchanged
    key = (table.lineshape, *(np.ascontiguousarray(a, float).tobytes() for a in (
        table.exciton_energy, table.reference_offset, table.reference_strength,
        table.reference_width, table.inhomogeneous_width, table.class_weight)),
        table.reference_strength.shape)
    if key not in _PEAK_CACHE:
        if len(_PEAK_CACHE) >= _PEAK_CACHE_SIZE:
            _PEAK_CACHE.clear()
        _PEAK_CACHE[key] = _absorption_peak(table)
    return _PEAK_CACHE[key]


_PEAK_CACHE: dict = {}
_PEAK_CACHE_SIZE = 256


def _absorption_peak(table: StateTable) -> tuple[float, float]:
    centres = table.exciton_energy[:, None] + table.reference_offset
    width = float(np.max(np.hypot(table.inhomogeneous_width[:, None], table.reference_width)))
    grid = np.linspace(centres.min() - 3 * width, centres.max() + 3 * width, 4001)
    values = reference_absorption(table, grid)
    k = int(np.argmax(values))
    lo, hi = grid[max(k - 1, 0)], grid[min(k + 1, grid.size - 1)]
    res = optimize.minimize_scalar(lambda x: -reference_absorption(table, x), bounds=(lo, hi),
                                   method="bounded", options={"xatol": 1e-10})
    e_peak = float(res.x) if -res.fun >= values[k] else float(grid[k])
    return e_peak, float(reference_absorption(table, e_peak))


def resolvable_range(table: StateTable) -> tuple[float, float]:
    """Energies between which the reference band edge >= MIN_RELATIVE_ALPHA0 of its peak.

    Parameters
    ----------
    table : StateTable
        The sample's state table.

    Returns
    -------
    low, high : float
        The range (eV) where spectra and the bleaching are defined.
    """
    e_peak, peak = absorption_peak(table)
    width = float(np.max(np.hypot(table.inhomogeneous_width[:, None], table.reference_width)))
    f = lambda e: reference_absorption(table, e) / peak - MIN_RELATIVE_ALPHA0  # noqa: E731
    # Bracket by doubling the distance (Lorentzian tails reach 1e-12 of the peak only
    # ~1e6 widths out: stepping by one width would take a million evaluations).
    step = width
    while f(e_peak - step) > 0 and step < 1e3:
        step *= 2.0
    lo = e_peak - step
    step = width
    while f(e_peak + step) > 0 and step < 1e3:
        step *= 2.0
    hi = e_peak + step
    # Lorentzian tails can stay resolvable beyond 1 keV: then the bracket end is the bound.
    return (optimize.brentq(f, lo, e_peak, xtol=1e-9) + 1e-9 if f(lo) <= 0 else lo,
            optimize.brentq(f, e_peak, hi, xtol=1e-9) - 1e-9 if f(hi) <= 0 else hi)


def gain_range(table: StateTable) -> tuple[float, float]:
    """Energies where a gain alpha / alpha_0(peak) is defined: the resolvable range and every line.

    The union of :func:`resolvable_range` and the band-edge lines +-3 widths
    (``default_energies(table, resolvable=False)``). Gain in units of the unexcited
    peak absorption needs no alpha_0(E), so it is defined beyond the resolvable range
    where a line lies there: the XX line of a sample with Delta_XX > ~5 Gamma, whose
    gain a photon field (stripe, cavity) or a threshold must see.

    Parameters
    ----------
    table : StateTable
        The sample's state table.

    Returns
    -------
    low, high : float
        The range (eV); low >= MIN_PHOTON_ENERGY.
    """
    r_lo, r_hi = resolvable_range(table)
    lines = default_energies(table, 2, resolvable=False)
    return max(min(r_lo, float(lines[0])), MIN_PHOTON_ENERGY), max(r_hi, float(lines[-1]))


def default_energies(table: StateTable, n_points: int = 241, *,
                     resolvable: bool = True) -> np.ndarray:
    """A photon-energy grid (eV) covering every band-edge line of the table.

    It spans the band-edge lines (line 0 of both lists) with non-zero strength
    +-3 ensemble widths, cut to the range where the band edge is resolvable
    (:func:`resolvable_range`) so that spectra are defined everywhere on it, and
    to photon energies >= MIN_PHOTON_ENERGY. Higher transitions contribute to the
    spectra on this grid but do not widen it. Where the ``n_points`` uniform
    points are coarser than 1/POINTS_PER_WIDTH of the narrowest of these lines,
    every line also gets a local grid of that resolution (+-4 widths), so that
    no line falls between points.

    Parameters
    ----------
    table : StateTable
        The sample's state table.
    n_points : int, default 241
        Number of evenly spaced grid points.
    resolvable : bool, default True
        Cut the grid to :func:`resolvable_range`, where the bleaching -dalpha/alpha_0
        is defined. ``False`` (the gain thresholds, whose criterion alpha / alpha_0(peak)
        needs no alpha_0(E)): every band-edge line +-3 widths, also where alpha_0 has
        fallen below MIN_RELATIVE_ALPHA0 of its peak -- the XX line of a repulsive sample
        with Delta_XX > ~5 Gamma lies there, and so would the gain it carries.

    Returns
    -------
    numpy.ndarray
        Increasing photon energies (eV): ``n_points`` evenly spaced, plus the
        local points of narrow lines if needed.

    Raises
    ------
    ValueError
        If the band edge lies entirely below MIN_PHOTON_ENERGY.
    """
    width = np.hypot(table.inhomogeneous_width, table.homogeneous_width)
    lo, hi = np.inf, -np.inf
    lines = []      # (centre, ensemble half-width) of every line spanned
    for c in range(table.n_classes):
        nb = table.n_band_edge_absorption_lines
        for off, st, lw in ((table.absorption_line_offset[c, :, :nb],
                             table.absorption_line_strength[c, :, :nb],
                             table.absorption_line_width[c, :, :nb]),
                            (table.emission_line_offset[c], table.emission_line_strength[c],
                             table.emission_line_width[c])):
            o = np.append(off[st > 0], table.reference_offset[c])
            lo = min(lo, table.exciton_energy[c] + o.min() - 3 * width[c])
            hi = max(hi, table.exciton_energy[c] + o.max() + 3 * width[c])
            lines += zip(table.exciton_energy[c] + off[st > 0],
                         np.hypot(table.inhomogeneous_width[c], lw[st > 0]))
    r_lo, r_hi = resolvable_range(table) if resolvable else (-np.inf, np.inf)
    lo, hi = max(lo, r_lo, MIN_PHOTON_ENERGY), min(hi, r_hi)
    if not hi > lo:
        raise ValueError(
            f"the sample's band edge lies below the smallest photon energy {MIN_PHOTON_ENERGY} eV "
            "(exciton_energy too small for its linewidth); raise exciton_energy or pass energies")
    grid = np.linspace(lo, hi, n_points)
    narrowest = min([float(w) for _, w in lines] + [float(width.min())])
    if n_points > 1 and grid[1] - grid[0] > narrowest / POINTS_PER_WIDTH:
        # Lines narrower than the uniform spacing: resolve each one with a local grid.
        local = [np.linspace(c - 4 * w, c + 4 * w, 8 * POINTS_PER_WIDTH + 1)
                 for c, w in set((round(float(c), 12), float(w)) for c, w in lines) if w > 0]
        grid = np.unique(np.concatenate([grid] + local))
        grid = grid[(grid >= lo) & (grid <= hi)]
    return np.unique(np.round(grid, 12))


def line_kernels(table: StateTable, energies, n_bins: int) -> LineKernels:
    """Compute the per-(class, state, bin) spectral contributions at ``energies``.

    Sums over the table's line lists: absorption lines add, stimulated-emission
    lines subtract; PL is k_rad times the strength-weighted emission line shapes
    normalized to unit total area.

    Parameters
    ----------
    table : StateTable
        The sample's state table.
    energies : array_like
        Photon energies (eV), one-dimensional.
    n_bins : int
        Number of equal-probability bins of the inhomogeneous distribution
        (see :func:`ncgain.models.lineshapes.binned_ensemble_line`).

    Returns
    -------
    LineKernels
        The absorption and PL contributions of one NC of every class, state and bin.
    """
    e = np.asarray(energies, float)
    n_states = table.n_max + 1
    f_abs = np.zeros((table.n_classes, n_states, n_bins, e.size))
    f_pl = np.zeros_like(f_abs)
    for c in range(table.n_classes):
        centre = e - table.exciton_energy[c]
        # States share few distinct lines (all n >= g emit at (g-1) Delta):
        # evaluate each distinct (offset, width) once.
        cache: dict[tuple[float, float], np.ndarray] = {}

        def line(offset, width):
            key = (float(offset), float(width))
            if key not in cache:
                cache[key] = lineshapes.binned_ensemble_line(
                    centre - offset, table.inhomogeneous_width[c], table.lineshape,
                    float(width), n_bins)
            return cache[key]

        for n in range(n_states):
            for j in range(table.absorption_line_strength.shape[2]):
                s = table.absorption_line_strength[c, n, j]
                if s > 0:
                    f_abs[c, n] += s * line(table.absorption_line_offset[c, n, j],
                                            table.absorption_line_width[c, n, j])
            total = table.emission_line_strength[c, n].sum()
            for j in range(table.emission_line_strength.shape[2]):
                s = table.emission_line_strength[c, n, j]
                if s > 0:
                    em = line(table.emission_line_offset[c, n, j],
                              table.emission_line_width[c, n, j])
                    f_abs[c, n] -= s * em
                    f_pl[c, n] += table.radiative_rate[c, n] * (s / total) * em
    _, peak = absorption_peak(table)
    return LineKernels(energies=e, absorption=f_abs, pl=f_pl, alpha0_peak=peak)


def spectra(occupation: np.ndarray, kernels: LineKernels) -> tuple[np.ndarray, np.ndarray]:
    """Absorption and PL spectra from the occupation of the states.

    Parameters
    ----------
    occupation : ndarray, shape (M, T, K, n_max + 1, B)
        Probability of class c, state n and bin b at each excitation level m and time t.
    kernels : LineKernels
        From :func:`line_kernels` at the same table.

    Returns
    -------
    absorption : numpy.ndarray, shape (M, T, E)
        alpha/alpha_0(peak), dimensionless; negative values are gain.
    pl : numpy.ndarray, shape (M, T, E)
        Spontaneous emission, photons per ps per eV per NC.
    """
    alpha = np.einsum("mtcnb,cnbe->mte", occupation, kernels.absorption, optimize=True)
    pl = np.einsum("mtcnb,cnbe->mte", occupation, kernels.pl, optimize=True)
    return alpha / kernels.alpha0_peak, pl


def spectra_variance(occupation: np.ndarray, kernels: LineKernels,
                     n_nanocrystals: int) -> tuple[np.ndarray, np.ndarray]:
    """Exact variance of the Monte Carlo estimates of :func:`spectra`.

    ``occupation`` must be the exact (master-equation) occupation; NCs are
    independent and identically distributed, so Var = (E[F^2] - E[F]^2) / N.

    Parameters
    ----------
    occupation : ndarray, shape (M, T, K, n_max + 1, B)
        Exact probabilities of the states, as for :func:`spectra`.
    kernels : LineKernels
        From :func:`line_kernels`.
    n_nanocrystals : int
        Ensemble size N of the Monte Carlo run.

    Returns
    -------
    absorption_variance, pl_variance : numpy.ndarray, shape (M, T, E)
        Variances of the two spectra of :func:`spectra`, in their units squared.
    """
    out = []
    for f, scale in ((kernels.absorption, kernels.alpha0_peak), (kernels.pl, 1.0)):
        mean = np.einsum("mtcnb,cnbe->mte", occupation, f, optimize=True)
        second = np.einsum("mtcnb,cnbe->mte", occupation, f * f, optimize=True)
        out.append(np.maximum(second - mean * mean, 0.0) / n_nanocrystals / scale ** 2)
    return out[0], out[1]
