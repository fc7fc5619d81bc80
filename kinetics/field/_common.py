"""What the cavity and the stripe share: step limits, pump units, input checks, start states.

The constants that bound a step of either Monte Carlo, the conversion between a c.w.
pump's intensity and its generation rate G, the closed-form c.w. steady state without
a field (and the n_max it needs), the validation of the photon inputs (sample, film,
resonator, method), the resolution of the pump (c.w. or pulsed) and of the step dt,
and the initial populations. Both problems (:mod:`._cavity_problem`,
:mod:`._stripe_problem`) build on it.
"""

from __future__ import annotations

import numpy as np

from ncgain.models import Film, Sample
from ncgain.models.state_table import StateTable, build_state_table

from .. import excitation
from ..inputs import PHOTON_ENERGY_J_PER_EV, _as_1d, _check_choice, _check_int, resolve_sample

__all__ = ["BYTES_PER_NC", "MAX_RATE_STEP", "DEFAULT_RATE_STEP", "MAX_GROWTH_STEP",
           "MAX_TURNOVER_STEP", "N_ENERGY_BINS", "CW_TAIL", "generation_rate_from_intensity",
           "intensity_from_generation_rate"]


#: Per-NC memory of the Monte Carlo state (class, n, E_i, clock, stream counter).
BYTES_PER_NC = 1 + 1 + 8 + 8 + 4
#: Largest allowed dt times the fastest rate of a NC or of the field.
MAX_RATE_STEP = 0.5
#: Default dt times the fastest rate.
DEFAULT_RATE_STEP = 0.05
#: Largest allowed (kappa g - Lambda) dt of a growing field (adaptive step).
MAX_GROWTH_STEP = 0.2
#: Largest gross stimulated turnover per photon (emission + absorption) times dt.
MAX_TURNOVER_STEP = 0.25
#: Energy bins of E_i (spectra, histogram, predictor and the twin).
N_ENERGY_BINS = 160
#: Largest steady-state mass allowed in the top state n_max under c.w. pumping.
CW_TAIL = 1e-7


# ----------------------------------------------------------------------------- pump units

def generation_rate_from_intensity(intensity, sample: Sample):
    """Excitons per NC per ps from a pump intensity: G = sigma_pump I / (h nu).

    Parameters
    ----------
    intensity : array_like
        Pump intensity (W cm^-2).
    sample : models.Sample
        Gives the number-weighted sigma_pump (cm^2) and the pump energy (eV).

    Returns
    -------
    ndarray
        G in excitons per NC per ps.
    """
    sigma = sum(w * s.sigma_pump for w, s in sample.size_classes())
    return np.asarray(intensity, float) * sigma / (sample.pump_energy * PHOTON_ENERGY_J_PER_EV) \
        * 1e-12


def intensity_from_generation_rate(rate, sample: Sample):
    """Pump intensity giving ``rate`` excitons per NC per ps (inverse of the above).

    Parameters
    ----------
    rate : array_like
        Generation rate G (excitons per NC per ps).
    sample : models.Sample
        Gives sigma_pump (cm^2) and the pump energy (eV).

    Returns
    -------
    ndarray
        Pump intensity in W cm^-2.
    """
    sigma = sum(w * s.sigma_pump for w, s in sample.size_classes())
    return np.asarray(rate, float) * 1e12 * sample.pump_energy * PHOTON_ENERGY_J_PER_EV / sigma


def _cw_steady(table: StateTable, rate: float) -> np.ndarray:
    """Closed-form no-field c.w. steady state p[c, n]: p_n / p_{n-1} = G_c / k(n)."""
    out = np.zeros((table.n_classes, table.n_max + 1))
    for c in range(table.n_classes):
        g = rate * table.pump_scale[c]
        logp = np.zeros(table.n_max + 1)
        for n in range(1, table.n_max + 1):
            logp[n] = logp[n - 1] + (np.log(g) - np.log(table.decay_rate[c, n]) if g > 0
                                     else -np.inf)
        logp -= logp.max()
        p = np.exp(logp)
        out[c] = p / p.sum()
    return out


def _cw_n_max(sample: Sample, max_rate: float) -> int:
    g = sample.degeneracy
    for n_max in range(g + 1, 201):
        table = build_state_table(sample, n_max)
        if _cw_steady(table, max_rate)[:, -1].max() <= CW_TAIL:
            return n_max
    raise ValueError(f"generation_rate = {max_rate!r} ps^-1 is outside the allowed range: "
                     "the c.w. steady state needs more than 200 excitons per NC")


# ----------------------------------------------------------------------------- shared checks

def _check_photon_inputs(sample, film, resonator, resonator_type, name, method, methods,
                         field_on):
    """Validate what the cavity and the stripe share; returns the resolved Sample."""
    sample = resolve_sample(sample)
    if not isinstance(sample, Sample):
        raise ValueError(f"sample must be a models.Sample or a preset name, got {sample!r}")
    if not isinstance(film, Film):
        raise ValueError(f"film must be a models.Film, got {film!r}")
    if not isinstance(resonator, resonator_type):
        raise ValueError(f"{name} must be a models.{resonator_type.__name__}, got {resonator!r}")
    _check_choice("method", method, methods)
    if not isinstance(field_on, (bool, np.bool_)):
        raise ValueError(f"field = {field_on!r} must be True or False")
    return sample


