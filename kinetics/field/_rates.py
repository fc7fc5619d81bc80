"""Per-step rate tables of the photon-field Monte Carlo on a fine grid of E_i.

Under a field fixed within a step, the stimulated rates of a NC of class c in
state n are functions of its emission energy E alone:

    W_em[c, n](E) = sum_l s_l T_c(E + o_l),   T_c(x) = K sum_k h_c(E_k - x) P_k,

(strengths s_l and offsets o_l of the state's emission lines; likewise W_abs
with the absorption lines; h_c the unit-area homogeneous line, P_k the photons
of channel k, K = kappa / A_peak / N). :class:`StimulatedRates` tabulates T_c
on a grid of spacing dx = RATE_GRID_STEP min_c w_c (w_c the homogeneous width)
and folds the sum over lines in once per step, on a grid of E_i of the same
spacing covering every NC: a NC then needs one linear interpolation per step
instead of one per line. The piecewise-linear evaluation differs from the exact
sums by at most ``relative_error_bound`` (two stacked linear interpolations of
a line whose curvature is at most 2 h(0) / w^2: (dx / w)^2 / 2 of the peak
rate, 1.2e-4 at dx = w / 64); ``tests/kinetics/test_cavity_kernels.py`` checks
the bound against the exact sums.
"""

from __future__ import annotations

import numpy as np

from ncgain.models.state_table import StateTable

from . import _kernels as _field_kernels
from ._coupling import TransitionLines, channel_widths, field_line

__all__ = ["RATE_GRID_STEP", "StimulatedRates", "spontaneous_bound", "uniform_step",
           "rate_grid"]

#: Grid spacing of the rate tables in units of the smallest homogeneous width.
RATE_GRID_STEP = 1.0 / 64.0


def rate_grid(table: StateTable, channels: np.ndarray) -> tuple[float, float]:
    """(spacing dx, margin) of the rate tables (eV): RATE_GRID_STEP times the line's scale
    (the smallest homogeneous width, or the channel spacing for lines averaged over the
    channels, :func:`._coupling.field_line`) and the reach of the widest line beyond
    the channel grid."""
    line = field_line(table, channels)
    w_max = float(np.max(line.widths))
    margin = (200.0 if table.lineshape == "lorentzian" else 8.0) * w_max + line.cell
    return line.scale * RATE_GRID_STEP, margin


class StimulatedRates:
    """Stimulated-emission and absorption rates per (class, n) on a grid of E_i.

    Parameters
    ----------
    table : StateTable
        Homogeneous widths and line shape.
    lines : TransitionLines
        Strengths and offsets of the emission and absorption lines.
    channels : ndarray
        Channel energies (eV).
    scale : float
        Rate per photon per unit line strength and unit line shape (1/ps eV):
        kappa / A_peak / N for photons given per simulated ensemble.
    e_min, e_max : float
        Range of E_i the tables must cover (eV): the smallest and largest NC energy.
    base_rate : ndarray, shape (n_classes, n_states)
        Field-independent rate (pump + decay, 1/ps) added into ``total``.

    Attributes
    ----------
    em, absorb, total : ndarray, shape (n_classes, n_states, n_grid)
        W_em, W_abs and base_rate + W_em + W_abs at E = e0 + j dx (1/ps),
        filled by :meth:`update`.
    e0, dx : float
        Grid origin and spacing (eV); ``inv_dx = 1 / dx``.
    """

    def __init__(self, table: StateTable, lines: TransitionLines, channels: np.ndarray,
                 scale: float, e_min: float, e_max: float, base_rate: np.ndarray):
        if not (np.isfinite(e_min) and np.isfinite(e_max) and e_min <= e_max):
            raise ValueError(f"e_min, e_max = {e_min!r}, {e_max!r} must be finite, e_min <= e_max")
        self.lines = lines
        line = field_line(table, channels)
        widths = line.widths
        self.lorentzian = table.lineshape == "lorentzian"
        self.line_code = line.code
        self.dx, margin = rate_grid(table, channels)
        self.inv_dx = 1.0 / self.dx
        self.x0 = float(channels[0] - margin)
        nx = int(np.ceil((channels[-1] + margin - self.x0) / self.dx)) + 2
        xg = self.x0 + self.dx * np.arange(nx)
        # h_c(E_k - x) * scale, (K, C, X): the line of each class and channel on the grid
        self.line_table = np.stack([line(channels[:, None] - xg[None, :], c)
                                    for c in range(widths.size)]) * scale
        self.e0 = float(e_min)
        ne = int(np.ceil((float(e_max) - self.e0) / self.dx)) + 2
        shape = lines.em_strength.shape[:2] + (ne,)
        self.em = np.zeros(shape)
        self.absorb = np.zeros(shape)
        self.base = np.ascontiguousarray(base_rate, dtype=float)
        self.total = np.repeat(self.base[:, :, None], ne, axis=2)
        self._t_buf = np.zeros((widths.size, xg.size))
        # Lines averaged over the channels have steps of width ~gamma at the channel
        # edges, which the grid does not resolve: no uniform bound there (the error
        # stays within dx of an edge).
        self.relative_error_bound = 0.5 * RATE_GRID_STEP ** 2 if line.cell == 0.0 else np.inf

    @property
    def nbytes(self) -> int:
        """Memory of the tables (bytes): independent of the number of NCs."""
        return (self.line_table.nbytes + self._t_buf.nbytes + self.em.nbytes + self.absorb.nbytes
                + self.total.nbytes)

    def update(self, photons: np.ndarray) -> None:
        """Fill ``em``, ``absorb``, ``total`` for the channel photons ``photons`` (per ensemble)."""
        ln = self.lines
        _field_kernels._update_rates(self.line_table, np.ascontiguousarray(photons, float),
                                     self.x0, self.inv_dx, ln.em_strength, ln.em_offset,
                                     ln.abs_strength, ln.abs_offset, self.e0, self.base,
                                     self._t_buf, self.em, self.absorb, self.total)

    def interpolate(self, which: np.ndarray, c: int, n: int, energy) -> np.ndarray:
        """``which[c, n]`` at energies ``energy`` as the kernel evaluates it (for tests)."""
        f = (np.asarray(energy, float) - self.e0) * self.inv_dx
        j = np.clip(f.astype(np.int64), 0, which.shape[2] - 2)
        w = f - j
        return which[c, n, j] + w * (which[c, n, j + 1] - which[c, n, j])


