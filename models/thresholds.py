"""Analytic gain thresholds."""

from __future__ import annotations

import numpy as np
from scipy import optimize

__all__ = ["single_exciton_threshold", "poisson_threshold_no_interaction",
           "poisson_threshold_charged"]


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


def poisson_threshold_charged(resident_electrons: int, degeneracy: int = 2) -> float:
    """Gain threshold <N> at E_X of NCs with resident electrons, Poisson, Delta = 0, t = 0.

    Independent of the state table: with Delta_XX = S = 0 every band-edge line of
    a NC lies at E_i, so alpha(E_X) is proportional to sum_n p_n (a_n - e_n) with
    the two-channel strengths a_n = max(g - r - n, 0)/g (absorption) and
    e_n = min(n, g)/g (stimulated emission), p_n Poisson(<N>). The threshold is
    the root of that sum: 1.1462 (r = 0, (2 + N) e^-N = 1), 0.5831 (r = 1, g = 2:
    e^N = 3/2 + N/2) and 0 (r = g: no absorption left, any exciton gives gain).

    Parameters
    ----------
    resident_electrons : int
        r, in [0, degeneracy].
    degeneracy : int, default 2
        g, in [1, 8].

    Returns
    -------
    float
        The threshold <N> (to 1e-12).

    Raises
    ------
    ValueError
        If r or g is outside its range.

    Examples
    --------
    >>> [round(poisson_threshold_charged(r), 3) for r in (0, 1, 2)]
    [1.146, 0.583, 0.0]
    """
    g, r = degeneracy, resident_electrons
    if isinstance(g, bool) or not isinstance(g, (int, np.integer)) or not 1 <= g <= 8:
        raise ValueError(f"degeneracy = {g!r} is outside the allowed range: an integer in [1, 8]")
    if isinstance(r, bool) or not isinstance(r, (int, np.integer)) or not 0 <= r <= g:
        raise ValueError(f"resident_electrons = {r!r} is outside the allowed range: an integer "
                         f"in [0, degeneracy = {g}]")
    if r == g:
        return 0.0
    from scipy import stats
    n = np.arange(200)
    a = np.maximum(g - r - n, 0) / g
    e = np.minimum(n, g) / g

    def alpha(lam):
        return float(np.dot(stats.poisson.pmf(n, lam), a - e))

    return optimize.brentq(alpha, 1e-9, 20.0, xtol=1e-14)
