"""Analysis of computed curves, shared by the studies: kinks, crossings, decays, ringing.

* :func:`kink`: the L-L kink (largest log-log slope) of a threshold curve;
* :func:`crossing`: where a falling curve first crosses a level; :func:`last_finite`
  and :func:`first_infinite`: where a threshold curve ends;
* :func:`fit_two_exponentials`, :func:`one_over_e_time`: decay times of a transient;
* :func:`oscillation`: period and damping of a ringing about a steady value, and
  :func:`two_rate_estimate`, its one-reservoir rate-equation estimate for a cavity;
* :func:`gain_crossing`, :func:`log_crossing`, :func:`refined_minimum`,
  :func:`peak_position`: thresholds, minima and peaks on grids (the calibration study).

(:func:`ncgain.studies._common.loglog_slope` and ``fit_exponential_decay`` sit beside
the studies' gain criterion.)
"""

from __future__ import annotations

import math

import numpy as np
from scipy import optimize, signal

__all__ = ["kink", "crossing", "last_finite", "first_infinite", "fit_two_exponentials", "one_over_e_time", "oscillation",
           "two_rate_estimate"]
__all__ += ["gain_crossing", "log_crossing", "refined_minimum", "peak_position"]


def kink(x, y) -> tuple[float, float, float]:
    """The L-L kink: geometric centre of the interval with the largest d ln y / d ln x.

    Parameters
    ----------
    x, y : array_like
        Pump and output (positive, x increasing).

    Returns
    -------
    (centre, slope, half_width)
        The kink pump, the largest log-log slope and the half-width of the
        interval in ln x (the resolution of the kink).

    Examples
    --------
    >>> from ncgain.studies._analysis import kink
    >>> c, s, h = kink([1.0, 2.0, 4.0, 8.0], [1.0, 2.0, 400.0, 800.0])
    >>> round(c, 3), round(s, 3)
    (2.828, 7.644)
    """
    x, y = np.asarray(x, float), np.asarray(y, float)
    slope = np.diff(np.log(y)) / np.diff(np.log(x))
    i = int(np.argmax(slope))
    return float(np.sqrt(x[i] * x[i + 1])), float(slope[i]), float(0.5 * np.log(x[i + 1] / x[i]))


def crossing(x: np.ndarray, y: np.ndarray, level: float) -> float:
    """First x where y falls below ``level`` (linear interpolation); nan if never."""
    below = np.nonzero(y < level)[0]
    if below.size == 0:
        return math.nan
    j = below[0]
    if j == 0:
        return float(x[0])
    return float(x[j - 1] + (level - y[j - 1]) * (x[j] - x[j - 1]) / (y[j] - y[j - 1]))


def last_finite(gamma, th) -> float:
    """The last ``gamma`` at which ``th`` is finite (0 if none is)."""
    finite = np.flatnonzero(np.isfinite(th))
    return float(gamma[finite[-1]]) if finite.size else 0.0


def first_infinite(gamma, th) -> float:
    """The first ``gamma`` at which ``th`` is not finite (inf if none is)."""
    inf = np.flatnonzero(~np.isfinite(th))
    return float(gamma[inf[0]]) if inf.size else math.inf