def spontaneous_bound(table: StateTable, spont_coef: np.ndarray,
                      channels: np.ndarray) -> np.ndarray:
    """Upper bound (1/ps) of a NC's total spontaneous rate into the channels, per (class, n).

    The rate into the channels of a NC at E_i is sum_l spont_coef[c, n, l]
    S_c(E_i + o_l) with S_c(x) = sum_k h_c(E_k - x) dE_k; S_c is bounded by its
    maximum on a grid of spacing dx = w_c / 64 (w_c the homogeneous width) plus
    dx / 2 times its Lipschitz constant sum_k dE_k max|h_c'|. The Monte Carlo
    kernel skips the channel search of a decay whose uniform lies above this
    bound (the search would find no channel), which leaves every outcome unchanged.

    Parameters
    ----------
    table : StateTable
        Gives the homogeneous widths and the line shape.
    spont_coef : ndarray, shape (n_classes, n_states, n_lines)
        Spontaneous coefficients of the lines (1/ps).
    channels : ndarray
        Channel energies (eV).

    Returns
    -------
    ndarray, shape (n_classes, n_states)
        The bound B[c, n] >= sum_k (rate into channel k) for every E_i.
    """
    width = channel_widths(channels)
    out = np.zeros(spont_coef.shape[:2])
    lorentz = table.lineshape == "lorentzian"
    line = field_line(table, channels)
    if line.cell > 0.0:
        # Lines averaged over the channels: sum_k dE_k h_cell(E_k - x) is the line's
        # integral over the grid, <= 1 (unit area): the bound needs no grid.
        return np.clip(spont_coef, 0.0, None).sum(axis=2) * (1.0 + 1e-9)
    for c in range(table.n_classes):
        gam = float(table.homogeneous_width[c])
        dx = gam / 64.0
        margin = (200.0 if lorentz else 10.0) * gam
        x = np.arange(channels[0] - margin, channels[-1] + margin + dx, dx)
        s = np.zeros(x.size)
        for k in range(channels.size):    # a loop over channels bounds the temporaries
            s += line(channels[k] - x, c) * width[k]
        # max |h'|: Gaussian (1/e half-width w) sqrt(2/e) / (sqrt(pi) w^2);
        # Lorentzian (HWHM w) 3 sqrt(3) / (8 pi w^2)
        slope = (3 * np.sqrt(3) / (8 * np.pi) if lorentz
                 else np.sqrt(2 / np.e) / np.sqrt(np.pi)) / gam ** 2
        s_max = float(s.max()) + 0.5 * dx * slope * float(width.sum())
        out[c] = np.clip(spont_coef[c], 0.0, None).sum(axis=1) * s_max
    return out


def uniform_step(channels: np.ndarray, rtol: float = 1e-9) -> float:
    """The spacing of a uniform channel grid (eV), or 0.0 if the grid is not uniform.

    The kernels then evaluate Gaussian lines at the channels by a recurrence
    (see ``_field_kernels._add_gaussian``) instead of one exponential per channel.

    Parameters
    ----------
    channels : ndarray
        Channel energies (eV), increasing.
    rtol : float, default 1e-9
        Largest deviation of a spacing from the mean spacing, relative to it.

    Returns
    -------
    float
        The mean spacing if every spacing lies within ``rtol`` of it, else 0.0.
    """
    channels = np.asarray(channels, float)
    if channels.size < 2:
        return 0.0
    d = np.diff(channels)
    step = float((channels[-1] - channels[0]) / (channels.size - 1))
    return step if float(np.max(np.abs(d - step))) <= rtol * step else 0.0
