"""The rules of a valid :class:`~ncgain.models.Sample`: ranges, names, consistency.

``Sample.__post_init__`` calls :func:`validate`, so an invalid sample never exists;
every ValueError names the field, its value and the allowed range. Kept apart from
``sample.py`` (the fields, I/O and size classes) because the rules are long.
"""

from __future__ import annotations

from typing import Any

from ._checks import check_finite as _check_finite
from ._checks import check_range as _check_range
from ._text import short as _short
from .bandedge import AUGER_SCALINGS, RADIATIVE_SCALINGS, ElectronHole, band_edge_model, model_class
from .bandedge import names as _state_model_names
from .transitions import HigherTransition

__all__ = ["validate", "TAU_XX_MEANINGS", "HOMOGENEOUS_LINESHAPES", "MAX_NAME_LENGTH",
           "MAX_DESCRIPTION_LENGTH", "MAX_COMPONENTS"]

#: What ``Sample.tau_xx`` means: the biexciton Auger time, or the measured total
#: biexciton lifetime from which the Auger time is derived.
TAU_XX_MEANINGS = ("auger", "total")

#: Homogeneous (single-NC) line shapes.
HOMOGENEOUS_LINESHAPES = ("gaussian", "lorentzian")

#: Longest ``name`` (characters).
MAX_NAME_LENGTH = 200
#: Longest ``description`` (characters): it is copied into every dataset's attributes.
MAX_DESCRIPTION_LENGTH = 20_000
#: Most size classes in ``components``.
MAX_COMPONENTS = 1000


