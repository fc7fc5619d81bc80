"""State tables: the physics of a sample flattened into plain arrays.

The kinetics kernels know nothing of nanocrystals. They move integer exciton
numbers n = 0 ... n_max up and down with rates read from arrays indexed by
(size class, n); the observables turn occupation counts into spectra with the
line positions and strengths read from the same table. New physics means a new
table, never a new kernel.

Every line and rate comes from the class's band-edge model
(:mod:`ncgain.models.bandedge`, one implementation for the state table and,
through it, the photon field); this module only packs them into arrays.

Band-edge lines of a NC with emission energy E_i in state n (design table;
g = degeneracy, Delta = delta_xx, S = stokes_shift), strengths in units of
sigma_0, the band-edge cross-section of an unexcited NC:

=========  ===================================  ==========================================
state n    absorption (creates n+1)             stimulated emission (n -> n-1)
=========  ===================================  ==========================================
n < g      (g-n)/g at E_i + S + n Delta          n/g at E_i + (n-1) Delta
n >= g     0                                    1 at E_i + (g-1) Delta
=========  ===================================  ==========================================

(with r resident electrons, see :class:`Sample`, absorption max(g-r-n, 0)/g and
emission min(n, g)/g at the same positions.)

Spontaneous emission (PL) of state n is k_rad(n) times its stimulated-emission
line shape (normalized to unit area).

The line list
-------------
The spectra are sums over a general *line list*: for every (class c, state n)
a set of absorption lines (transitions n -> n+1 that a photon drives) and of
stimulated-emission lines (n -> n-1), each with an offset from the NC's
emission energy E_i (eV), a strength (units of sigma_0) and its own
homogeneous half-width (eV; 1/e half-width for Gaussian samples, HWHM for
Lorentzian ones), convolved with the class's inhomogeneous distribution of E_i.
The arrays have shape (K, S, L) = (classes, n_max + 1 states, lines); unused
slots have strength 0 (offset 0, width = the class's homogeneous width), so a
consumer may sum over the last axis without masking.

Absorption lines: index 0 is the band edge (strength above; width
``homogeneous_linewidth`` for n = 0 and ``xx_absorption_width`` for n >= 1);
indices 1 ... are the sample's ``higher_transitions`` (strength s_h at
E_i + offset_h + n * stark_shift_h, in every state). Emission lines: index 0
is the band edge (width ``homogeneous_linewidth`` for n = 1 and
``xx_absorption_width`` for n >= 2: the emission n -> n-1 is the reverse of the
absorption n-1 -> n and has its line). A photon absorbed in any line raises n by
one; the higher transitions relax to the band edge much faster than any rate here.

Einstein relation: with ``radiative_scaling="einstein"`` the radiative rate of
every state is k_rad(c, n) = tau_x,c^-1 * sum_l emission_strength[c, n, l] /
(band-edge emission strength of the neutral single exciton, 1/g): spontaneous and
stimulated emission come from the same transitions (the nu^3 factor of the
Einstein A coefficient, (E/E_X)^3 <= 1.2 over the band edge, is neglected, as
the brief and docs/theory.md state).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .bandedge import BandEdgeModel, band_edge_model
from .sample import Sample

__all__ = ["StateTable", "build_state_table"]


@dataclass(frozen=True, eq=False)
class StateTable:
    """Per-class, per-state rates and line lists of a sample (plain numpy arrays).

    Made by :func:`build_state_table`; the parameters are also the attributes.

    Parameters
    ----------
    n_max : int
        Highest exciton number represented; states are 0 ... n_max.
    class_weight : ndarray, shape (K,)
        Number fraction of each size (or charge) class (sums to 1).
    pump_scale : ndarray, shape (K,)
        sigma_pump of the class divided by the number-weighted mean sigma_pump:
        the class's mean exciton number is pump_scale * <N>.
    decay_rate : ndarray, shape (K, n_max + 1)
        Total rate (1/ps) of n -> n-1: radiative plus Auger.
    radiative_rate : ndarray, shape (K, n_max + 1)
        Radiative part of ``decay_rate`` (1/ps).
    up_rate : ndarray, shape (K, n_max + 1)
        Rate (1/ps) of n -> n+1 (continuous pumping); zero for pulsed excitation.
    exciton_energy : ndarray, shape (K,)
        Centre of each class's distribution of E_i (eV).
    inhomogeneous_width : ndarray, shape (K,)
        1/e half-width (eV) of each class's Gaussian distribution of E_i.
    homogeneous_width : ndarray, shape (K,)
        Homogeneous half-width (eV) of each class's band-edge line.
    lineshape : str
        Homogeneous line shape, "gaussian" or "lorentzian".
    absorption_line_offset, absorption_line_strength, absorption_line_width : ndarray, shape (K, S, La)
        Absorption line list (n -> n+1): offset from E_i (eV), strength (sigma_0),
        homogeneous half-width (eV). Line 0 is the band edge.
    emission_line_offset, emission_line_strength, emission_line_width : ndarray, shape (K, S, Le)
        Stimulated-emission line list (n -> n-1), same conventions. Line 0 is
        the band edge.
    reference_offset, reference_strength, reference_width : ndarray, shape (K, Lr)
        The band-edge absorption lines of an unexcited *neutral* NC of each class
        (strengths sum to 1): the normalization alpha_0(peak) of every spectrum
        and the band where spectra are defined, whatever the charging.
    resident_electrons : ndarray of int, shape (K,)
        Resident electrons per NC of each class.
    degeneracy : int
        g, band-edge electron states (channels of the two-channel model).
    n_higher_transitions : int
        The last ``n_higher_transitions`` absorption lines are higher transitions
        (the same index in every class; zero-strength padding where a class has fewer).
    reference_emission : ndarray, shape (K,)
        Total stimulated-emission strength of a neutral single exciton of each
        class (1/g for two channels): the unit of the Einstein relation.
    """

    n_max: int
    class_weight: np.ndarray
    pump_scale: np.ndarray
    decay_rate: np.ndarray
    radiative_rate: np.ndarray
    up_rate: np.ndarray
    exciton_energy: np.ndarray
    inhomogeneous_width: np.ndarray
    homogeneous_width: np.ndarray
    lineshape: str
    absorption_line_offset: np.ndarray
    absorption_line_strength: np.ndarray
    absorption_line_width: np.ndarray
    emission_line_offset: np.ndarray
    emission_line_strength: np.ndarray
    emission_line_width: np.ndarray
    reference_offset: np.ndarray
    reference_strength: np.ndarray
    reference_width: np.ndarray
    resident_electrons: np.ndarray
    degeneracy: int
    reference_emission: np.ndarray
    n_higher_transitions: int = 0

    @property
    def n_band_edge_absorption_lines(self) -> int:
        """Absorption lines 0 ... this - 1 are band-edge lines; the rest are higher transitions."""
        return self.absorption_line_strength.shape[2] - self.n_higher_transitions

    @property
    def n_classes(self) -> int:
        """Number of size classes K (int)."""
        return self.class_weight.shape[0]

    # Band-edge views (line 0), the v1 names; shape (K, S).
    @property
    def absorption_strength(self) -> np.ndarray:
        """Band-edge absorption strength (sigma_0), shape (K, S): line 0 of the list."""
        return self.absorption_line_strength[:, :, 0]

    @property
    def emission_strength(self) -> np.ndarray:
        """Band-edge stimulated-emission strength (sigma_0), shape (K, S)."""
        return self.emission_line_strength[:, :, 0]

    @property
    def absorption_offset(self) -> np.ndarray:
        """Band-edge absorption position relative to E_i (eV), shape (K, S)."""
        return self.absorption_line_offset[:, :, 0]

    @property
    def emission_offset(self) -> np.ndarray:
        """Band-edge emission position relative to E_i (eV), shape (K, S)."""
        return self.emission_line_offset[:, :, 0]

    def radiative_strength_ratio(self) -> np.ndarray:
        """sum_l emission strength / that of a neutral single exciton, shape (K, S).

        Under the Einstein relation k_rad(c, n) * tau_x,c equals this ratio.

        Returns
        -------
        numpy.ndarray, shape (K, n_max + 1)
            Dimensionless strength ratio.
        """
        return self.emission_line_strength.sum(axis=-1) / self.reference_emission[:, None]



def _lines_of(model: BandEdgeModel, n_states: int, n_band: int | None = None,
              n_higher: int | None = None) -> tuple[list, list]:
    """Absorption and emission line lists [(offset, strength, width), ...] per state.

    The lines are the band-edge model's (:mod:`.bandedge`); band-edge absorption
    lines are padded to ``n_band`` and higher transitions to ``n_higher``
    zero-strength slots, so that every class uses the same indices.
    """
    gamma = model.sample.homogeneous_linewidth
    absorption, emission = [], []
    for n in range(n_states):
        row = model.absorption_lines(n)
        if n_band is not None:
            row += [(0.0, 0.0, gamma)] * (n_band - len(row))
        higher = model.higher_transition_lines(n)
        row += higher
        if n_higher is not None:
            row += [(0.0, 0.0, gamma)] * (n_higher - len(higher))
        absorption.append(row)
        emission.append(model.emission_lines(n))
    return absorption, emission


def _pack(rows_per_class: list, gammas: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n_classes, n_states = len(rows_per_class), len(rows_per_class[0])
    n_lines = max(len(r) for rows in rows_per_class for r in rows)
    offset = np.zeros((n_classes, n_states, n_lines))
    strength = np.zeros_like(offset)
    width = np.broadcast_to(gammas[:, None, None], offset.shape).copy()
    for k, rows in enumerate(rows_per_class):
        for n, row in enumerate(rows):
            for j, (o, s, w) in enumerate(row):
                offset[k, n, j], strength[k, n, j], width[k, n, j] = o, s, w
    return offset, strength, width


def build_state_table(sample: Sample, n_max: int) -> StateTable:
    """Build the :class:`StateTable` of ``sample`` for states 0 ... ``n_max``.

    Parameters
    ----------
    sample : Sample
        The sample; each of its size classes becomes one row of the table.
    n_max : int
        Highest exciton number, >= degeneracy.

    Returns
    -------
    StateTable

    Raises
    ------
    ValueError
        If ``n_max`` is not an integer in [degeneracy, 200].

    Examples
    --------
    >>> from ncgain import models
    >>> t = models.build_state_table(models.presets.TYPE_II_CDS_ZNSE, 3)
    >>> t.absorption_line_strength.shape[:2], t.emission_line_strength[0, :, 0].tolist()
    ((1, 4), [0.0, 0.5, 1.0, 1.0])
    """
    g = sample.degeneracy
    if isinstance(n_max, bool) or not isinstance(n_max, (int, np.integer)) or not g <= n_max <= 200:
        raise ValueError(f"n_max = {n_max!r} is outside the allowed range: an integer in "
                         f"[degeneracy = {g}, 200]")
    n_max = int(n_max)
    classes = sample.size_classes()
    models = [band_edge_model(c) for _, c in classes]
    n = np.arange(n_max + 1)
    weight = np.array([w for w, _ in classes], dtype=float)
    sigma = np.array([c.sigma_pump for _, c in classes])
    rad = np.array([[m.radiative_rate(k) for k in n] for m in models])
    auger = np.array([[m.auger_rate(k) for k in n] for m in models])
    gammas = np.array([c.homogeneous_linewidth for _, c in classes])
    n_band = max(len(m.absorption_lines(0)) for m in models)
    n_higher = max(len(c.higher_transitions) for _, c in classes)
    lists = [_lines_of(m, n_max + 1, n_band, n_higher) for m in models]
    a_off, a_str, a_wid = _pack([a for a, _ in lists], gammas)
    e_off, e_str, e_wid = _pack([e for _, e in lists], gammas)
    # The unit of every spectrum: the band edge of the unexcited neutral NC (no higher lines).
    r_off, r_str, r_wid = _pack([[m.neutral.absorption_lines(0)] for m in models], gammas)
    return StateTable(
        n_max=n_max,
        class_weight=weight,
        pump_scale=sigma / np.dot(weight, sigma),
        decay_rate=rad + auger,
        radiative_rate=rad,
        up_rate=np.zeros_like(rad),
        exciton_energy=np.array([c.exciton_energy for _, c in classes]),
        inhomogeneous_width=np.array([c.inhomogeneous_linewidth for _, c in classes]),
        homogeneous_width=gammas,
        lineshape=sample.homogeneous_lineshape,
        absorption_line_offset=a_off,
        absorption_line_strength=a_str,
        absorption_line_width=a_wid,
        emission_line_offset=e_off,
        emission_line_strength=e_str,
        emission_line_width=e_wid,
        reference_offset=r_off[:, 0, :],
        reference_strength=r_str[:, 0, :],
        reference_width=r_wid[:, 0, :],
        resident_electrons=np.array([c.resident_electrons for _, c in classes], dtype=np.int64),
        degeneracy=g,
        n_higher_transitions=n_higher,
        reference_emission=np.array([m.neutral.emission_strength(1) for m in models]),
    )
