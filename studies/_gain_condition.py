"""The single-exciton gain condition at E_X, solved for the ensemble width Gamma.

With Gaussian lines of width Gamma, gain at E_X needs p0 < p1 (1 - y)/2 + p2 y with
y = exp(-Delta_XX^2 / Gamma^2) (the paper's Fig. 1 argument, biexcitons included);
these functions give the largest Gamma that satisfies it, for the linewidth study.
"""

from __future__ import annotations

import dataclasses
import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ncgain import models

__all__ = ["cutoff_linewidth", "cutoff_from_p1", "cutoff_from_p", "probe_grid_ranges",
           "OUTSIDE_ATTRS"]

#: The computed criterion of an unresolved gain-band point (docs/reliability.md, "Grids").
OUTSIDE_ATTRS = {"units": "1", "long_name": "XX line outside the 'any' probe grid",
                 "description": "1 where E_X + Delta_XX lies outside the thresholds' 'any' probe "
                 "grid (every band-edge line +-3 widths): the gain-band threshold is then an "
                 "upper bound"}


def cutoff_linewidth(sample: models.Sample, time: float = 650.0) -> float:
    """Two-population estimate of the largest Gamma with single-exciton gain at E_X (eV).

    Gamma_c = abs(Delta_XX) / sqrt(-ln(3 - 2 exp(t/tau_X))); 0 if even p1 = exp(-t/tau_X)
    cannot beat the formula's 2/3 limit.

    Parameters
    ----------
    sample : models.Sample
        Its delta_xx and tau_x are used.
    time : float, default 650.0
        Delay after the pulse (ps; default 5 biexciton lifetimes of the type-II preset).

    Returns
    -------
    float
        Gamma_c (eV).
    """
    arg = 3.0 - 2.0 * math.exp(time / sample.tau_x)
    if arg <= 0:
        return 0.0
    return abs(sample.delta_xx) / math.sqrt(-math.log(arg))


def cutoff_from_p1(delta, p1) -> float:
    """Gamma where the gain condition holds with equality and no biexcitons (p2 = 0)."""
    return cutoff_from_p(delta, p1, 0.0)


def cutoff_from_p(delta, p1, p2) -> float:
    """Gamma where p0 = p1 (1 - y)/2 + p2 y, y = exp(-Delta^2/Gamma^2) (g = 2 band edge)."""
    y = (1.0 - 1.5 * p1 - p2) / (p2 - 0.5 * p1)
    return abs(delta) / math.sqrt(-math.log(y)) if 0 < y < 1 else 0.0


def probe_grid_ranges(samples, gammas, widths):
    """The 'any' probe grid's range and whether it holds the XX line, per sample and Gamma.

    The thresholds' grid (``observables.default_energies(..., resolvable=False)``) spans
    every band-edge line +-3 widths. Until 2026-12-03 it stopped where alpha_0 < 1e-12 of
    its peak, about 5.3 Gamma from the band edge, so for Delta_XX > 5.3 Gamma the
    biexciton line E_X + Delta_XX, where the gain band of a repulsive sample lies, fell
    outside it and the gain-band threshold was only an upper bound
    (scripts/linewidth_probe_range.py compares the grids). The flag stays as a check.

    Parameters
    ----------
    samples : list of models.Sample
        The base samples.
    gammas : array_like
        Ensemble widths Gamma (eV).
    widths : list of array_like
        Homogeneous widths (eV), one array per sample, one value per Gamma.

    Returns
    -------
    top : list of list of float
        Highest grid energy (eV), per sample and Gamma.
    outside : list of list of int
        1 where E_X + Delta_XX lies outside the grid, else 0.
    """
    from ncgain import models
    from ncgain.kinetics import observables
    top, outside = [], []
    for s, hs in zip(samples, widths):
        grids = [observables.default_energies(models.build_state_table(dataclasses.replace(
            s, linewidth=float(g), homogeneous_linewidth=float(h)), s.degeneracy),
            resolvable=False) for g, h in zip(gammas, hs)]
        xx = s.exciton_energy + s.delta_xx
        top.append([float(e.max()) for e in grids])
        outside.append([int(not e.min() <= xx <= e.max()) for e in grids])
    return top, outside
