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
import json
import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Sample", "RADIATIVE_SCALINGS", "AUGER_SCALINGS", "HOMOGENEOUS_LINESHAPES"]

#: Named laws for the radiative rate k_rad(n) = s_rad(n) / tau_x (g = degeneracy).
RADIATIVE_SCALINGS = {
    # Each of min(n, g) electrons can recombine with each of min(n, g) holes.
    "statistical": "min(n, g)**2",
    # One recombination channel per band-edge electron.
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

#: Homogeneous (single-NC) line shapes.
HOMOGENEOUS_LINESHAPES = ("gaussian", "lorentzian")


def _check_finite(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{name} must be a real number, got {value!r}")
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
        Biexciton Auger lifetime (ps): k_A(2) = 1 / tau_xx.
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
    radiative_scaling : str, default "statistical"
        Name of the law s_rad(n) in k_rad(n) = s_rad(n) / tau_x, one of
        :data:`RADIATIVE_SCALINGS`.
    auger_scaling : str, default "statistical"
        Name of the law s_A(n) in k_A(n) = s_A(n) / tau_xx, one of
        :data:`AUGER_SCALINGS`.
    components : tuple of (float, Sample), default ()
        Size classes of a dispersed sample, as (number fraction, homogeneous
        sample) pairs whose fractions sum to 1. Empty for a homogeneous sample.
    description : str, default ""
        Free text (for example how the sample was built).

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
    radiative_scaling: str = "statistical"
    auger_scaling: str = "statistical"
    components: tuple = field(default=())
    description: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise ValueError(f"name must be a non-empty string, got {self.name!r}")
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
        set_("components", self._validated_components(self.components))

    def _validated_components(self, components: Any) -> tuple:
        components = tuple(tuple(c) for c in components)
        if not components:
            return ()
        total = 0.0
        for k, comp in enumerate(components):
            if len(comp) != 2 or not isinstance(comp[1], Sample):
                raise ValueError(f"components[{k}] must be a (weight, Sample) pair, got {comp!r}")
            weight = _check_range(f"components[{k}] weight", comp[0], 0.0, 1.0, lo_open=True)
            sub = comp[1]
            if sub.components:
                raise ValueError(f"components[{k}] must be a homogeneous sample "
                                 "(its own components must be empty)")
            for attr in ("degeneracy", "homogeneous_lineshape", "pump_energy"):
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

    def radiative_rate(self, n: int) -> float:
        """Radiative rate k_rad(n) of a NC holding ``n`` excitons.

        Parameters
        ----------
        n : int
            Number of excitons in the NC, >= 0.

        Returns
        -------
        float
            k_rad(n) in 1/ps: s(min(n, g)) / τ_X with s(m) = m² ("statistical") or m
            ("linear") per :attr:`radiative_scaling`, g the :attr:`degeneracy`.

        Examples
        --------
        >>> from ncgain import models
        >>> s = models.presets.TYPE_II_CDS_ZNSE
        >>> s.radiative_rate(1) == 1 / s.tau_x
        True
        """
        m = min(n, self.degeneracy)
        s = {"statistical": m * m, "linear": m}[self.radiative_scaling]
        return s / self.tau_x

    def auger_rate(self, n: int) -> float:
        """Auger rate k_A(n) of a NC holding ``n`` excitons.

        Parameters
        ----------
        n : int
            Number of excitons in the NC, >= 0.

        Returns
        -------
        float
            k_A(n) in 1/ps: s_A(n) / τ_XX with s_A(n) = n²(n − 1)/4 ("statistical"),
            n(n − 1)/2 ("pairwise") or 0 ("none") per :attr:`auger_scaling`; s_A(2) = 1.
        """
        s = {"statistical": n * n * (n - 1) / 4.0,
             "pairwise": n * (n - 1) / 2.0,
             "none": 0.0}[self.auger_scaling]
        return s / self.tau_xx

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
        data = dict(data)
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown sample field(s) {unknown}; known fields: {sorted(known)}")
        comps = data.pop("components", ())
        data["components"] = tuple((w, cls.from_dict(s)) for w, s in comps)
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
        replace its fields.

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
            If a key is not a field, the preset is unknown or a value is out of range
            (:class:`tomllib.TOMLDecodeError`, also a ValueError, for invalid TOML).
        OSError
            If the file cannot be opened.
        """
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
        if "preset" in data:
            from . import presets  # local: presets imports this module
            base = presets.get(data.pop("preset")).to_dict()
            base.update(data)
            data = base
        return cls.from_dict(data)

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