def fit_two_exponentials(t, y, *, start: float = 3.0) -> dict:
    """Least-squares fit y = A_f exp(-t/tau_f) + A_s exp(-t/tau_s) for t >= start.

    Variable projection: for given (tau_f, tau_s) the amplitudes are linear;
    the two times are optimized in log space from a grid of starting points.

    Parameters
    ----------
    t : ndarray
        Times (ps).
    y : ndarray
        Values at ``t`` (e.g. the bleach, dimensionless).
    start : float, default 3.0
        Only points with t >= start (ps) are fitted (default: the 3-ps gain onset of the
        studies).

    Returns
    -------
    dict
        ``tau_fast`` < ``tau_slow`` (ps), their amplitudes ``amp_fast`` and ``amp_slow``
        (at t = 0, in the unit of ``y``) and ``rms``, the root-mean-square residual.
    """
    t, y = np.asarray(t, float), np.asarray(y, float)
    sel = t >= start
    t, y = t[sel], y[sel]

    def amplitudes(log_tau):
        basis = np.exp(-t[:, None] / np.exp(log_tau)[None, :])
        return basis, np.linalg.lstsq(basis, y, rcond=None)[0]

    def residual(log_tau):
        basis, amp = amplitudes(log_tau)
        return basis @ amp - y

    span = t[-1] - t[0]
    best = None
    for fast in np.geomspace(span / 3000, span / 30, 4):
        for slow in np.geomspace(span / 30, span * 3, 4):
            if slow <= 2 * fast:
                continue
            sol = optimize.least_squares(residual, np.log([fast, slow]))
            if best is None or sol.cost < best.cost:
                best = sol
    log_tau = np.sort(best.x)
    _, amp = amplitudes(log_tau)
    return {"tau_fast": float(np.exp(log_tau[0])), "tau_slow": float(np.exp(log_tau[1])),
            "amp_fast": float(amp[0]), "amp_slow": float(amp[1]),
            "rms": float(np.sqrt(2 * best.cost / t.size))}


def one_over_e_time(t, bleach) -> float:
    """A 1/e decay time of a bleach transient (an alternative to the fitted decay time).

    Parameters
    ----------
    t : ndarray
        Times (ps), increasing.
    bleach : ndarray
        Bleach -dalpha/alpha_0 at ``t``.

    Returns
    -------
    float
        The time (ps) after the maximum at which bleach - bleach(t_end) has fallen to
        1/e of its value at the maximum.
    """
    t, b = np.asarray(t, float), np.asarray(bleach, float)
    k = int(np.argmax(b))
    y = b - b[-1]
    below = np.flatnonzero(y[k:] < y[k] / np.e)
    if below.size == 0:
        return float("nan")
    j = k + int(below[0])
    return float(np.interp(y[k] / np.e, [y[j], y[j - 1]], [t[j], t[j - 1]]) - t[k])


def oscillation(t, rate, steady) -> tuple[float, float, int]:
    """Period and damping rate of the output's ringing about its steady value.

    Maxima of ``rate`` more than 1 % above ``steady``; period = mean spacing of
    successive maxima; damping rate = minus the least-squares slope of
    ln(peak - steady) versus the peak time.

    Parameters
    ----------
    t, rate : array_like
        Times (ps) and output rate (any unit).
    steady : float
        The steady output (same unit).

    Returns
    -------
    (period, damping_rate, n_peaks)
        Period (ps), damping rate (1/ps; negative if the peaks grow) and the
        number of maxima used.

    Raises
    ------
    RuntimeError
        If fewer than three maxima exceed the steady value by 1 %.
    """
    t, r = np.asarray(t, float), np.asarray(rate, float)
    pk, _ = signal.find_peaks(r)
    pk = pk[r[pk] > 1.01 * steady]
    if pk.size < 3:
        raise RuntimeError(f"only {pk.size} output maxima above the steady output: no ringing")
    period = float(np.mean(np.diff(t[pk])))
    damping = -float(np.polyfit(t[pk], np.log(r[pk] - steady), 1)[0])
    return period, damping, int(pk.size)


