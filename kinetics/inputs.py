"""Inputs shared by every engine of :mod:`ncgain.kinetics`.

The lowest module of the room: the constants, the validators of user input
(grids, choices, integers, record times, fluences), the resolution of a preset
name to a :class:`models.Sample` and the pump-unit conversions (fluence <-> <N>
of a pulse, intensity <-> generation rate G of a c.w. pump). The engines
(:mod:`ncgain.kinetics.pulsed`, :mod:`ncgain.kinetics.cw`, :mod:`ncgain.kinetics.field`),
the thresholds and the dataset builders (:mod:`ncgain.kinetics.output`) import it; it
imports none of them.
"""

from __future__ import annotations

import numpy as np

from ncgain import models
from ncgain.models import Sample
from ncgain.models._text import short

__all__ = ["METHODS", "PHOTON_ENERGY_J_PER_EV", "CHUNK_SIZE", "MAX_NANOCRYSTALS",
           "MAX_GRID_POINTS", "validate_times", "validate_fluence", "resolve_sample",
           "pump_fluence", "mean_excitons_from_fluence", "pump_intensity", "check_progress",
           "generation_rate_from_intensity"]


METHODS = ("monte-carlo", "master-equation")
PHOTON_ENERGY_J_PER_EV = 1.602176634e-19
#: NCs per kernel call; bounds the time between progress updates, not memory
#: (the kernel stores no per-NC arrays, so memory is flat in n_nanocrystals).
CHUNK_SIZE = 1 << 21
MAX_NANOCRYSTALS = 10 ** 12
#: Largest number of values along one axis (<N>, times, energies).
MAX_GRID_POINTS = 10 ** 6


# ----------------------------------------------------------------------------- validation

def _as_1d(name: str, values, *, unit: str) -> np.ndarray:
    # Complex numbers and booleans are refused, not truncated or read as 0/1.
    try:
        raw = np.asarray(values)
    except (TypeError, ValueError):
        raw = np.asarray([object()])
    if raw.dtype.kind not in "iuf":
        raise ValueError(f"{name} = {short(values)} must be a sequence of real numbers ({unit}); "
                         f"got {raw.dtype.name if raw.dtype.kind != 'O' else 'other'} values")
    if raw.size > MAX_GRID_POINTS:
        raise ValueError(f"{name} has {raw.size} values; allowed at most {MAX_GRID_POINTS}")
    arr = np.atleast_1d(raw.astype(float))
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D sequence ({unit}), got shape {arr.shape}")
    bad = ~np.isfinite(arr)
    if bad.any():
        raise ValueError(f"{name} = {float(arr[bad][0])!r} is not allowed: values must be finite ({unit})")
    return arr


def _check_choice(name: str, value, allowed) -> str:
    if value not in allowed:
        raise ValueError(f"{name} = {short(value)} is not one of {tuple(allowed)}")
    return value