def validate(sample: Any, sample_class: type) -> None:
    """Check every field of a new ``Sample`` and store the normalized values (floats, tuples).

    Parameters
    ----------
    sample : Sample
        The instance being constructed (frozen: values are set with ``object.__setattr__``).
    sample_class : type
        :class:`~ncgain.models.Sample`, which size classes must be instances of.

    Raises
    ------
    ValueError
        If a field is outside its allowed range; the message names the field, its value
        and the range.
    """
    if not isinstance(sample.name, str) or not sample.name \
            or len(sample.name) > MAX_NAME_LENGTH:
        raise ValueError(f"name must be a non-empty string of at most {MAX_NAME_LENGTH} "
                         f"characters, got {_short(sample.name)}")
    if not isinstance(sample.description, str) \
            or len(sample.description) > MAX_DESCRIPTION_LENGTH:
        raise ValueError(f"description must be a string of at most {MAX_DESCRIPTION_LENGTH} "
                         f"characters, got {_short(sample.description)}"
                         + (f" ({len(sample.description)} characters)"
                            if isinstance(sample.description, str) else ""))
    for key, allowed in (("homogeneous_lineshape", HOMOGENEOUS_LINESHAPES),
                         ("radiative_scaling", tuple(RADIATIVE_SCALINGS)),
                         ("auger_scaling", tuple(AUGER_SCALINGS))):
        if not isinstance(getattr(sample, key), str):
            raise ValueError(f"{key} = {_short(getattr(sample, key))} is not one of {allowed}")
    set_ = lambda k, v: object.__setattr__(sample, k, v)  # noqa: E731 (frozen)
    set_("exciton_energy", _check_range("exciton_energy", sample.exciton_energy, 0.0, 20.0,
                                        lo_open=True, unit=" eV"))
    set_("delta_xx", _check_range("delta_xx", sample.delta_xx, -2.0, 2.0, unit=" eV"))
    set_("linewidth", _check_range("linewidth", sample.linewidth, 0.0, 2.0,
                                   lo_open=True, unit=" eV"))
    set_("tau_x", _check_range("tau_x", sample.tau_x, 0.0, 1e9, lo_open=True, unit=" ps"))
    set_("tau_xx", _check_range("tau_xx", sample.tau_xx, 0.0, 1e9, lo_open=True, unit=" ps"))
    set_("sigma_pump", _check_range("sigma_pump", sample.sigma_pump, 0.0, 1e-10,
                                    lo_open=True, unit=" cm^2"))
    set_("pump_energy", _check_range("pump_energy", sample.pump_energy, 0.0, 100.0,
                                     lo_open=True, unit=" eV"))
    set_("stokes_shift", _check_range("stokes_shift", sample.stokes_shift, -1.0, 1.0,
                                      unit=" eV"))
    if sample.homogeneous_lineshape not in HOMOGENEOUS_LINESHAPES:
        raise ValueError(
            f"homogeneous_lineshape = {sample.homogeneous_lineshape!r} is not one of "
            f"{HOMOGENEOUS_LINESHAPES}")
    if sample.homogeneous_lineshape == "gaussian":
        hi = sample.linewidth
        gamma = _check_finite("homogeneous_linewidth", sample.homogeneous_linewidth)
        if not 0.0 <= gamma < hi:
            raise ValueError(
                f"homogeneous_linewidth = {gamma!r} eV is outside the allowed range "
                f"[0, linewidth = {hi:g}) eV for Gaussian lines (the ensemble width "
                "includes the homogeneous width)")
    else:
        gamma = _check_range("homogeneous_linewidth", sample.homogeneous_linewidth, 0.0, 2.0,
                             lo_open=True, unit=" eV")
    set_("homogeneous_linewidth", gamma)
    if (isinstance(sample.degeneracy, bool) or not isinstance(sample.degeneracy, int)
            or not 1 <= sample.degeneracy <= 8):
        raise ValueError(
            f"degeneracy = {sample.degeneracy!r} is outside the allowed range: an integer "
            "in [1, 8]")
    if sample.radiative_scaling not in RADIATIVE_SCALINGS:
        raise ValueError(f"radiative_scaling = {sample.radiative_scaling!r} is not one of "
                         f"{tuple(RADIATIVE_SCALINGS)}")
    if sample.auger_scaling not in AUGER_SCALINGS:
        raise ValueError(f"auger_scaling = {sample.auger_scaling!r} is not one of "
                         f"{tuple(AUGER_SCALINGS)}")
    if sample.tau_xx_meaning not in TAU_XX_MEANINGS:
        raise ValueError(f"tau_xx_meaning = {sample.tau_xx_meaning!r} is not one of "
                         f"{TAU_XX_MEANINGS}")
    r = sample.resident_electrons
    if isinstance(r, bool) or not isinstance(r, int) or not 0 <= r <= sample.degeneracy:
        raise ValueError(
            f"resident_electrons = {r!r} is outside the allowed range: an integer in "
            f"[0, degeneracy = {sample.degeneracy}] (the band-edge electron level has "
            f"{sample.degeneracy} states)")
    if r > 0 and sample.auger_scaling in ("pairwise", "quadratic"):
        raise ValueError(f"auger_scaling = {sample.auger_scaling!r} is defined for neutral "
                         f"NCs only; with resident_electrons = {r} use 'statistical' or "
                         "'none'")
    if sample.xx_absorption_width is not None:
        set_("xx_absorption_width", _check_range(
            "xx_absorption_width", sample.xx_absorption_width, 0.0, 2.0, unit=" eV"))
    if not isinstance(sample.higher_transitions, (tuple, list)):
        raise ValueError(f"higher_transitions = {sample.higher_transitions!r} must be a "
                         "sequence of HigherTransition")
    set_("higher_transitions", tuple(HigherTransition.coerce(t, k)
                                     for k, t in enumerate(sample.higher_transitions)))
    if sample.state_model not in _state_model_names():
        raise ValueError(f"state_model = {sample.state_model!r} is not one of "
                         f"{_state_model_names()}")
    gh = sample.hole_degeneracy
    if isinstance(gh, bool) or not isinstance(gh, int) or not 1 <= gh <= 8:
        raise ValueError(f"hole_degeneracy = {gh!r} is outside the allowed range: an "
                         "integer in [1, 8]")
    set_("temperature", _check_range("temperature", sample.temperature, 0.0, 2000.0,
                                     lo_open=True, unit=" K"))
    set_("hole_levels", ElectronHole.validated_hole_levels(sample.hole_levels,
                                                      sample.hole_degeneracy))
    for key, (default, reason) in model_class(sample.state_model).IGNORED_FIELDS.items():
        if getattr(sample, key) != default:
            raise ValueError(f"{key} = {getattr(sample, key)!r} has no effect with state_model = "
                             f"{sample.state_model!r} ({reason}); leave it at its default "
                             f"{default!r}")
    if sample.homogeneous_lineshape == "lorentzian":
        widths = [("xx_absorption_width", sample.xx_absorption_width)] + [
            (f"higher_transitions[{k}].width", t.width)
            for k, t in enumerate(sample.higher_transitions)]
        for name, w in widths:
            if w is not None and not w > 0:
                raise ValueError(f"{name} = {w!r} eV is outside the allowed range (0, 2] eV "
                                 "for Lorentzian lines")
    if sample.tau_xx_meaning == "total":
        k_rad2 = band_edge_model(sample).radiative_scale(2, 2) / sample.tau_x
        if not 1.0 / sample.tau_xx > k_rad2:
            raise ValueError(
                f"tau_xx = {sample.tau_xx!r} ps (tau_xx_meaning = 'total', the measured "
                f"biexciton lifetime) is outside the allowed range (0, {1.0 / k_rad2:g}) ps: "
                f"radiative recombination alone (k_rad(2) = {k_rad2:.4g}/ps, "
                f"radiative_scaling = {sample.radiative_scaling!r}) decays a biexciton "
                "faster than that")
    if sample.trion_auger_time is not None:
        tt = _check_range("trion_auger_time", sample.trion_auger_time, 0.0, 1e9,
                          lo_open=True, unit=" ps")
        if sample.auger_scaling != "statistical":
            raise ValueError("trion_auger_time needs auger_scaling = 'statistical' (the "
                             f"carrier-triple law), got {sample.auger_scaling!r}")
        if tt < 2.0 * sample.auger_time * (1 - 1e-12):
            raise ValueError(
                f"trion_auger_time = {tt!r} ps is outside the allowed range "
                f"[2 tau_A(XX) = {2.0 * sample.auger_time:g}, 1e9] ps: with "
                "1/tau_A(XX) = 2/tau_A(X-) + 2/tau_A(X+) the positive-trion rate "
                "would be negative")
        set_("trion_auger_time", tt)
    set_("components", _validated_components(sample, sample.components, sample_class))