def two_rate_estimate(problem, g_th: float, channel: int, photons: float) -> tuple[float, float]:
    """Relaxation-oscillation period and damping of one reservoir + photons (estimate).

    Linearising dN/dt = G - D(N) - kappa g(N) Q, dQ/dt = (kappa g(N) - Lambda) Q
    about the lasing steady state (kappa g = Lambda, Q = Q0) gives
    lambda^2 + 2 gamma lambda + omega_0^2 = 0 with omega_0^2 = Lambda kappa g' Q0
    and 2 gamma = D' + kappa g' Q0; g' = dg/dN at the lasing channel and
    D' = dG/dN along the no-field c.w. steady states at the gain threshold.

    Parameters
    ----------
    problem : kinetics.cavity.CavityProblem
        The c.w. cavity problem.
    g_th : float
        Gain threshold G (1/ps).
    channel : int
        Index of the lasing channel.
    photons : float
        Steady photons per NC in the cavity, Q0.

    Returns
    -------
    (period, damping_rate)
        2 pi / sqrt(omega_0^2 - gamma^2) in ps (inf if overdamped) and gamma in 1/ps.
    """
    from ncgain.kinetics import cavity as kcav  # here: the core/shell map workers import this module

    n = np.arange(problem.table.n_max + 1)
    w = problem.table.class_weight
    eps = 1e-4
    gs = g_th * np.array([1 - eps, 1 + eps])
    mean_n = [float(w @ (kcav._cw_steady(problem.table, g) @ n)) for g in gs]
    gain = [float(kcav.steady_gain(problem, g)[channel]) for g in gs]
    dn_dg = (mean_n[1] - mean_n[0]) / (gs[1] - gs[0])
    g_prime = (gain[1] - gain[0]) / (gs[1] - gs[0]) / dn_dg
    d_prime = 1.0 / dn_dg
    stim = problem.kappa * g_prime * photons
    omega0_sq = problem.loss_rate * stim
    gamma = 0.5 * (d_prime + stim)
    period = 2 * np.pi / np.sqrt(omega0_sq - gamma ** 2) if omega0_sq > gamma ** 2 else np.inf
    return float(period), float(gamma)


def gain_crossing(means, alpha) -> float:
    """Smallest <N> with alpha < 0 (bleach > 1), linear in alpha, log in <N>; inf if none."""
    below = np.flatnonzero(alpha < 0)
    if below.size == 0:
        return math.inf
    i = int(below[0])
    if i == 0:
        return float(means[0])
    f = alpha[i - 1] / (alpha[i - 1] - alpha[i])
    return float(math.exp(math.log(means[i - 1]) + f * math.log(means[i] / means[i - 1])))


def log_crossing(x, y, level):
    """First x where y reaches level (log-log interpolation); inf if never."""
    above = np.flatnonzero(y >= level)
    if above.size == 0:
        return math.inf
    i = int(above[0])
    if i == 0:
        return float(x[0])
    y0, y1 = max(y[i - 1], 1e-300), y[i]
    f = (math.log(level) - math.log(y0)) / (math.log(y1) - math.log(y0))
    return float(math.exp(math.log(x[i - 1]) + f * (math.log(x[i]) - math.log(x[i - 1]))))


def refined_minimum(e, th, mask):
    """(energy, threshold) of the minimum of ``th`` over ``mask`` (parabola in log th)."""
    idx = np.flatnonzero(mask & np.isfinite(th))
    if idx.size == 0:
        return math.nan, math.inf
    k = int(idx[np.argmin(th[idx])])
    if 0 < k < e.size - 1 and mask[k - 1] and mask[k + 1] and np.isfinite(th[k - 1:k + 2]).all():
        y = np.log(th[k - 1:k + 2])
        den = y[0] - 2 * y[1] + y[2]
        if den > 0:
            d = 0.5 * (y[0] - y[2]) / den
            step = e[k + 1] - e[k]
            return float(e[k] + d * step), float(math.exp(y[1] - 0.25 * (y[0] - y[2]) * d))
    return float(e[k]), float(th[k])


def peak_position(e, y):
    """Peak position of y(e) with parabolic refinement."""
    k = int(np.argmax(y))
    if 0 < k < e.size - 1:
        den = y[k - 1] - 2 * y[k] + y[k + 1]
        if den < 0:
            return float(e[k] + 0.5 * (y[k - 1] - y[k + 1]) / den * (e[k + 1] - e[k]))
    return float(e[k])
