"""The coupling of a photon field to the ensemble: cross-sections and spontaneous feeding.

Everything the cavity and stripe simulations need from the sample goes
through :func:`transition_lines` (the ONE place that reads line strengths and
positions from the :class:`~ncgain.models.StateTable`, whose lines are those of
the sample's band-edge models, :mod:`ncgain.models.bandedge`) and
:func:`coupling_matrices` (line shapes at the channel energies).

Units and conventions
---------------------
* The field of channel k is Q_k, photons per NC (cavity: photons in the mode
  divided by the number of NCs the mode overlaps; stripe: photon flux times
  1/v_g per NC, see :mod:`.stripe`).
* A NC with emission energy E_i in state n has the stimulated-emission
  cross-section sigma_em(E) = sigma_0 sum_l s_l h(E - E_i - o_l) (strengths s_l
  and offsets o_l of its emission lines, h the unit-area homogeneous line in
  1/eV, sigma_0 in cm^2 eV) and likewise sigma_abs from its absorption lines.
* sigma_0 N_NC = alpha_0 / A_peak, with alpha_0 the film's peak absorption
  coefficient (cm^-1) and A_peak (1/eV) the peak of the unexcited ensemble line
  sum_c w_c s_abs(0) (inhomogeneous x homogeneous). So the stimulated rate of a
  NC in channel k is ``kappa * s h(E_k - line) / A_peak * Q_k`` (1/ps) with
  kappa = v_g Gamma_c alpha_0 (1/ps), v_g = c / n_g.
* Spontaneous emission into channel k: ``beta k_rad(1) / s_em(1) * s h(E_k - line)
  dE_k`` (1/ps), dE_k the channel width: the same lines as stimulated
  emission (Einstein), scaled so that a single exciton emits the fraction beta
  of its radiative rate into a channel grid covering its line.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from ncgain.models import Film, Sample
from ncgain.models.resonator import SPEED_OF_LIGHT_CM_PER_PS, channel_grid
from ncgain.models.state_table import StateTable

from .. import observables

__all__ = ["transition_lines", "TransitionLines", "EnergyBins", "energy_bins",
           "coupling_matrices", "default_channels", "kappa", "FieldLine", "field_line",
           "line_cell", "require_one_width_per_class", "LINE_CODES"]

#: Line-shape codes of the field kernels: the homogeneous line sampled at the channel
#: centre (0 Gaussian, 1 Lorentzian) or averaged over the channel (2 Gaussian, 3 Lorentzian;
#: a width of 0, the delta line, is then the channel's box).
LINE_CODES = {("gaussian", False): 0, ("lorentzian", False): 1,
              ("gaussian", True): 2, ("lorentzian", True): 3}

#: Homogeneous widths below this fraction of the channel spacing are averaged over
#: the channels instead of sampled at their centres (:func:`field_line`).
RESOLVED_WIDTH = 0.5

#: Sub-points per energy bin of the bin-averaged coupling of channel-averaged lines.
SUB_POINTS = 64


@dataclass(frozen=True, eq=False)
class TransitionLines:
    """Lines of every (class, state): arrays of shape (K, S, L), strengths in sigma_0.

    ``em_width``/``abs_width``: each line's homogeneous width (eV); unused slots hold the
    class's band-edge width.
    """

    em_strength: np.ndarray
    em_offset: np.ndarray
    abs_strength: np.ndarray
    abs_offset: np.ndarray
    em_width: np.ndarray
    abs_width: np.ndarray


def transition_lines(table: StateTable) -> TransitionLines:
    """Stimulated-emission and absorption lines of each (class, state) of ``table``.

    This is the only function that reads line data from the state table; a
    table with several lines per state (higher transitions, excited-state
    absorption) changes only this function.

    Parameters
    ----------
    table : StateTable

    Returns
    -------
    TransitionLines
        ``em_strength``, ``em_offset``, ``abs_strength``, ``abs_offset``, each
        of shape (n_classes, n_max + 1, n_lines); offsets in eV relative to E_i.
        The absorption strengths of the top state n_max are zero (a reflecting
        top: the photon field, like the pump, adds no exciton to it).
    """
    em_s = np.asarray(table.emission_line_strength, float)
    em_o = np.asarray(table.emission_line_offset, float)
    ab_s = np.asarray(table.absorption_line_strength, float)
    ab_o = np.asarray(table.absorption_line_offset, float)
    ref = np.asarray(table.homogeneous_width, float)[:, None, None]
    n_l = max(em_s.shape[2], ab_s.shape[2])

    def pad(a, fill=None):
        out = np.zeros(a.shape[:2] + (n_l,)) if fill is None else \
            np.broadcast_to(fill, a.shape[:2] + (n_l,)).copy()
        out[..., :a.shape[2]] = a
        return out

    def widths(strength, width):
        # the line's own width; unused slots (and widths equal to the band edge's to
        # rounding) take the class's band-edge width exactly
        w = np.asarray(width, float)
        w = np.where((strength > 0) & ~np.isclose(w, ref, rtol=1e-9, atol=0), w, ref)
        return pad(w, ref)

    em_w, ab_w = widths(em_s, table.emission_line_width), widths(ab_s, table.absorption_line_width)
    ab_s = pad(ab_s)
    # The top state n_max is reflecting, for the field as for the pump: no stimulated
    # absorption out of it (it would carry NCs beyond the state space and leak
    # probability from the twin). n_max is chosen so that its population is negligible.
    ab_s[:, -1, :] = 0.0
    return TransitionLines(pad(em_s), pad(em_o), ab_s, pad(ab_o), em_w, ab_w)


def require_one_width_per_class(table: StateTable, lines: TransitionLines) -> None:
    """The Monte Carlo field's limit: every line of a class has the class's band-edge width.

    Raises
    ------
    ValueError
        Naming the first line with another width (the Monte Carlo kernels tabulate one
        line shape per class; the rate equations take each line's own width).
    """
    ref = np.asarray(table.homogeneous_width, float)
    for name, strength, width in (("emission", lines.em_strength, lines.em_width),
                                  ("absorption", lines.abs_strength, lines.abs_width)):
        bad = (strength > 0) & (width != ref[:, None, None])
        if bad.any():
            c, n, l = (int(v) for v in np.argwhere(bad)[0])
            raise ValueError(
                f"{name} line {l} of state n = {n} (class {c}) has homogeneous width "
                f"{float(width[c, n, l])!r} eV; method='monte-carlo' of the photon field "
                f"supports only the class's band-edge width homogeneous_linewidth = "
                f"{float(ref[c])!r} eV: use method='rate-equations', which takes each line's "
                "own width (or leave xx_absorption_width unset and give higher transitions "
                "that width)")


def kappa(film: Film, group_index: float) -> float:
    """kappa = v_g Gamma_c alpha_0 (1/ps): stimulated rate per photon per NC at unit gain."""
    return SPEED_OF_LIGHT_CM_PER_PS / group_index * film.confinement_factor \
        * film.absorption_coefficient


@dataclass(frozen=True, eq=False)
class EnergyBins:
    """Equal-width bins of E_i per class: edges lo[c] + b / inv_width[c].

    ``energy[c, b]`` is the conditional mean of E_i in the bin (the outermost
    bins hold the Gaussian tails), ``mass[c, b]`` its probability.
    """

    lo: np.ndarray
    inv_width: np.ndarray
    energy: np.ndarray
    mass: np.ndarray


def energy_bins(table: StateTable, n_bins: int, span: float = 4.5) -> EnergyBins:
    """Bins of E_i over E_c +- ``span`` w_c (w_c the 1/e half-width), tails in the end bins."""
    k = table.n_classes
    z = np.linspace(-span, span, n_bins + 1)          # in units of w (1/e half-width)
    z_ext = z.copy()
    z_ext[0], z_ext[-1] = -np.inf, np.inf
    s = z_ext * np.sqrt(2.0)                          # standard-normal units
    cdf = special.ndtr(s)
    pdf = np.where(np.isfinite(s), np.exp(-0.5 * np.where(np.isfinite(s), s, 0.0) ** 2), 0.0) \
        / np.sqrt(2 * np.pi)
    mass = np.diff(cdf)
    mean_s = (pdf[:-1] - pdf[1:]) / mass               # conditional mean, standard-normal units
    lo = np.empty(k)
    inv = np.empty(k)
    energy = np.empty((k, n_bins))
    for c in range(k):
        w = table.inhomogeneous_width[c]
        lo[c] = table.exciton_energy[c] - span * w
        inv[c] = n_bins / (2 * span * w)
        energy[c] = table.exciton_energy[c] + w * mean_s / np.sqrt(2.0)
    return EnergyBins(lo, inv, energy, np.broadcast_to(mass, (k, n_bins)).copy())


def homogeneous(d, width, lineshape, cell=0.0):
    """Unit-area homogeneous line (1/eV) at offsets d: Gaussian (1/e) or Lorentzian (HWHM).

    With ``cell`` > 0 (a channel half-width, eV) the line averaged over the channel
    [d - cell, d + cell]: (1/2 cell) times the line's integral there, which is the box
    1/(2 cell) of the channel for ``width = 0`` (a delta line).
    """
    d = np.asarray(d, float)
    if cell > 0.0:
        if width == 0.0:
            return 0.5 * (np.sign(d + cell) - np.sign(d - cell)) / (2.0 * cell)
        if lineshape == "lorentzian":
            return (np.arctan((d + cell) / width) - np.arctan((d - cell) / width)) \
                / (np.pi * 2.0 * cell)
        return 0.5 * (special.erf((d + cell) / width) - special.erf((d - cell) / width)) \
            / (2.0 * cell)
    if lineshape == "lorentzian":
        return (width / np.pi) / (d * d + width * width)
    return np.exp(-(d / width) ** 2) / (np.sqrt(np.pi) * width)


@dataclass(frozen=True, eq=False)
class FieldLine:
    """How the photon field evaluates the homogeneous lines on its channel grid.

    ``cell`` = 0: the line h of width ``widths[c]`` sampled at the channel centres
    (a Riemann sum of the continuous spectrum: for a Gaussian its area over the
    grid is off by at most 2 exp(-pi^2 gamma^2 / dE^2), 1e-4 at gamma = dE, 17 %
    at gamma = dE / 2 = :data:`RESOLVED_WIDTH` dE). ``cell`` = dE / 2, used when
    every width is below RESOLVED_WIDTH dE: the line averaged over each channel,
    (1/dE) times its integral over the channel, which has the exact area and for
    gamma = 0 (a delta line) is the channel's box, so that a NC at E_i couples
    to the channel holding E_i + offset. The switch keeps every result with
    gamma >= dE / 2 unchanged; at the switch the coupling changes by up to the
    sampled line's area error above. ``code`` is the
    kernels' line code (:data:`LINE_CODES`); ``scale`` the energy scale of the
    line (eV) that sets the rate-table grid.
    """

    lineshape: str
    widths: np.ndarray
    cell: float
    code: int
    scale: float

    def __call__(self, d, c: int):
        """The line of class ``c`` at offsets ``d`` (1/eV)."""
        return homogeneous(d, float(self.widths[c]), self.lineshape, self.cell)


def field_line(table: StateTable, channels: np.ndarray) -> FieldLine:
    """The :class:`FieldLine` of ``table`` on the channel grid ``channels``.

    The line is sampled at the channel centres when every class's homogeneous
    width is at least RESOLVED_WIDTH times the channel spacing dE, and averaged
    over the channels when all are below (then the grid must be uniform, as the
    cavity's and stripe's are).

    Raises
    ------
    ValueError
        If some classes have ``homogeneous_linewidth`` below dE and others not (one
        line evaluation per field), or a channel-averaged line meets a non-uniform grid.
    """
    widths = np.asarray(table.homogeneous_width, float)
    if channels.size < 2:
        step = np.inf
    else:
        step = float((channels[-1] - channels[0]) / (channels.size - 1))
    small = widths < RESOLVED_WIDTH * step
    if small.any() and not small.all():
        raise ValueError(
            f"homogeneous_linewidth = {widths.tolist()} eV of the size classes lies on both "
            f"sides of {RESOLVED_WIDTH:g} x the channel spacing {step:.4g} eV; the photon field "
            "needs all widths above it (lines sampled at the channels) or all below it "
            "(lines averaged over the channels): give the classes one homogeneous_linewidth "
            "or change the number of channels")
    cell = 0.0
    if small.all():
        d = np.diff(channels)
        if float(np.max(np.abs(d - step))) > 1e-9 * step:
            raise ValueError(
                f"homogeneous_linewidth = {float(widths.min())!r} eV is below "
                f"{RESOLVED_WIDTH:g} x the channel spacing; lines averaged over the channels "
                "need a uniform channel grid")
        cell = 0.5 * step
    code = LINE_CODES[(table.lineshape, cell > 0.0)]
    scale = 2.0 * cell if cell > 0.0 else float(widths.min())
    return FieldLine(table.lineshape, widths, cell, code, scale)


def line_cell(width: float, channels: np.ndarray) -> float:
    """How the rate equations evaluate one line of homogeneous ``width`` on the channels.

    The rule of :func:`field_line`, per line: 0 (sampled at the channel centres) if
    ``width`` >= RESOLVED_WIDTH times the channel spacing, else half the spacing
    (averaged over each channel, which needs a uniform grid).

    Raises
    ------
    ValueError
        If a channel-averaged line meets a non-uniform grid.
    """
    step = np.inf if channels.size < 2 else float((channels[-1] - channels[0])
                                                   / (channels.size - 1))
    if not width < RESOLVED_WIDTH * step:
        return 0.0
    d = np.diff(channels)
    if float(np.max(np.abs(d - step))) > 1e-9 * step:
        raise ValueError(
            f"homogeneous_linewidth = {float(width)!r} eV is below {RESOLVED_WIDTH:g} x the "
            "channel spacing; lines averaged over the channels need a uniform channel grid")
    return 0.5 * step


def channel_widths(channels: np.ndarray) -> np.ndarray:
    """Width dE_k (eV) of each channel: the spacing of the grid (half-spacings at the ends)."""
    edges = np.concatenate([[channels[0] - (channels[1] - channels[0]) / 2],
                            (channels[1:] + channels[:-1]) / 2,
                            [channels[-1] + (channels[-1] - channels[-2]) / 2]])
    return np.diff(edges)


def default_channels(sample: Sample, table: StateTable, n_channels: int,
                     channel_range=None, name: str = "channel_range") -> np.ndarray:
    """The channel grid: ``channel_range`` or E_X - 2.5 Gamma ... E_X + max(Delta, 0) + 1.5 Gamma.

    Raises
    ------
    ValueError
        If a channel lies outside :func:`~ncgain.kinetics.observables.gain_range`: where
        alpha_0 is resolvable or a band-edge line lies (+-3 widths).
    """
    if channel_range is None:
        gam = float(np.max(np.hypot(table.inhomogeneous_width, table.homogeneous_width)))
        lo = sample.exciton_energy - 2.5 * gam
        hi = sample.exciton_energy + max(sample.delta_xx, 0.0) + 1.5 * gam
    else:
        lo, hi = channel_range
    grid = channel_grid(np.linspace(lo, hi, n_channels), name)
    # The field's gain is alpha/alpha_0(peak): defined wherever a line lies, also beyond
    # the resolvable range (the XX line of a narrow repulsive sample, Delta_XX >> Gamma).
    g_lo, g_hi = observables.gain_range(table)
    if grid[0] < g_lo or grid[-1] > g_hi:
        given = "" if channel_range is not None else " (the default grid)"
        raise ValueError(f"{name}{given} = ({grid[0]:.4f}, {grid[-1]:.4f}) eV is outside the "
                         f"allowed range [{g_lo:.4f}, {g_hi:.4f}] eV, where the unexcited absorption "
                         f"alpha_0 is at least {observables.MIN_RELATIVE_ALPHA0:g} of its peak "
                         "or a band-edge line lies (+-3 widths)")
    return grid


@dataclass(frozen=True, eq=False)
class CouplingMatrices:
    """Bin-resolved line shapes at the channels (shape (K, S, B, C)).

    ``em``/``absorb``: sum_l s_l h(E_k - E_b - o_l) / A_peak (dimensionless gain
    units: the net gain of the ensemble is sum p (em - absorb)); ``spont``:
    spontaneous rate into channel k (1/ps) of a NC in bin b, state n.
    """

    em: np.ndarray
    absorb: np.ndarray
    spont: np.ndarray
    a_peak: float


def coupling_matrices(table: StateTable, lines: TransitionLines, bins: EnergyBins,
                      channels: np.ndarray, spont_coef: np.ndarray) -> CouplingMatrices:
    """Line shapes of every (class, state, energy bin) at the channel energies.

    Lines sampled at the channels are evaluated at the bins' mean E_i; lines
    averaged over the channels (widths below the channel spacing, see
    :func:`field_line`) are also averaged over each bin's E_i distribution
    (:data:`SUB_POINTS` equal-mass points per bin), since a narrow line would
    otherwise alias onto whichever channel holds the bin's mean.
    """
    _, a_peak = observables.absorption_peak(table)
    k_cls, s_st, n_l = lines.em_strength.shape
    width = channel_widths(channels)
    em = np.zeros((k_cls, s_st, bins.energy.shape[1], channels.size))
    ab = np.zeros_like(em)
    sp = np.zeros_like(em)
    for c in range(k_cls):
        points = []                                            # (B, P), when needed

        def shape(offset, w):
            # each line with its own width (lines.em_width / abs_width), sampled at the
            # channels or averaged over them by line_cell's rule
            cell = line_cell(float(w), channels)
            if cell > 0.0:
                if not points:
                    points.append(_bin_points(table, bins, c))
                d = channels[None, None, :] - points[0][:, :, None] - offset
                return homogeneous(d, float(w), table.lineshape, cell).mean(axis=1)
            return homogeneous(channels[None, :] - bins.energy[c][:, None] - offset,
                               float(w), table.lineshape, cell)
        for n in range(s_st):
            for l in range(n_l):
                if lines.em_strength[c, n, l] > 0:
                    h = shape(lines.em_offset[c, n, l], lines.em_width[c, n, l])
                    em[c, n] += lines.em_strength[c, n, l] * h / a_peak
                    sp[c, n] += spont_coef[c, n, l] * h * width[None, :]
                if lines.abs_strength[c, n, l] > 0:
                    ab[c, n] += lines.abs_strength[c, n, l] * shape(
                        lines.abs_offset[c, n, l], lines.abs_width[c, n, l]) / a_peak
    return CouplingMatrices(em, ab, sp, a_peak)


def _bin_points(table: StateTable, bins: EnergyBins, c: int) -> np.ndarray:
    """Equal-mass points of E_i in each energy bin of class c (quantile midpoints), (B, P)."""
    n_bins = bins.energy.shape[1]
    w = float(table.inhomogeneous_width[c])
    edges_s = (bins.lo[c] + np.arange(n_bins + 1) / bins.inv_width[c]
               - table.exciton_energy[c]) / w * np.sqrt(2.0)
    cdf = special.ndtr(edges_s)
    cdf[0], cdf[-1] = 0.0, 1.0                        # the end bins hold the tails
    q = (np.arange(SUB_POINTS) + 0.5) / SUB_POINTS
    u = cdf[:-1, None] + (cdf[1:] - cdf[:-1])[:, None] * q[None, :]
    return table.exciton_energy[c] + w * special.ndtri(u) / np.sqrt(2.0)


def spontaneous_coefficients(table: StateTable, lines: TransitionLines, beta: float,
                             channels: np.ndarray) -> np.ndarray:
    """beta k_rad(1)/sum_l s_em(1) * s_em(n, l): per-line spontaneous coefficient (1/ps).

    Raises
    ------
    ValueError
        If for some state the emission into the channels would exceed its
        radiative rate (beta too large for that state's radiative rate).
    """
    s1 = lines.em_strength[:, 1, :].sum(axis=1)
    coef = beta * table.radiative_rate[:, 1][:, None, None] / s1[:, None, None] * lines.em_strength
    # Largest fraction of a line captured by the channel grid (Riemann sum of h dE), per
    # line width (each line with its own, as in coupling_matrices).
    width = channel_widths(channels)
    probe = np.linspace(channels[0], channels[-1], 401)
    covers = {}

    def cover(w):
        if w not in covers:
            h = homogeneous(channels[None, :] - probe[:, None], w, table.lineshape,
                            line_cell(w, channels))
            covers[w] = (h * width[None, :]).sum(axis=1).max()
        return covers[w]
    for c in range(table.n_classes):
        into = np.array([sum(coef[c, n, l] * cover(float(lines.em_width[c, n, l]))
                             for l in range(coef.shape[2]) if coef[c, n, l] > 0)
                         for n in range(coef.shape[1])])
        bad = into > table.radiative_rate[c] * (1 + 1e-9)
        if bad.any():
            n = int(np.argmax(bad))
            raise ValueError(
                f"spontaneous_coupling = {beta!r} is too large: state n = {n} would emit "
                f"{into[n]:.3g} ps^-1 into the channels, more than its radiative rate "
                f"{table.radiative_rate[c, n]:.3g} ps^-1; allowed beta <= "
                f"{beta * table.radiative_rate[c, n] / into[n]:.3g}")
    return coef


def energies_from_uniforms(table: StateTable, nc_class: np.ndarray, nc_u: np.ndarray,
                           chunk: int = 1 << 20) -> None:
    """Turn the kernel's energy uniforms u_E into E_i = E_c + w_c Phi^-1(u_E)/sqrt(2), in place.

    Chunked to bound the temporaries (``nc_u`` holds u_E on entry and E_i in eV on exit).
    """
    for lo in range(0, nc_u.size, chunk):
        hi = min(nc_u.size, lo + chunk)
        c = nc_class[lo:hi]
        nc_u[lo:hi] = table.exciton_energy[c] + table.inhomogeneous_width[c] \
            * special.ndtri(nc_u[lo:hi]) / np.sqrt(2.0)