def _resolve_pump(sample, *, generation_rate, mean_excitons, n_max, n_draws):
    """Pump kind ("cw" or "pulsed"), pump values and the state table of a photon-field run.

    n_max defaults to the c.w. steady state's (tail <= CW_TAIL) or to the Poisson
    pulse's for ``n_draws`` sampled NCs (1 for a deterministic method).
    """
    g = sample.degeneracy
    if generation_rate is not None:
        kind = "cw"
        pump = _as_1d("generation_rate", generation_rate, unit="excitons per NC per ps")
        if (pump < 0).any() or pump.max() > 100.0:
            raise ValueError(f"generation_rate = {float(pump[(pump < 0) | (pump > 100)][0])!r}"
                             " ps^-1 is outside the allowed range [0, 100] per NC per ps")
        if n_max is None:
            n_max = _cw_n_max(sample, float(pump.max()))   # pump_scale applied inside
    else:
        kind = "pulsed"
        pump = _as_1d("mean_excitons", mean_excitons, unit="excitons per NC")
        if (pump < 0).any() or pump.max() > 50.0:
            raise ValueError(f"mean_excitons = {float(pump[(pump < 0) | (pump > 50)][0])!r} is "
                             "outside the allowed range [0, 50] excitons per NC")
        lam = float(pump.max()) * float(build_state_table(sample, g).pump_scale.max())
        if n_max is None:
            n_max = max(excitation.required_n_max(lam, g, n_draws), g + 1)
    n_max = _check_int("n_max", n_max, g + 1, 200)
    table = build_state_table(sample, n_max)
    if kind == "cw" and float(_cw_steady(table, float(pump.max()))[:, -1].max()) > 1e-3:
        raise ValueError(f"n_max = {n_max} is too small for generation_rate up to "
                         f"{pump.max():g} ps^-1 (steady-state mass in n_max > 1e-3)")
    return kind, pump, n_max, table


def _resolve_step(dt, r_fast, *, field_on, t_last, fastest):
    """The Monte Carlo step (ps): default DEFAULT_RATE_STEP / r_fast, at most MAX_RATE_STEP / r_fast.

    With the field off one step spans the whole run (the events are exact).
    ``fastest`` names what sets r_fast, for the error message.
    """
    if dt is None:
        return DEFAULT_RATE_STEP / r_fast if field_on else float(t_last) + 1.0
    try:
        dt = float(dt)
    except (TypeError, ValueError):
        raise ValueError(f"dt = {dt!r} must be a time step in ps") from None
    if not (np.isfinite(dt) and 0 < dt <= MAX_RATE_STEP / r_fast):
        raise ValueError(
            f"dt = {dt!r} ps is outside the allowed range (0, {MAX_RATE_STEP / r_fast:.4g}] ps: "
            f"dt times the fastest rate ({r_fast:.4g} ps^-1: {fastest}) must be <= "
            f"{MAX_RATE_STEP}")
    return dt



def _min_steps(times, dt) -> int:
    """Fewest Monte Carlo steps to the last record time (the adaptive step only adds)."""
    return int(min(np.ceil(float(times[-1]) / dt), 1e18)) + times.size


def _rate_table_bytes(table: StateTable, channels: np.ndarray) -> float:
    """Bytes of the Monte Carlo's stimulated-rate tables (K, C, X) and (K, S, X).

    X spans the channels plus the line shapes' margin and the field line's cell, on the
    grid step of :func:`._rates.rate_grid` (:class:`._rates.StimulatedRates`).
    """
    from . import _coupling as field
    from ._rates import rate_grid
    dx_rates, _ = rate_grid(table, channels)
    x_span = float(channels[-1] - channels[0]) + 400 * float(table.homogeneous_width.max()) \
        + 2.0 * field.field_line(table, channels).cell
    n_x = x_span / dx_rates
    return 8 * n_x * table.n_classes * (channels.size + 4 * (table.n_max + 1))


def _up_rate(table: StateTable, kind: str, pump: float) -> np.ndarray:
    """Up rates (K, S) of a photon-field run: c.w. G pump_scale below n_max, else 0."""
    up = np.zeros_like(table.decay_rate)
    if kind == "cw":
        up[:, :-1] = pump * table.pump_scale[:, None]
    return up


def _initial(table: StateTable, kind: str, pump: float) -> np.ndarray:
    """Initial p[c, n] of a photon-field run: c.w. the ground state, pulsed Poisson <N>."""
    if kind == "cw":
        p = np.zeros_like(table.decay_rate)
        p[:, 0] = 1.0
        return p
    p = excitation.initial_distribution(np.array([pump]), table.pump_scale, table.n_max,
                                        "poisson")[0]
    p[:, -1] += np.clip(1.0 - p.sum(axis=1), 0.0, None)  # tail (< 1e-10) into n_max
    return p
