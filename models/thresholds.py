"""Analytic gain thresholds."""

from __future__ import annotations

import numpy as np
from scipy import optimize

__all__ = ["single_exciton_threshold", "poisson_threshold_no_interaction"]


def single_exciton_threshold(delta_xx, linewidth):
    """The paper's single-exciton gain threshold <N>_th = 2 / (3 - exp(-Delta^2/Gamma^2)).

    Valid when no NC holds more than one exciton (p1 = <N>), the Stokes shift is
    zero and the ensemble line is exp(-(E-E_X)^2/Gamma^2); gain is probed at E_X.
    (Klimov et al., Nature 447, 441 (2007), Fig. 1c.)

    Parameters
    ----------
    delta_xx : float or array_like
        Exciton-exciton interaction energy (eV); only its square enters.
    linewidth : float or array_like
        Ensemble 1/e half-width Gamma (eV), > 0.

    Returns
    -------
    float or ndarray
        Threshold mean exciton number, between 2/3 (Delta >> Gamma) and 1 (Delta = 0).
    """
    delta_xx = np.asarray(delta_xx, dtype=float)
    linewidth = np.asarray(linewidth, dtype=float)
    if np.any(~np.isfinite(delta_xx)):
        raise ValueError(f"delta_xx = {delta_xx!r} must be finite")
    if np.any(~(linewidth > 0)) or np.any(~np.isfinite(linewidth)):
        raise ValueError(f"linewidth = {linewidth!r} eV is outside the allowed range (0, inf) eV")
    out = 2.0 / (3.0 - np.exp(-(delta_xx / linewidth) ** 2))
    return float(out) if out.ndim == 0 else out


def poisson_threshold_no_interaction() -> float:
    """Gain threshold at E_X for Poisson statistics, Delta_XX = 0, S = 0, before decay.

    Unexcited NCs absorb 1, singly excited ones are transparent and NCs with
    n >= 2 give stimulated emission 1, so gain needs p0 < 1 - p0 - p1, i.e.
    (2 + <N>) exp(-<N>) = 1; the root is <N> = 1.1462 (returned to 1e-12).

    Returns
    -------
    float
        The threshold ⟨N⟩ in excitons per NC.

    Examples
    --------
    >>> from ncgain import models
    >>> round(models.poisson_threshold_no_interaction(), 4)
    1.1462
    """
    return optimize.brentq(lambda x: (2.0 + x) * np.exp(-x) - 1.0, 0.5, 3.0, xtol=1e-14)
