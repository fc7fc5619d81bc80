"""State tables: the physics of a sample flattened into plain arrays.

The kinetics kernels know nothing of nanocrystals. They move integer exciton
numbers n = 0 ... n_max up and down with rates read from arrays indexed by
(size class, n); the observables turn occupation counts into spectra with the
line positions and strengths read from the same table. New physics means a new
table, never a new kernel.

Band-edge lines of a NC with emission energy E_i in state n (design table;
g = degeneracy, Delta = delta_xx, S = stokes_shift), strengths in units of
sigma_0, the band-edge cross-section of an unexcited NC:

=========  ===================================  ==========================================
state n    absorption (creates n+1)             stimulated emission (n -> n-1)
=========  ===================================  ==========================================
n < g      (g-n)/g at E_i + S + n Delta          n/g at E_i + (n-1) Delta
n >= g     0                                    1 at E_i + (g-1) Delta
=========  ===================================  ==========================================

Spontaneous emission (PL) of state n is k_rad(n) times its stimulated-emission
line shape (normalized to unit area).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .sample import Sample

__all__ = ["StateTable", "build_state_table"]


@dataclass(frozen=True, eq=False)
class StateTable:
    """Per-class, per-state rates and line data of a sample (plain numpy arrays).

    Made by :func:`build_state_table`; the parameters are also the attributes.

    Parameters
    ----------
    n_max : int
        Highest exciton number represented; states are 0 ... n_max.
    class_weight : ndarray, shape (K,)
        Number fraction of each size class (sums to 1).
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
        Homogeneous half-width (eV) of each class.
    lineshape : str
        Homogeneous line shape, "gaussian" or "lorentzian".
    absorption_strength, emission_strength : ndarray, shape (n_max + 1,)
        Band-edge absorption and stimulated-emission strengths (units of sigma_0).
    absorption_offset, emission_offset : ndarray, shape (K, n_max + 1)
        Line positions relative to the NC's emission energy E_i (eV).
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
    absorption_strength: np.ndarray
    emission_strength: np.ndarray
    absorption_offset: np.ndarray
    emission_offset: np.ndarray

    @property
    def n_classes(self) -> int:
        """Number of size classes K (int)."""
        return self.class_weight.shape[0]


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
        Rates (1/ps), line positions (eV) and strengths of every class and state.

    Raises
    ------
    ValueError
        If ``n_max`` is not an integer in [degeneracy, 200].
    """
    g = sample.degeneracy
    if isinstance(n_max, bool) or not isinstance(n_max, (int, np.integer)) or not g <= n_max <= 200:
        raise ValueError(f"n_max = {n_max!r} is outside the allowed range: an integer in "
                         f"[degeneracy = {g}, 200]")
    n_max = int(n_max)
    classes = sample.size_classes()
    n = np.arange(n_max + 1)
    weight = np.array([w for w, _ in classes], dtype=float)
    sigma = np.array([c.sigma_pump for _, c in classes])
    rad = np.array([[c.radiative_rate(k) for k in n] for _, c in classes])
    auger = np.array([[c.auger_rate(k) for k in n] for _, c in classes])
    delta = np.array([c.delta_xx for _, c in classes])[:, None]
    stokes = np.array([c.stokes_shift for _, c in classes])[:, None]
    m = np.minimum(n, g)
    return StateTable(
        n_max=n_max,
        class_weight=weight,
        pump_scale=sigma / np.dot(weight, sigma),
        decay_rate=rad + auger,
        radiative_rate=rad,
        up_rate=np.zeros_like(rad),
        exciton_energy=np.array([c.exciton_energy for _, c in classes]),
        inhomogeneous_width=np.array([c.inhomogeneous_linewidth for _, c in classes]),
        homogeneous_width=np.array([c.homogeneous_linewidth for _, c in classes]),
        lineshape=sample.homogeneous_lineshape,
        absorption_strength=np.clip(g - n, 0, None) / g,
        emission_strength=m / g,
        absorption_offset=stokes + n[None, :] * delta,
        emission_offset=(m[None, :] - 1) * delta,
    )