def _check_int(name: str, value, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not lo <= value <= hi:
        raise ValueError(f"{name} = {short(value)} is outside the allowed range: an integer in "
                         f"[{lo}, {hi}]")
    return int(value)


def validate_times(values) -> np.ndarray:
    """Check record times: finite, >= 0 ps, strictly increasing.

    Parameters
    ----------
    values : array_like of float
        Record times (ps).

    Returns
    -------
    numpy.ndarray
        The times as a 1-D float array.

    Raises
    ------
    ValueError
        Naming ``times``, the offending value and the allowed range.
    """
    arr = _as_1d("times", values, unit="ps")
    if (arr < 0).any():
        raise ValueError(f"times = {float(arr[arr < 0][0])!r} ps is outside the allowed range [0, inf) ps")
    if arr.size > 1 and not (np.diff(arr) > 0).all():
        raise ValueError(f"times must be strictly increasing (ps), got {short(arr)}")
    return arr


def resolve_sample(sample) -> Sample:
    """Accept a :class:`models.Sample` or a preset name.

    Parameters
    ----------
    sample : models.Sample or str
        A sample, or the name of a preset (:func:`models.presets.get`).

    Returns
    -------
    models.Sample
        The sample itself, or the preset of that name.
    """
    if isinstance(sample, str):
        return models.presets.get(sample)
    if not isinstance(sample, models.Sample):
        raise ValueError(f"sample must be a models.Sample or a preset name, got "
                         f"{short(sample)}")
    return sample


def check_progress(progress) -> bool:
    """``progress`` as a bool: True shows a bar; False or None shows none.

    Parameters
    ----------
    progress : bool or None
        The entry point's ``progress`` argument.

    Returns
    -------
    bool
        Whether to show a progress bar.

    Raises
    ------
    ValueError
        For anything else (a string such as ``'no'`` would otherwise be true).
    """
    if progress is None:
        return False
    if not isinstance(progress, (bool, np.bool_)):
        raise ValueError(f"progress = {short(progress)} is outside the allowed range: True, "
                         "False or None")
    return bool(progress)


# ----------------------------------------------------------------------------- pulse: fluence <-> <N>

def _mean_sigma_pump(sample: Sample) -> float:
    """Number-weighted mean pump cross-section (cm^2) over the size classes."""
    return sum(w * s.sigma_pump for w, s in sample.size_classes())


def pump_fluence(mean_excitons, sample: Sample) -> np.ndarray:
    """Pump fluence giving ``mean_excitons``: F = <N> h nu / sigma_pump.

    Parameters
    ----------
    mean_excitons : float or array_like
        Mean exciton numbers ⟨N⟩ right after the pulse (excitons per NC).
    sample : Sample
        The sample; its ``pump_energy`` (eV) and ``sigma_pump`` (cm², the
        number-weighted mean over size classes) are used.

    Returns
    -------
    numpy.ndarray
        The pump fluence in mJ cm⁻², same shape as ``mean_excitons``; the inverse
        of :func:`mean_excitons_from_fluence`.

    Examples
    --------
    >>> from ncgain import kinetics, models
    >>> round(float(kinetics.pump_fluence(1.0, models.presets.TYPE_II_CDS_ZNSE)), 3)
    2.0
    """
    return (np.asarray(mean_excitons, float) * sample.pump_energy * PHOTON_ENERGY_J_PER_EV
            / _mean_sigma_pump(sample) * 1e3)


def mean_excitons_from_fluence(fluence, sample: Sample) -> np.ndarray:
    """Mean excitons per NC created by a pump fluence: <N> = sigma_pump F / (h nu).

    Parameters
    ----------
    fluence : array_like of float
        Pump fluence (mJ cm^-2); see :func:`validate_fluence` for the checks
        that :func:`simulate_pulsed` applies.
    sample : models.Sample
        Supplies ``pump_energy`` (eV) and ``sigma_pump`` (cm^2; the
        number-weighted mean over size classes).

    Returns
    -------
    numpy.ndarray
        <N> (excitons per NC), the inverse of :func:`pump_fluence`.

    Examples
    --------
    >>> from ncgain import kinetics, models
    >>> float(kinetics.mean_excitons_from_fluence(2.0, models.presets.TYPE_II_CDS_ZNSE).round(3))
    1.0
    """
    photons_per_cm2 = np.asarray(fluence, float) * 1e-3 / (sample.pump_energy
                                                           * PHOTON_ENERGY_J_PER_EV)
    return _mean_sigma_pump(sample) * photons_per_cm2


def validate_fluence(values) -> np.ndarray:
    """Check pump fluences: a non-empty 1-D sequence of finite values >= 0 (mJ cm^-2).

    Parameters
    ----------
    values : array_like of float
        Pump fluences (mJ cm^-2).

    Returns
    -------
    numpy.ndarray
        The fluences as a 1-D float array.

    Raises
    ------
    ValueError
        Naming ``fluence``, the offending value and the allowed range.
    """
    arr = _as_1d("fluence", values, unit="mJ cm^-2")
    if (arr < 0).any():
        raise ValueError(f"fluence = {float(arr[arr < 0][0])!r} mJ cm^-2 is outside the allowed "
                         "range [0, inf) mJ cm^-2")
    return arr


# ----------------------------------------------------------------------------- c.w.: intensity <-> G

def _mean_sigma(sample: Sample) -> float:
    return float(sum(w * s.sigma_pump for w, s in sample.size_classes()))


def _check_rates(name, values, unit):
    arr = _as_1d(name, values, unit=unit)
    if (arr < 0).any():
        raise ValueError(f"{name} = {float(arr[arr < 0][0])!r} is outside the allowed range "
                         f"[0, inf) {unit}")
    return arr


def pump_intensity(generation_rate, sample) -> np.ndarray:
    """Pump intensity (W cm^-2) giving the ensemble generation rate ``generation_rate``.

    I = G h nu_pump / mean(sigma_pump), with G in excitons per NC per ps and the
    number-weighted mean pump cross-section of the sample's size classes (class c
    is pumped at G sigma_c / mean(sigma), so I is the same for every class).

    Parameters
    ----------
    generation_rate : float or array_like
        G (1/ps), finite and >= 0.
    sample : models.Sample or str
        The sample (or a preset name): its ``sigma_pump`` and ``pump_energy``.

    Returns
    -------
    ndarray
        Intensity in W cm^-2, same shape as ``generation_rate`` (at least 1-D).

    Raises
    ------
    ValueError
        For negative, NaN or infinite rates.

    Examples
    --------
    >>> from ncgain import kinetics, models
    >>> s = models.presets.TYPE_II_CDS_ZNSE
    >>> i = kinetics.pump_intensity(1e-3, s)
    >>> float(kinetics.generation_rate_from_intensity(i, s)[0])
    0.001
    """
    sample = resolve_sample(sample)
    g = _check_rates("generation_rate", generation_rate, "1/ps")
    return g * 1e12 * sample.pump_energy * PHOTON_ENERGY_J_PER_EV / _mean_sigma(sample)


def generation_rate_from_intensity(intensity, sample) -> np.ndarray:
    """Ensemble generation rate G (1/ps) of a pump of ``intensity`` W cm^-2.

    The inverse of :func:`pump_intensity`: G = mean(sigma_pump) I / h nu_pump.

    Parameters
    ----------
    intensity : float or array_like
        Pump intensity (W cm^-2), finite and >= 0.
    sample : models.Sample or str

    Returns
    -------
    ndarray
        G in excitons per NC per ps (at least 1-D).

    Raises
    ------
    ValueError
        For negative, NaN or infinite intensities.
    """
    sample = resolve_sample(sample)
    i = _check_rates("pump_intensity", intensity, "W cm^-2")
    return i * _mean_sigma(sample) / (sample.pump_energy * PHOTON_ENERGY_J_PER_EV) / 1e12