def _validated_components(sample: Any, components: Any, sample_class: type) -> tuple:
    if not isinstance(components, (tuple, list)):
        raise ValueError(f"components must be a sequence of (weight, Sample) pairs, got "
                         f"{_short(components)}")
    if len(components) > MAX_COMPONENTS:
        raise ValueError(f"components has {len(components)} size classes; allowed at most "
                         f"{MAX_COMPONENTS}")
    if not components:
        return ()
    for k, comp in enumerate(components):
        if not isinstance(comp, (tuple, list)) or len(comp) != 2 \
                or not isinstance(comp[1], sample_class):
            raise ValueError(f"components[{k}] must be a (weight, Sample) pair, got "
                             f"{_short(comp)}")
    components = tuple(tuple(c) for c in components)
    total = 0.0
    for k, comp in enumerate(components):
        weight = _check_range(f"components[{k}] weight", comp[0], 0.0, 1.0, lo_open=True)
        sub = comp[1]
        if sub.components:
            raise ValueError(f"components[{k}] must be a homogeneous sample "
                             "(its own components must be empty)")
        for attr in ("degeneracy", "homogeneous_lineshape", "pump_energy", "state_model"):
            if getattr(sub, attr) != getattr(sample, attr):
                raise ValueError(
                    f"components[{k}].{attr} = {getattr(sub, attr)!r} must equal the "
                    f"sample's {attr} = {getattr(sample, attr)!r}")
        total += weight
    if abs(total - 1.0) > 1e-9:
        raise ValueError(f"components weights sum to {total!r}; allowed: 1 (within 1e-9)")
    return tuple((float(w), s) for w, s in components)
