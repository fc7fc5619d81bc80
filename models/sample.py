"""The description of a nanocrystal sample: :class:`Sample`.

A :class:`Sample` holds the physics of one kind of nanocrystal (NC) and of its
ensemble: the single-exciton line, the exciton-exciton interaction, the line
widths, the lifetimes and the pump cross-section. It is a frozen dataclass,
validated at construction, so an invalid sample never reaches a simulation.

A size-dispersed sample is a mixture of homogeneous *size classes*: its
``components`` hold ``(weight, Sample)`` pairs (see
:meth:`Sample.size_classes`). The top-level fields then describe the ensemble
average and are used for reporting and for default probe energies.

Units: energy eV, time ps, cross-section cm^2.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import math
import numbers
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["Sample", "HigherTransition", "RADIATIVE_SCALINGS", "AUGER_SCALINGS",
           "HOMOGENEOUS_LINESHAPES", "TAU_XX_MEANINGS", "STATE_MODELS"]

#: Named laws for the radiative rate k_rad(n) = s_rad(n) / tau_x (g = degeneracy).
#: With r resident electrons the band edge holds E = min(n + r, g) electrons and
#: H = min(n, g) holes (two-channel model, docs/theory.md section 1).
RADIATIVE_SCALINGS = {
    # Einstein relation (default): k_rad(n) / k_rad(X) = emission strength of the
    # state / emission strength of the neutral single exciton. Two channels:
    # g * (band-edge stimulated-emission strength) = min(n, g).
    "einstein": "g * emission_strength(n) = min(n, g)",
    # Each band-edge electron can recombine with each hole: E * H (min(n, g)**2 when
    # neutral). NOT consistent with the two-channel emission strengths (4x vs 2x at
    # n = 2); kept for comparison with v1 results.
    "statistical": "min(n + r, g) * min(n, g)",
    # One recombination channel per band-edge hole (equals "einstein" for two channels).
    "linear": "min(n, g)",
}

#: Named laws for the Auger rate k_A(n) = s_A(n) / tau_xx; all give s_A(2) = 1.
AUGER_SCALINGS = {
    # Number of electron-electron-hole plus hole-hole-electron triples / 4:
    # n^2 (n - 1) / 4 (Klimov et al., Science 287, 1011 (2000)).
    "statistical": "n**2 * (n - 1) / 4",
    # Number of exciton pairs: n (n - 1) / 2.
    "pairwise": "n * (n - 1) / 2",
    # Auger recombination switched off.
    "none": "0",
}

#: Band-edge state models: the paper's correlated two-channel band edge, or
#: independent electrons and holes with thermally occupied hole sublevels.
STATE_MODELS = ("two-channel", "electron-hole")

#: Boltzmann constant (eV/K).
K_BOLTZMANN = 8.617333262e-5

#: What ``Sample.tau_xx`` means: the biexciton Auger time, or the measured total
#: biexciton lifetime from which the Auger time is derived.
TAU_XX_MEANINGS = ("auger", "total")


@dataclass(frozen=True)
class HigherTransition:
    """An absorption line above the band edge (for example 1S3/2-2S or 2S3/2-1S in CdSe).

    It is present in unexcited and excited NCs alike (no state filling; see
    docs/theory.md) and shifts by ``stark_shift`` per exciton present.

    Parameters
    ----------
    offset : float
        Position above the NC's band-edge emission line E_i (eV), in (0, 2].
    strength : float
        Cross-section relative to the band-edge absorption of an unexcited NC
        (units of sigma_0), in [0, 100].
    width : float
        Homogeneous half-width of the line (eV), in [0, 2]: the 1/e half-width for
        Gaussian samples, the HWHM for Lorentzian ones; it is convolved with the
        sample's inhomogeneous distribution of E_i.
    stark_shift : float, default 0
        Shift of the line per exciton present in the NC (eV), in [-1, 1].

    Raises
    ------
    ValueError
        If a field is outside its range; the message names the field.

    Examples
    --------
    >>> HigherTransition(offset=0.2, strength=1.0, width=0.03).stark_shift
    0.0
    """

    offset: float
    strength: float
    width: float
    stark_shift: float = 0.0

    def __post_init__(self) -> None:
        set_ = lambda k, v: object.__setattr__(self, k, v)  # noqa: E731 (frozen)
        set_("offset", _check_range("higher_transitions.offset", self.offset, 0.0, 2.0,
                                    lo_open=True, unit=" eV"))
        set_("strength", _check_range("higher_transitions.strength", self.strength, 0.0,
                                      100.0, unit=" sigma_0"))
        set_("width", _check_range("higher_transitions.width", self.width, 0.0, 2.0,
                                   unit=" eV"))
        set_("stark_shift", _check_range("higher_transitions.stark_shift", self.stark_shift,
                                         -1.0, 1.0, unit=" eV"))

    def to_dict(self) -> dict:
        """The transition as a plain dict.

        Returns
        -------
        dict
            ``offset``, ``strength``, ``width``, ``stark_shift``.
        """
        return dataclasses.asdict(self)

    @classmethod
    def coerce(cls, value: Any, k: int) -> "HigherTransition":
        """Accept a HigherTransition, a dict of its fields or a 3/4-tuple.

        Parameters
        ----------
        value : HigherTransition, dict or tuple
            The description.
        k : int
            Its index in ``higher_transitions`` (for error messages).

        Returns
        -------
        HigherTransition

        Raises
        ------
        ValueError
            If ``value`` has the wrong form or a field is out of range.
        """
        if isinstance(value, cls):
            return value
        try:
            if isinstance(value, dict):
                return cls(**value)
            return cls(*value)
        except TypeError as exc:
            raise ValueError(f"higher_transitions[{k}] = {value!r} must be a HigherTransition, "
                             "a dict with offset, strength, width[, stark_shift] or a tuple "
                             f"(offset, strength, width[, stark_shift]): {exc}") from None

#: Homogeneous (single-NC) line shapes.
HOMOGENEOUS_LINESHAPES = ("gaussian", "lorentzian")

#: Longest ``name`` (characters).
MAX_NAME_LENGTH = 200
#: Longest ``description`` (characters): it is copied into every dataset's attributes.
MAX_DESCRIPTION_LENGTH = 20_000
#: Most size classes in ``components``.
MAX_COMPONENTS = 1000


def _short(value: Any, limit: int = 80) -> str:
    from ._text import short
    return short(value, limit)


def _check_finite(name: str, value: Any) -> float:
    # Real numbers only: booleans and complex numbers are refused, not read as 0/1 or truncated.
    if isinstance(value, bool) or type(value).__name__ == "bool_" \
            or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a real number, got {_short(value)} "
                         f"({type(value).__name__})")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return value


def _check_range(name: str, value: Any, lo: float | None, hi: float | None,
                 *, lo_open: bool = False, unit: str = "") -> float:
    """Return ``value`` as float or raise a ValueError naming the allowed range."""
    value = _check_finite(name, value)
    ok = True
    if lo is not None:
        ok &= value > lo if lo_open else value >= lo
    if hi is not None:
        ok &= value <= hi
    if not ok:
        left = "(" if lo_open else "["
        lo_s = "-inf" if lo is None else f"{lo:g}"
        hi_s = "inf)" if hi is None else f"{hi:g}]"
        raise ValueError(
            f"{name} = {value!r}{unit} is outside the allowed range {left}{lo_s}, {hi_s}"
            + (f" {unit.strip()}" if unit else ""))
    return value


def _toml_value(value: Any) -> str:
    """A Sample field value as TOML: str, int, finite float, sequences (arrays) and
    dataclasses or dicts (inline tables), nested."""
    if isinstance(value, str):
        # JSON string escapes are valid TOML basic-string escapes; TOML also forbids DEL.
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007F")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"cannot write the non-finite value {value!r} as TOML")
        return repr(value)
    if dataclasses.is_dataclass(value):
        value = value.to_dict() if hasattr(value, "to_dict") else dataclasses.asdict(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()
                               if v is not None) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise ValueError(f"cannot write {value!r} ({type(value).__name__}) as TOML")


def _describe(value: Any) -> str:
    """A value as it reads in a TOML file (any type: the sample validates it later)."""
    try:
        return _toml_value(value)
    except ValueError:
        return repr(value)


def _component_pair(k: int, component: Any) -> list:
    """A size class read from TOML as [weight, fields]: from a table or a pair."""
    if isinstance(component, dict):
        if "weight" not in component:
            raise ValueError(f"components[{k}] needs a weight (number fraction in (0, 1])")
        fields = dict(component)
        return [fields.pop("weight"), fields]
    return component   # a [weight, fields] pair, or something the sample will reject


@dataclass(frozen=True)
class Sample:
    """A colloidal nanocrystal sample, as the kinetics sees it.

    Parameters
    ----------
    name : str
        Label used in datasets and plots.
    exciton_energy : float
        E_X, the single-exciton emission energy at the centre of the ensemble
        line (eV).
    delta_xx : float
        Delta_XX = E_XX - 2 E_X (eV); positive is exciton-exciton repulsion.
        It shifts the absorption of an excited NC (X -> XX) and the biexciton
        emission line by +Delta_XX.
    linewidth : float
        Gamma, the ensemble 1/e half-width (eV) in the paper's convention: with
        Gaussian homogeneous lines the ensemble line is exp(-(E-E_X)^2/Gamma^2).
        With Lorentzian homogeneous lines it is the width of the Gaussian
        inhomogeneous part (the ensemble line is then a Voigt profile).
    tau_x : float
        Single-exciton lifetime (ps): k_rad(1) = 1 / tau_x.
    tau_xx : float
        Biexciton time (ps); what it is depends on ``tau_xx_meaning``: by default
        the biexciton Auger time, k_A(2) = 1 / tau_xx; with
        ``tau_xx_meaning="total"`` the measured total biexciton lifetime
        1 / (k_rad(2) + k_A(2)), from which the Auger time is derived
        (:attr:`auger_time`).
    sigma_pump : float
        Absorption cross-section at ``pump_energy`` (cm^2); the mean number of
        excitons created by a pulse of photon fluence j is sigma_pump * j.
    pump_energy : float
        Pump photon energy (eV).
    homogeneous_linewidth : float, default 0
        gamma, the single-NC (homogeneous) half-width (eV): 1/e half-width for
        a Gaussian, half width at half maximum for a Lorentzian. For Gaussian
        lines it must be smaller than ``linewidth``.
    homogeneous_lineshape : {"gaussian", "lorentzian"}, default "gaussian"
    degeneracy : int, default 2
        g, the number of band-edge electrons (the paper's two-level system
        with two electrons has g = 2).
    stokes_shift : float, default 0
        S (eV): the band-edge absorption of a NC lies S above its emission.
    radiative_scaling : str, default "einstein"
        Name of the law s_rad(n) in k_rad(n) = s_rad(n) / tau_x, one of
        :data:`RADIATIVE_SCALINGS`. "einstein" derives it from the state's
        stimulated-emission strength (Einstein relation); "statistical"
        (min(n, g)^2, the v1 default) contradicts the two-channel emission
        strengths and is kept for comparison.
    auger_scaling : str, default "statistical"
        Name of the law s_A(n) in k_A(n) = s_A(n) / tau_A, one of
        :data:`AUGER_SCALINGS` (tau_A = :attr:`auger_time`).
    components : tuple of (float, Sample), default ()
        Size classes of a dispersed sample, as (number fraction, homogeneous
        sample) pairs whose fractions sum to 1. Empty for a homogeneous sample.
    description : str, default ""
        Free text (for example how the sample was built).
    tau_xx_meaning : {"auger", "total"}, default "auger"
        What ``tau_xx`` is: the biexciton Auger time, or the measured total
        biexciton lifetime (radiative plus Auger). With "total", tau_xx must be
        shorter than the radiative biexciton lifetime 1 / k_rad(2).
    resident_electrons : int, default 0
        Extra (resident) electrons in the band-edge electron level of every NC
        of this homogeneous sample, 0 ... degeneracy. They block absorption
        (state filling) and form trions with photoexcited excitons. A
        distribution over charge states is a mixture: see
        :meth:`with_resident_electrons`.
    trion_auger_time : float or None, default None
        Auger time (ps) of the negative trion X- (one exciton plus one resident
        electron), with the statistical Auger law split into negative-trion
        (eeh) and positive-trion (hhe) pathways, 1/tau_A(XX) = 2/tau_A(X-) +
        2/tau_A(X+) (superposition principle). None: equal pathways, so
        tau_A(X-) = 4 tau_A(XX). Must be >= 2 tau_A(XX).
    xx_absorption_width : float or None, default None
        Homogeneous half-width (eV) of the excited-state (X -> XX, n -> n+1 for
        n >= 1) band-edge absorption lines; None: ``homogeneous_linewidth``.
        A broader biexciton absorption spreads induced absorption to the red.
    higher_transitions : tuple of HigherTransition, default ()
        Absorption lines above the band edge, present in every state (dicts or
        tuples (offset, strength, width[, stark_shift]) are accepted).
    state_model : {"two-channel", "electron-hole"}, default "two-channel"
        "two-channel": the paper's band edge, g channels each holding a
        correlated electron-hole pair (``degeneracy`` = g). "electron-hole":
        independent carriers, ``degeneracy`` electron states and
        ``hole_degeneracy`` hole states grouped into ``hole_levels``, thermally
        occupied at ``temperature`` (docs/theory.md, section 6).
    hole_degeneracy : int, default 4
        g_h, band-edge hole states (CdSe 1S3/2: 4); electron-hole model only.
    hole_levels : tuple of (energy, states, strength), default ()
        Hole sublevels of the electron-hole model: energy above the lowest
        sublevel (eV, shifts its lines to the blue; [0, 0.5]), number of states
        (integer >= 1, summing to ``hole_degeneracy``) and relative oscillator
        strength per state (>= 0; zero = dark). Empty: one level of
        ``hole_degeneracy`` equal states.
    temperature : float, default 300
        Sample temperature (K), in (0, 2000]; sets the thermal occupation of
        the hole sublevels.

    Raises
    ------
    ValueError
        If any field is outside its allowed range; the message names the
        field, its value and the range.

    Examples
    --------
    >>> import dataclasses, models
    >>> s = dataclasses.replace(models.presets.TYPE_II_CDS_ZNSE, delta_xx=0.05)
    >>> s.delta_xx
    0.05
    """

    name: str
    exciton_energy: float
    delta_xx: float
    linewidth: float
    tau_x: float
    tau_xx: float
    sigma_pump: float
    pump_energy: float
    homogeneous_linewidth: float = 0.0
    homogeneous_lineshape: str = "gaussian"
    degeneracy: int = 2
    stokes_shift: float = 0.0
    radiative_scaling: str = "einstein"
    auger_scaling: str = "statistical"
    components: tuple = field(default=())
    description: str = ""
    tau_xx_meaning: str = "auger"
    resident_electrons: int = 0
    trion_auger_time: float | None = None
    xx_absorption_width: float | None = None
    higher_transitions: tuple = field(default=())
    state_model: str = "two-channel"
    hole_degeneracy: int = 4
    hole_levels: tuple = field(default=())
    temperature: float = 300.0

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name \
                or len(self.name) > MAX_NAME_LENGTH:
            raise ValueError(f"name must be a non-empty string of at most {MAX_NAME_LENGTH} "
                             f"characters, got {_short(self.name)}")
        if not isinstance(self.description, str) \
                or len(self.description) > MAX_DESCRIPTION_LENGTH:
            raise ValueError(f"description must be a string of at most {MAX_DESCRIPTION_LENGTH} "
                             f"characters, got {_short(self.description)}"
                             + (f" ({len(self.description)} characters)"
                                if isinstance(self.description, str) else ""))
        for key, allowed in (("homogeneous_lineshape", HOMOGENEOUS_LINESHAPES),
                             ("radiative_scaling", tuple(RADIATIVE_SCALINGS)),
                             ("auger_scaling", tuple(AUGER_SCALINGS))):
            if not isinstance(getattr(self, key), str):
                raise ValueError(f"{key} = {_short(getattr(self, key))} is not one of {allowed}")
        set_ = lambda k, v: object.__setattr__(self, k, v)  # noqa: E731 (frozen)
        set_("exciton_energy", _check_range("exciton_energy", self.exciton_energy, 0.0, 20.0,
                                            lo_open=True, unit=" eV"))
        set_("delta_xx", _check_range("delta_xx", self.delta_xx, -2.0, 2.0, unit=" eV"))
        set_("linewidth", _check_range("linewidth", self.linewidth, 0.0, 2.0,
                                       lo_open=True, unit=" eV"))
        set_("tau_x", _check_range("tau_x", self.tau_x, 0.0, 1e9, lo_open=True, unit=" ps"))
        set_("tau_xx", _check_range("tau_xx", self.tau_xx, 0.0, 1e9, lo_open=True, unit=" ps"))
        set_("sigma_pump", _check_range("sigma_pump", self.sigma_pump, 0.0, 1e-10,
                                        lo_open=True, unit=" cm^2"))
        set_("pump_energy", _check_range("pump_energy", self.pump_energy, 0.0, 100.0,
                                         lo_open=True, unit=" eV"))
        set_("stokes_shift", _check_range("stokes_shift", self.stokes_shift, -1.0, 1.0,
                                          unit=" eV"))
        if self.homogeneous_lineshape not in HOMOGENEOUS_LINESHAPES:
            raise ValueError(
                f"homogeneous_lineshape = {self.homogeneous_lineshape!r} is not one of "
                f"{HOMOGENEOUS_LINESHAPES}")
        if self.homogeneous_lineshape == "gaussian":
            hi = self.linewidth
            gamma = _check_finite("homogeneous_linewidth", self.homogeneous_linewidth)
            if not 0.0 <= gamma < hi:
                raise ValueError(
                    f"homogeneous_linewidth = {gamma!r} eV is outside the allowed range "
                    f"[0, linewidth = {hi:g}) eV for Gaussian lines (the ensemble width "
                    "includes the homogeneous width)")
        else:
            gamma = _check_range("homogeneous_linewidth", self.homogeneous_linewidth, 0.0, 2.0,
                                 lo_open=True, unit=" eV")
        set_("homogeneous_linewidth", gamma)
        if (isinstance(self.degeneracy, bool) or not isinstance(self.degeneracy, int)
                or not 1 <= self.degeneracy <= 8):
            raise ValueError(
                f"degeneracy = {self.degeneracy!r} is outside the allowed range: an integer "
                "in [1, 8]")
        if self.radiative_scaling not in RADIATIVE_SCALINGS:
            raise ValueError(f"radiative_scaling = {self.radiative_scaling!r} is not one of "
                             f"{tuple(RADIATIVE_SCALINGS)}")
        if self.auger_scaling not in AUGER_SCALINGS:
            raise ValueError(f"auger_scaling = {self.auger_scaling!r} is not one of "
                             f"{tuple(AUGER_SCALINGS)}")
        if self.tau_xx_meaning not in TAU_XX_MEANINGS:
            raise ValueError(f"tau_xx_meaning = {self.tau_xx_meaning!r} is not one of "
                             f"{TAU_XX_MEANINGS}")
        r = self.resident_electrons
        if isinstance(r, bool) or not isinstance(r, int) or not 0 <= r <= self.degeneracy:
            raise ValueError(
                f"resident_electrons = {r!r} is outside the allowed range: an integer in "
                f"[0, degeneracy = {self.degeneracy}] (the band-edge electron level has "
                f"{self.degeneracy} states)")
        if r > 0 and self.auger_scaling == "pairwise":
            raise ValueError("auger_scaling = 'pairwise' is defined for neutral NCs only; "
                             f"with resident_electrons = {r} use 'statistical' or 'none'")
        if self.xx_absorption_width is not None:
            set_("xx_absorption_width", _check_range(
                "xx_absorption_width", self.xx_absorption_width, 0.0, 2.0, unit=" eV"))
        if not isinstance(self.higher_transitions, (tuple, list)):
            raise ValueError(f"higher_transitions = {self.higher_transitions!r} must be a "
                             "sequence of HigherTransition")
        set_("higher_transitions", tuple(HigherTransition.coerce(t, k)
                                         for k, t in enumerate(self.higher_transitions)))
        if self.state_model not in STATE_MODELS:
            raise ValueError(f"state_model = {self.state_model!r} is not one of {STATE_MODELS}")
        gh = self.hole_degeneracy
        if isinstance(gh, bool) or not isinstance(gh, int) or not 1 <= gh <= 8:
            raise ValueError(f"hole_degeneracy = {gh!r} is outside the allowed range: an "
                             "integer in [1, 8]")
        set_("temperature", _check_range("temperature", self.temperature, 0.0, 2000.0,
                                         lo_open=True, unit=" K"))
        set_("hole_levels", self._validated_hole_levels(self.hole_levels))
        if self.homogeneous_lineshape == "lorentzian":
            widths = [("xx_absorption_width", self.xx_absorption_width)] + [
                (f"higher_transitions[{k}].width", t.width)
                for k, t in enumerate(self.higher_transitions)]
            for name, w in widths:
                if w is not None and not w > 0:
                    raise ValueError(f"{name} = {w!r} eV is outside the allowed range (0, 2] eV "
                                     "for Lorentzian lines")
        if self.tau_xx_meaning == "total":
            k_rad2 = self._radiative_scale(2, 0) / self.tau_x
            if not 1.0 / self.tau_xx > k_rad2:
                raise ValueError(
                    f"tau_xx = {self.tau_xx!r} ps (tau_xx_meaning = 'total', the measured "
                    f"biexciton lifetime) is outside the allowed range (0, {1.0 / k_rad2:g}) ps: "
                    f"radiative recombination alone (k_rad(2) = {k_rad2:.4g}/ps, "
                    f"radiative_scaling = {self.radiative_scaling!r}) decays a biexciton "
                    "faster than that")
        if self.trion_auger_time is not None:
            tt = _check_range("trion_auger_time", self.trion_auger_time, 0.0, 1e9,
                              lo_open=True, unit=" ps")
            if self.auger_scaling != "statistical":
                raise ValueError("trion_auger_time needs auger_scaling = 'statistical' (the "
                                 f"carrier-triple law), got {self.auger_scaling!r}")
            if tt < 2.0 * self.auger_time * (1 - 1e-12):
                raise ValueError(
                    f"trion_auger_time = {tt!r} ps is outside the allowed range "
                    f"[2 tau_A(XX) = {2.0 * self.auger_time:g}, 1e9] ps: with "
                    "1/tau_A(XX) = 2/tau_A(X-) + 2/tau_A(X+) the positive-trion rate "
                    "would be negative")
            set_("trion_auger_time", tt)
        set_("components", self._validated_components(self.components))

    def _validated_hole_levels(self, levels: Any) -> tuple:
        if not isinstance(levels, (tuple, list)):
            raise ValueError(f"hole_levels = {levels!r} must be a sequence of "
                             "(energy, states, strength)")
        out = []
        for k, lev in enumerate(levels):
            if isinstance(lev, dict):
                lev = (lev.get("energy"), lev.get("states"), lev.get("strength"))
            if not isinstance(lev, (tuple, list)) or len(lev) != 3:
                raise ValueError(f"hole_levels[{k}] = {lev!r} must be (energy, states, strength)")
            energy = _check_range(f"hole_levels[{k}].energy", lev[0], 0.0, 0.5, unit=" eV")
            states = lev[1]
            if isinstance(states, bool) or not isinstance(states, int) or states < 1:
                raise ValueError(f"hole_levels[{k}].states = {states!r} is outside the allowed "
                                 "range: an integer >= 1")
            strength = _check_range(f"hole_levels[{k}].strength", lev[2], 0.0, 100.0)
            out.append((energy, states, strength))
        if out:
            total = sum(st for _, st, _ in out)
            if total != self.hole_degeneracy:
                raise ValueError(f"hole_levels states sum to {total}; allowed: hole_degeneracy "
                                 f"= {self.hole_degeneracy}")
            if not sum(st * f for _, st, f in out) > 0:
                raise ValueError("hole_levels strengths are all 0; allowed: at least one "
                                 "bright level (strength > 0)")
        return tuple(out)

    def _validated_components(self, components: Any) -> tuple:
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
                    or not isinstance(comp[1], Sample):
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
                if getattr(sub, attr) != getattr(self, attr):
                    raise ValueError(
                        f"components[{k}].{attr} = {getattr(sub, attr)!r} must equal the "
                        f"sample's {attr} = {getattr(self, attr)!r}")
            total += weight
        if abs(total - 1.0) > 1e-9:
            raise ValueError(f"components weights sum to {total!r}; allowed: 1 (within 1e-9)")
        return tuple((float(w), s) for w, s in components)

    # -- size classes -----------------------------------------------------------------

    def size_classes(self) -> tuple[tuple[float, "Sample"], ...]:
        """Return the homogeneous size classes as ``(number fraction, Sample)`` pairs.

        A homogeneous sample is its own single class.

        Returns
        -------
        tuple of (float, Sample)
            The number fraction (summing to 1) and the homogeneous sample of each class.
        """
        return self.components if self.components else ((1.0, self),)

    # -- rates --------------------------------------------------------------------------

    # -- band edge: the two-channel model --------------------------------------------

    def band_edge_carriers(self, n: int) -> tuple[int, int]:
        """Band-edge electrons and holes (E, H) of a NC holding ``n`` excitons.

        E = min(n + r, g), H = min(n, g), r = ``resident_electrons``; carriers
        beyond the band edge sit in higher levels.

        Parameters
        ----------
        n : int
            Number of excitons in the NC, >= 0.

        Returns
        -------
        electrons, holes : int
            Carriers in the band-edge levels.
        """
        g = self.degeneracy
        return min(n + self.resident_electrons, g), min(n, g)

    def band_edge_absorption(self, n: int) -> tuple[float, float]:
        """(strength in sigma_0, offset from E_i in eV) of the band-edge absorption n -> n+1.

        g channels, each an electron and a hole state coupled by light; a channel
        absorbs when it holds neither carrier: strength max(g - r - n, 0) / g at
        E_i + S + n Delta_XX.

        Parameters
        ----------
        n : int
            Number of excitons in the NC, >= 0.

        Returns
        -------
        strength : float
            In units of sigma_0.
        offset : float
            Line position relative to the NC's emission energy E_i (eV).
        """
        g = self.degeneracy
        return (max(g - self.resident_electrons - n, 0) / g,
                self.stokes_shift + n * self.delta_xx)

    def band_edge_emission(self, n: int) -> tuple[float, float]:
        """(strength in sigma_0, offset from E_i in eV) of the stimulated emission n -> n-1.

        A channel emits when it holds both carriers: strength min(n, g) / g at
        E_i + (min(n, g) - 1) Delta_XX (0 strength for n = 0).

        Parameters
        ----------
        n : int
            Number of excitons in the NC, >= 0.

        Returns
        -------
        strength : float
            In units of sigma_0.
        offset : float
            Line position relative to the NC's emission energy E_i (eV).
        """
        g = self.degeneracy
        m = min(n, g)
        return m / g, (max(m, 1) - 1) * self.delta_xx

    # -- band edge: the electron-hole model --------------------------------------------

    def _hole_states(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per hole state: energy (eV), normalized strength w_h (sum 1), level index."""
        levels = self.hole_levels or ((0.0, self.hole_degeneracy, 1.0),)
        energy = np.concatenate([[e] * st for e, st, _ in levels])
        strength = np.concatenate([[f] * st for _, st, f in levels])
        index = np.concatenate([[k] * st for k, (_, st, _) in enumerate(levels)])
        return energy, strength / strength.sum(), index

    def hole_occupation(self, n_holes: int) -> np.ndarray:
        """Thermal occupation f_h of every hole state with ``n_holes`` holes (canonical).

        The holes are fermions in the hole states of :attr:`hole_levels`; each
        configuration has Boltzmann weight exp(-sum of its energies / k T).

        Parameters
        ----------
        n_holes : int
            Number of holes, >= 0 (at most ``hole_degeneracy`` are placed).

        Returns
        -------
        numpy.ndarray, shape (hole_degeneracy,)
            Mean occupation of every hole state, in [0, 1], summing to the holes placed.

        Examples
        --------
        >>> from ncgain import models
        >>> s = models.presets.TYPE_I_CDSE_FINE_STRUCTURE
        >>> float(s.hole_occupation(4).sum()), bool(s.hole_occupation(1)[0] > 0.25)
        (4.0, True)
        """
        energy, _, _ = self._hole_states()
        gh = energy.size
        n_holes = min(n_holes, gh)
        occ = np.zeros(gh)
        if n_holes == 0:
            return occ
        kt = K_BOLTZMANN * self.temperature
        z = 0.0
        for config in itertools.combinations(range(gh), n_holes):
            idx = list(config)
            w = math.exp(-(energy[idx].sum() - np.sort(energy)[:n_holes].sum()) / kt)
            occ[idx] += w
            z += w
        return occ / z

    def band_edge_lines(self, n: int) -> tuple[list, list]:
        """Band-edge absorption and stimulated-emission lines of a NC holding ``n`` excitons.

        Parameters
        ----------
        n : int
            Number of excitons in the NC, >= 0.

        Returns
        -------
        absorption, emission : list of (offset eV, strength sigma_0)
            Offsets from E_i. Two-channel model: one line each (see
            :meth:`band_edge_absorption`). Electron-hole model: one line per
            hole sublevel at its energy, with strengths
            (1 - f_e) sum_h w_h (1 - f_h) (absorption) and f_e sum_h w_h f_h
            (emission); f_e = min(n + r, g)/g, f_h thermal (:meth:`hole_occupation`).
        """
        if self.state_model == "two-channel":
            a, e = self.band_edge_absorption(n), self.band_edge_emission(n)
            return [(a[1], a[0])], [(e[1], e[0])]
        g = self.degeneracy
        f_e = min(n + self.resident_electrons, g) / g
        f_h = self.hole_occupation(n)
        energy, w, index = self._hole_states()
        m = min(n, g)
        absorption, emission = [], []
        for k in range(int(index.max()) + 1):
            sel = index == k
            e_k = float(energy[sel][0])
            absorption.append((self.stokes_shift + n * self.delta_xx + e_k,
                               float((1 - f_e) * np.dot(w[sel], 1 - f_h[sel]))))
            emission.append(((max(m, 1) - 1) * self.delta_xx + e_k,
                             float(f_e * np.dot(w[sel], f_h[sel]))))
        return absorption, emission

    def emission_strength_total(self, n: int, r: int | None = None) -> float:
        """Sum of the band-edge stimulated-emission strengths of a state.

        Parameters
        ----------
        n : int
            Number of excitons, >= 0.
        r : int, optional
            Resident electrons; default the sample's ``resident_electrons``.

        Returns
        -------
        float
            Total stimulated-emission strength (sigma_0).
        """
        s = self if r is None or r == self.resident_electrons else dataclasses.replace(
            self, resident_electrons=r, components=())
        return float(sum(st for _, st in s.band_edge_lines(n)[1]))

    def _radiative_scale(self, n: int, r: int) -> float:
        g = self.degeneracy
        if self.radiative_scaling == "einstein":
            # k_rad(n) / k_rad(neutral X) = emission strength ratio (Einstein relation).
            if self.state_model == "two-channel":
                return float(min(n, g))
            ref = dataclasses.replace(self, resident_electrons=0, components=(),
                                      tau_xx_meaning="auger", trion_auger_time=None)
            return (ref.emission_strength_total(n, r) if r else ref.emission_strength_total(n)) \
                / ref.emission_strength_total(1)
        e, h = min(n + r, g), min(n, g)
        if self.radiative_scaling == "statistical":
            return float(e * h)
        # "linear": min(n, g).
        return float(h)

    def radiative_rate(self, n: int) -> float:
        """Radiative rate k_rad(n) (1/ps) of a NC holding ``n`` excitons.

        With the default "einstein" law this is (stimulated-emission strength of
        the state) / (that of the neutral single exciton) / tau_x.

        Parameters
        ----------
        n : int
            Number of excitons in the NC, >= 0.

        Returns
        -------
        float
            k_rad(n) in 1/ps, per :attr:`radiative_scaling`.

        Examples
        --------
        >>> from ncgain import models
        >>> s = models.presets.TYPE_II_CDS_ZNSE
        >>> s.radiative_rate(1) == 1 / s.tau_x, round(s.radiative_rate(2) * s.tau_x, 12)
        (True, 2.0)
        """
        return self._radiative_scale(n, self.resident_electrons) / self.tau_x

    @property
    def auger_time(self) -> float:
        """tau_A (ps), the biexciton Auger time: k_A(2) = 1 / tau_A for a neutral NC.

        ``tau_xx`` itself when ``tau_xx_meaning == "auger"``; with "total",
        1 / (1/tau_xx - k_rad(2)), k_rad(2) of a neutral NC.
        """
        if self.tau_xx_meaning == "auger":
            return self.tau_xx
        return 1.0 / (1.0 / self.tau_xx - self._radiative_scale(2, 0) / self.tau_x)

    @property
    def biexciton_lifetime(self) -> float:
        """Total lifetime (ps) of the neutral biexciton, 1 / (k_rad(2) + k_A(2))."""
        k_a = 0.0 if self.auger_scaling == "none" else 1.0 / self.auger_time
        return 1.0 / (self._radiative_scale(2, 0) / self.tau_x + k_a)

    def auger_rate(self, n: int) -> float:
        """Auger rate k_A(n) (1/ps) of a NC holding ``n`` excitons (and the resident electrons).

        "statistical": a sum over carrier triples, C(N_e, 2) N_h k_eeh +
        C(N_h, 2) N_e k_hhe with N_e = n + r, N_h = n; for neutral NCs
        n^2 (n - 1) / 4 / tau_A whatever the split of k_eeh and k_hhe.

        Parameters
        ----------
        n : int
            Number of excitons in the NC, >= 0.

        Returns
        -------
        float
            k_A(n) in 1/ps, per :attr:`auger_scaling` and :attr:`auger_time`.

        Examples
        --------
        >>> from ncgain import models
        >>> s = models.presets.TYPE_II_CDS_ZNSE
        >>> round(1 / (s.radiative_rate(2) + s.auger_rate(2)), 6)
        130.0
        """
        if self.auger_scaling == "none":
            return 0.0
        if self.auger_scaling == "pairwise":
            return n * (n - 1) / 2.0 / self.auger_time
        n_e, n_h = n + self.resident_electrons, n
        k_eeh, k_hhe = self._triple_rates()
        return (n_e * (n_e - 1) / 2.0 * n_h * k_eeh + n_h * (n_h - 1) / 2.0 * n_e * k_hhe)

    def _triple_rates(self) -> tuple[float, float]:
        """Auger rates (1/ps) of one eeh (negative-trion) and one hhe triple."""
        k_xx = 1.0 / self.auger_time
        if self.trion_auger_time is None:
            return k_xx / 4.0, k_xx / 4.0
        k_eeh = 1.0 / self.trion_auger_time
        return k_eeh, max(k_xx / 2.0 - k_eeh, 0.0)

    def with_resident_electrons(self, fractions) -> "Sample":
        """A mixture of charge states: the NCs carry 0, 1, ... resident electrons.

        Parameters
        ----------
        fractions : dict {int: float} or sequence of float
            Number fraction of NCs with r resident electrons (index r for a
            sequence); fractions sum to 1. Each size class of a dispersed sample
            is split in the same proportions.

        Returns
        -------
        Sample
            A mixture whose components are (weight, sample with r electrons);
            the top-level ``resident_electrons`` is 0 (the components govern).

        Raises
        ------
        ValueError
            If a fraction is negative, they do not sum to 1, or r is outside
            [0, degeneracy].

        Examples
        --------
        >>> from ncgain import models
        >>> s = models.presets.TYPE_II_CDS_ZNSE.with_resident_electrons({0: 0.5, 1: 0.5})
        >>> [(w, c.resident_electrons) for w, c in s.components]
        [(0.5, 0), (0.5, 1)]
        """
        items = dict(fractions).items() if isinstance(fractions, dict) else enumerate(fractions)
        pairs = []
        for r, f in items:
            f = _check_range(f"fractions[{r!r}]", f, 0.0, 1.0)
            if isinstance(r, bool) or not isinstance(r, int) or not 0 <= r <= self.degeneracy:
                raise ValueError(f"resident_electrons = {r!r} is outside the allowed range: an "
                                 f"integer in [0, degeneracy = {self.degeneracy}]")
            if f > 0:
                pairs.append((r, f))
        total = sum(f for _, f in pairs)
        if abs(total - 1.0) > 1e-9:
            raise ValueError(f"fractions sum to {total!r}; allowed: 1 (within 1e-9)")
        comps = []
        for w, base in self.size_classes():
            for r, f in pairs:
                comps.append((w * f, dataclasses.replace(base, resident_electrons=r,
                                                         components=())))
        mean_r = sum(r * f for r, f in pairs)
        return dataclasses.replace(
            self, resident_electrons=0, components=tuple(comps),
            description=(self.description + "; " if self.description else "")
            + f"charged: mean {mean_r:g} resident electrons per NC")

    @property
    def inhomogeneous_linewidth(self) -> float:
        """Gamma_inh (eV), 1/e half-width of the Gaussian distribution of E_i."""
        if self.homogeneous_lineshape == "gaussian":
            return math.sqrt(self.linewidth ** 2 - self.homogeneous_linewidth ** 2)
        return self.linewidth

    # -- serialisation ------------------------------------------------------------------

    def to_dict(self) -> dict:
        """Plain-Python representation (JSON-compatible); inverse of :meth:`from_dict`.

        Returns
        -------
        dict
            The fields by name; ``components`` as a list of ``[fraction, dict]`` pairs.
        """
        d = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        d["components"] = [[w, s.to_dict()] for w, s in self.components]
        d["higher_transitions"] = [t.to_dict() for t in self.higher_transitions]
        return d

    def to_json(self) -> str:
        """JSON text of :meth:`to_dict`.

        Returns
        -------
        str
            A JSON object of the sample's fields, keys sorted.
        """
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict) -> "Sample":
        """Build a sample from :meth:`to_dict` output.

        Parameters
        ----------
        data : dict
            Field names to values; ``components`` as ``[fraction, dict]`` pairs.

        Returns
        -------
        Sample
            The validated sample.

        Raises
        ------
        ValueError
            If a key is not a field, a required field is missing or a value is out of
            range.
        """
        if not isinstance(data, dict):
            raise ValueError(f"a sample must be a table of Sample fields, got {_short(data)}")
        data = dict(data)
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(str(k) for k in set(data) - known)
        if unknown:
            raise ValueError(f"unknown sample field(s) {_short(unknown)}; known fields: "
                             f"{sorted(known)}")
        comps = data.pop("components", ())
        if not isinstance(comps, (list, tuple)):
            raise ValueError(f"components must be a list of [weight, sample] pairs, got "
                             f"{_short(comps)}")
        pairs = []
        for k, comp in enumerate(comps):
            if not isinstance(comp, (list, tuple)) or len(comp) != 2:
                raise ValueError(f"components[{k}] must be a [weight, sample] pair, got "
                                 f"{_short(comp)}")
            w, sub = comp
            try:
                pairs.append((w, sub if isinstance(sub, Sample) else cls.from_dict(sub)))
            except ValueError as exc:
                raise ValueError(f"components[{k}]: {exc}") from None
        data["components"] = tuple(pairs)
        try:
            return cls(**data)
        except TypeError as exc:  # missing required fields
            raise ValueError(f"incomplete sample description: {exc}") from None

    @classmethod
    def from_json(cls, text: str) -> "Sample":
        """Build a sample from JSON text; inverse of :meth:`to_json`.

        Parameters
        ----------
        text : str
            A JSON object of sample fields.

        Returns
        -------
        Sample
            The validated sample.

        Raises
        ------
        ValueError
            If the text is not valid JSON (:class:`json.JSONDecodeError` is a
            ValueError) or does not describe a valid sample.
        """
        return cls.from_dict(json.loads(text))

    @classmethod
    def from_toml(cls, path: str | Path) -> "Sample":
        """Read a sample from a TOML file whose top-level keys are Sample fields.

        A key ``preset = "type-ii"`` starts from that preset and the other keys
        replace its fields. Unless the file sets ``name``, the name then says
        what was changed, e.g. ``"type-II CdS/ZnSe (R = 1.6 nm, H = 2 nm) with
        linewidth = 0.08"`` (fields set to the preset's own value, and
        ``description``, are not listed).

        Size classes are written either as ``[[components]]`` tables, each with
        a ``weight`` and the fields of a homogeneous sample (what
        :meth:`to_toml` writes), or as ``components = [[weight, {...}], ...]``
        (the :meth:`to_dict` form).

        Parameters
        ----------
        path : str or pathlib.Path
            The TOML file.

        Returns
        -------
        Sample
            The validated sample.

        Raises
        ------
        ValueError
            If the file cannot be read or is not valid TOML, a key is not a field,
            the preset is unknown or a value has the wrong type or is out of range;
            the message starts with the file name (see :meth:`from_file`).
        """
        return cls.from_file(path, format="toml")

    @classmethod
    def from_file(cls, path: str | Path, *, format: str | None = None) -> "Sample":
        """Read a sample from a TOML or JSON file whose top-level keys are Sample fields.

        A key ``preset = "type-ii"`` starts from that preset and the other keys
        replace its fields; unless the file sets ``name``, the name then says
        what was changed (see :meth:`from_toml`). Size classes may be
        ``[[components]]`` tables with a ``weight`` or ``[weight, {...}]`` pairs.

        Parameters
        ----------
        path : str or Path
            The file; ``.json`` files are read as JSON, others as TOML unless
            ``format`` says otherwise.
        format : {"toml", "json"}, optional
            Override the format guessed from the suffix.

        Returns
        -------
        Sample
            A key ``preset = "type-ii"`` starts from that preset and the other
            keys replace its fields.

        Raises
        ------
        ValueError
            If the file cannot be read or parsed (binary, bad syntax), is not a
            table of fields, or a field is invalid (unknown, wrong type such as
            a TOML date, out of range): the message starts with the file name
            and names the field.
        """
        path = Path(path)
        fmt = format or ("json" if path.suffix.lower() == ".json" else "toml")
        if fmt not in ("toml", "json"):
            raise ValueError(f"format = {format!r} is not one of ('toml', 'json')")
        try:
            if fmt == "json":
                data = json.loads(path.read_bytes().decode("utf-8"))
            else:
                with open(path, "rb") as fh:
                    data = tomllib.load(fh)
        except UnicodeDecodeError:
            raise ValueError(f"sample file {str(path)!r} is not a text file ({fmt.upper()} "
                             "expected)") from None
        except (OSError, ValueError) as exc:
            raise ValueError(f"sample file {str(path)!r} is not valid {fmt.upper()}: "
                             f"{_short(str(exc), 160)}") from None
        if not isinstance(data, dict):
            raise ValueError(f"sample file {str(path)!r} must hold a table of Sample fields, "
                             f"got {type(data).__name__}")
        try:
            if isinstance(data.get("components"), list):
                data["components"] = [_component_pair(k, c)
                                      for k, c in enumerate(data["components"])]
            if "preset" in data:
                from . import presets  # local: presets imports this module
                name = data.pop("preset")
                if not isinstance(name, str):
                    raise ValueError(f"preset must be a preset name (a string), got "
                                     f"{_short(name)}")
                preset = presets.get(name)
                base = preset.to_dict()
                changed = [k for k, v in data.items()
                           if k not in ("name", "description") and base.get(k, object()) != v]
                base.update(data)
                if "name" not in data and changed:
                    base["name"] = f"{preset.name} with " + ", ".join(
                        f"{k} = {_describe(data[k]) if k != 'components' else '...'}"
                        for k in changed)
                data = base
            return cls.from_dict(data)
        except ValueError as exc:
            raise ValueError(f"sample file {str(path)!r}: {exc}") from None

    def to_toml(self, path: str | Path | None = None) -> str:
        """The sample as TOML text that :meth:`from_toml` reads back to an equal sample.

        Top-level keys are the fields; size classes become ``[[components]]``
        tables, each with its ``weight`` and the fields of its sample; higher
        transitions are inline tables, hole levels arrays; fields that are
        None (their default) are left out. Floats are written with
        :func:`repr`, so they round-trip exactly.

        Parameters
        ----------
        path : str or pathlib.Path, optional
            If given, also write the text to this file (UTF-8).

        Returns
        -------
        str
            The TOML text.

        Examples
        --------
        >>> import tomllib
        >>> from ncgain import models
        >>> text = models.presets.TYPE_II_CDS_ZNSE.to_toml()
        >>> tomllib.loads(text)["delta_xx"]
        0.106
        """
        def fields(sample: "Sample") -> list[str]:
            # None (TOML has no null) is the default of the fields that allow it: omitted.
            return [f"{f.name} = {_toml_value(getattr(sample, f.name))}"
                    for f in dataclasses.fields(sample)
                    if f.name != "components" and getattr(sample, f.name) is not None]

        lines = fields(self)
        for weight, sub in self.components:
            lines += ["", "[[components]]", f"weight = {_toml_value(weight)}", *fields(sub)]
        text = "\n".join(lines) + "\n"
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    @classmethod
    def from_core_shell(cls, core: str, shell: str, core_radius: float, shell_width: float,
                        **options: Any) -> "Sample":
        """Build a sample from core/shell geometry.

        Same as :func:`ncgain.models.coreshell.sample_from_core_shell`, which documents
        the scaling laws and options.

        Parameters
        ----------
        core, shell : str
            Material names (see :mod:`ncgain.models.materials`), e.g. "CdS", "ZnSe".
        core_radius : float
            Core radius R (nm), > 0.
        shell_width : float
            Shell thickness H (nm), >= 0.
        **options
            Keyword arguments of :func:`~ncgain.models.coreshell.sample_from_core_shell`
            (e.g. ``size_dispersion``, ``linewidth``).

        Returns
        -------
        Sample
            A sample whose energies, lifetimes and pump cross-section follow from the
            geometry.

        Raises
        ------
        ValueError
            For an invalid geometry, unknown material or option.
        """
        from . import coreshell  # local: coreshell imports this module
        return coreshell.sample_from_core_shell(core, shell, core_radius, shell_width, **options)
