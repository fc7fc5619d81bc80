"""The single-exciton gain condition at E_X, solved for the ensemble width Gamma.

With Gaussian lines of width Gamma, gain at E_X needs p0 < p1 (1 - y)/2 + p2 y with
y = exp(-Delta_XX^2 / Gamma^2) (the paper's Fig. 1 argument, biexcitons included);
these functions give the largest Gamma that satisfies it, for the linewidth study.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ncgain import models

__all__ = ["cutoff_linewidth", "cutoff_from_p1", "cutoff_from_p"]


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
