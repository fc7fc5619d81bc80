"""The description of a nanocrystal sample: :class:`Sample`.

A :class:`Sample` is the validated parameter set of one kind of nanocrystal (NC)
and of its ensemble: the single-exciton line, the exciton-exciton interaction,
the line widths, the lifetimes and the pump cross-section. It is a frozen
dataclass, validated at construction, so an invalid sample never reaches a
simulation; it reads and writes TOML and JSON.

A size-dispersed sample is a mixture of homogeneous *size classes*: its
``components`` hold ``(weight, Sample)`` pairs (see
:meth:`Sample.size_classes`). The top-level fields then describe the ensemble
average and are used for reporting and for default probe energies.

The band-edge physics (which lines a state has, the radiative and Auger rates)
is not here: ``state_model`` names a :class:`~ncgain.models.bandedge.BandEdgeModel`
(:attr:`Sample.band_edge`), and the rate and line methods of :class:`Sample`
ask it.

Units: energy eV, time ps, cross-section cm^2.
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from . import _registry, _sample_checks, _sample_io
# Re-exported: the constants of the validation rules and the band-edge laws kept their names.
from ._sample_checks import (HOMOGENEOUS_LINESHAPES, MAX_COMPONENTS,  # noqa: F401
                             MAX_DESCRIPTION_LENGTH, MAX_NAME_LENGTH, TAU_XX_MEANINGS)
from ._text import short as _short
from .bandedge import (AUGER_SCALINGS, K_BOLTZMANN, RADIATIVE_SCALINGS,  # noqa: F401
                       BandEdgeModel, ElectronHole, TwoChannel, band_edge_model, charge_mixture)
from .bandedge import names as _state_model_names
# HigherTransition lives in models.transitions; importable from here as before, but not in
# __all__, so that the API reference documents it once.
from .transitions import HigherTransition

__all__ = ["Sample", "RADIATIVE_SCALINGS", "AUGER_SCALINGS",
           "HOMOGENEOUS_LINESHAPES", "TAU_XX_MEANINGS", "STATE_MODELS", "K_BOLTZMANN"]


def __getattr__(name: str):
    # STATE_MODELS is the live registry of band-edge models (models.bandedge.register).
    if name == "STATE_MODELS":
        return _state_model_names()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
        Biexciton lifetime (ps): by default (``tau_xx_meaning="total"``) the
        measured total biexciton lifetime 1 / (k_rad(2) + k_A(2)), what a
        decay measurement gives, from which the Auger time is derived
        (:attr:`auger_time`); it must be shorter than the radiative biexciton
        lifetime 1 / k_rad(2). With ``tau_xx_meaning="auger"`` the biexciton
        Auger time itself, k_A(2) = 1 / tau_xx.
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
        :data:`AUGER_SCALINGS` (tau_A = :attr:`auger_time`): "statistical"
        n^2 (n - 1) / 4, "quadratic" n^2 / 4 (n >= 2), "pairwise" n (n - 1) / 2,
        "none". The attribution of "statistical" to Klimov et al., Science 287,
        1011 (2000) is unconfirmed (docs/theory.md, section 1).
    components : tuple of (float, Sample), default ()
        Size classes of a dispersed sample, as (number fraction, homogeneous
        sample) pairs whose fractions sum to 1. Empty for a homogeneous sample.
    description : str, default ""
        Free text (for example how the sample was built).
    tau_xx_meaning : {"total", "auger"}, default "total"
        What ``tau_xx`` is: the measured total biexciton lifetime (radiative
        plus Auger; the same in Python, in a sample file from scratch and in
        one that starts from a preset), or, said explicitly with "auger", the
        biexciton Auger time. With "total", tau_xx must be shorter than the
        radiative biexciton lifetime 1 / k_rad(2).
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
        Homogeneous half-width (eV) of the excited-state band-edge transitions
        X <-> XX (n <-> n+1 for n >= 1): the absorption n -> n+1 and the emission
        n+1 -> n (stimulated and spontaneous) are one transition and share this line;
        None: ``homogeneous_linewidth``. A broader biexciton line spreads induced
        absorption to the red and lowers the peak of the biexciton's gain and PL.
    higher_transitions : tuple of HigherTransition, default ()
        Absorption lines above the band edge, present in every state (dicts or
        tuples (offset, strength, width[, stark_shift]) are accepted).
    state_model : str, default "two-channel"
        The band-edge model, a name registered in :mod:`ncgain.models.bandedge`.
        "two-channel": the paper's band edge, g channels each holding a
        correlated electron-hole pair (``degeneracy`` = g). "electron-hole":
        independent carriers, ``degeneracy`` electron states and
        ``hole_degeneracy`` hole states grouped into ``hole_levels``, thermally
        occupied at ``temperature`` (docs/theory.md, section 8.4).
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
    tau_xx_meaning: str = "total"
    resident_electrons: int = 0
    trion_auger_time: float | None = None
    xx_absorption_width: float | None = None
    higher_transitions: tuple = field(default=())
    state_model: str = "two-channel"
    hole_degeneracy: int = 4
    hole_levels: tuple = field(default=())
    temperature: float = 300.0

    def __post_init__(self) -> None:
        _sample_checks.validate(self, Sample)

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

    # -- band edge: asked of the state model (models.bandedge) ------------------------

    @property
    def band_edge(self) -> BandEdgeModel:
        """The band-edge model of this sample's fields: ``state_model`` plus the charges.

        For a mixture, the model of the top-level fields; each size class has its own.

        Returns
        -------
        BandEdgeModel
            See :func:`ncgain.models.bandedge.band_edge_model`.
        """
        return band_edge_model(self)

    def band_edge_carriers(self, n: int) -> tuple[int, int]:
        """Band-edge electrons and holes (E, H) = (min(n + r, g), min(n, g)) with ``n`` excitons.

        Parameters
        ----------
        n : int
            Number of excitons in the NC, >= 0.

        Returns
        -------
        electrons, holes : int
        """
        return self.band_edge.carriers(n)

    def band_edge_absorption(self, n: int) -> tuple[float, float]:
        """(strength sigma_0, offset eV) of the two-channel absorption n -> n+1, max(g-r-n, 0)/g.

        Parameters
        ----------
        n : int
            Number of excitons in the NC, >= 0.

        Returns
        -------
        strength, offset : float
        """
        return TwoChannel(self).channel_absorption(n, n + self.resident_electrons)

    def band_edge_emission(self, n: int) -> tuple[float, float]:
        """(strength sigma_0, offset eV) of the two-channel emission n -> n-1, min(n, g)/g.

        Parameters
        ----------
        n : int
            Number of excitons in the NC, >= 0.

        Returns
        -------
        strength, offset : float
        """
        return TwoChannel(self).channel_emission(n)

    def hole_occupation(self, n_holes: int) -> np.ndarray:
        """Thermal occupation f_h of every hole state with ``n_holes`` holes (ElectronHole).

        Parameters
        ----------
        n_holes : int
            Holes to place (the NC's excitons).

        Returns
        -------
        numpy.ndarray, shape (hole_degeneracy,)
            Per hole state, in [0, 1].

        Examples
        --------
        >>> from ncgain import models
        >>> s = models.presets.TYPE_I_CDSE_FINE_STRUCTURE
        >>> float(s.hole_occupation(4).sum()), bool(s.hole_occupation(1)[0] > 0.25)
        (4.0, True)
        """
        return ElectronHole(self).hole_occupation(n_holes)

    def band_edge_lines(self, n: int) -> tuple[list, list]:
        """Band-edge absorption and stimulated-emission lines of a NC holding ``n`` excitons.

        Parameters
        ----------
        n : int
            Number of excitons in the NC, >= 0.

        Returns
        -------
        absorption, emission : list of (offset eV, strength sigma_0)
            Offsets from E_i, per :attr:`band_edge`.
        """
        return self.band_edge.band_edge_lines(n)

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
        return s.band_edge.emission_strength(n)

    def radiative_rate(self, n: int) -> float:
        """Radiative rate k_rad(n) (1/ps) of a NC holding ``n`` excitons.

        "einstein" (default): the state's stimulated-emission strength over that
        of the neutral single exciton, divided by tau_x.

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
        return self.band_edge.radiative_rate(n)

    @property
    def auger_time(self) -> float:
        """tau_A (ps), the biexciton Auger time: k_A(2) = 1 / tau_A for a neutral NC.

        ``tau_xx`` itself when ``tau_xx_meaning == "auger"``; with "total",
        1 / (1/tau_xx - k_rad(2)), k_rad(2) of a neutral NC.
        """
        return self.band_edge.auger_time

    @property
    def biexciton_lifetime(self) -> float:
        """Total lifetime (ps) of the neutral biexciton, 1 / (k_rad(2) + k_A(2))."""
        return self.band_edge.biexciton_lifetime

    def auger_rate(self, n: int) -> float:
        """Auger rate k_A(n) (1/ps) of a NC holding ``n`` excitons (and the resident electrons).

        "statistical": carrier triples (:meth:`~ncgain.models.bandedge.BandEdgeModel.auger_rate`),
        n^2 (n - 1) / 4 / tau_A for neutral NCs; "quadratic": n^2 / 4 / tau_A for
        n >= 2; "pairwise": n (n - 1) / 2 / tau_A.

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
        return self.band_edge.auger_rate(n)

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
        return charge_mixture(self, fractions)

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
        data = _sample_io.read_table(path, format)
        try:
            return cls.from_dict(_sample_io.apply_preset(data))
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
        text = _sample_io.toml_text(self)
        if path is not None:
            from ncgain import fileio       # (lazy: models imports nothing else of ours)
            fileio.write_text(path, text)   # atomic: no half-written file on Ctrl-C
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
        # models.coreshell registers its factory (sample.py does not import it: no circle).
        return _registry.factory("core_shell")(core, shell, core_radius, shell_width, **options)
