"""The band-edge model interface: which lines a state has, and its rates.

A :class:`BandEdgeModel` describes one homogeneous class of nanocrystals (NCs).
For every exciton number n it answers

* :meth:`~BandEdgeModel.absorption_lines`: the band-edge absorption lines
  n -> n+1 as :class:`Line` (offset from the NC's emission energy E_i, strength
  in units of sigma_0, homogeneous half-width), and
  :meth:`~BandEdgeModel.higher_transition_lines`, the lines above the band edge;
* :meth:`~BandEdgeModel.emission_lines`: the stimulated-emission lines n -> n-1;
* :meth:`~BandEdgeModel.radiative_rate`: k_rad(n), by default from the Einstein
  relation (the state's emission strength over that of the neutral single exciton);
* :meth:`~BandEdgeModel.auger_rate`: k_A(n), from the named Auger law.

A concrete model defines one method, :meth:`~BandEdgeModel.carrier_lines` (the
band-edge lines of a state with n excitons and a given number of band-edge
electrons), and registers itself by the name that ``Sample.state_model`` takes
(:func:`register`). The state table and, through it, the photon field read
every line from here: this is the one implementation of the band edge.

The model reads the parameters of a :class:`~ncgain.models.Sample` (any object
with its fields); it never builds one, so this package does not import the
parameter class.
"""

from __future__ import annotations

import abc
from typing import Any, Callable, ClassVar, NamedTuple

__all__ = ["Line", "BandEdgeModel", "register", "names", "model_class",
           "RADIATIVE_SCALINGS", "AUGER_SCALINGS"]

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
    # n^2 (n - 1) / 4. Attributed to Klimov et al., Science 287, 1011 (2000):
    # UNCONFIRMED -- the paper's text was not available to us, and two independent
    # readings recall its measured lifetime ratios tau_2 : tau_3 : tau_4 as near
    # 1 : 0.44 : 0.25, i.e. k_A proportional to n^2 ("quadratic" below), which this
    # law (1 : 0.22 : 0.083) does not give (docs/theory.md, section 1).
    "statistical": "n**2 * (n - 1) / 4",
    # k_A(n) = (n^2 / 4) k_A(2) for n >= 2 (no Auger decay below two excitons):
    # tau_2 : tau_3 : tau_4 = 1 : 4/9 : 1/4, the ratios recalled from Klimov et al.,
    # Science 287, 1011 (2000) (unconfirmed from its text). Neutral NCs only.
    "quadratic": "n**2 / 4 (n >= 2)",
    # Number of exciton pairs: n (n - 1) / 2.
    "pairwise": "n * (n - 1) / 2",
    # Auger recombination switched off.
    "none": "0",
}


class Line(NamedTuple):
    """One optical transition of a state.

    Parameters
    ----------
    offset : float
        Position relative to the NC's emission energy E_i (eV).
    strength : float
        Cross-section in units of sigma_0 (band-edge absorption of an unexcited NC).
    width : float
        Homogeneous half-width (eV): 1/e half-width for Gaussian samples, HWHM
        for Lorentzian ones.
    """

    offset: float
    strength: float
    width: float


#: name -> model class, in registration order (``Sample.state_model`` takes these names).
_REGISTRY: dict[str, type["BandEdgeModel"]] = {}


def register(name: str) -> Callable[[type], type]:
    """Class decorator: make a :class:`BandEdgeModel` available as ``state_model=name``.

    Parameters
    ----------
    name : str
        The name a sample's ``state_model`` field gives.

    Returns
    -------
    callable
        The decorator; it sets the class's ``name`` and returns the class.

    Raises
    ------
    ValueError
        If the name is taken by another class.
    """
    def decorate(cls: type) -> type:
        if name in _REGISTRY and _REGISTRY[name] is not cls:
            raise ValueError(f"state_model {name!r} is already registered "
                             f"({_REGISTRY[name].__name__})")
        cls.name = name
        _REGISTRY[name] = cls
        return cls
    return decorate


def names() -> tuple[str, ...]:
    """The registered state-model names, in registration order.

    Returns
    -------
    tuple of str
        E.g. ``("two-channel", "electron-hole")``.
    """
    return tuple(_REGISTRY)


def model_class(name: str) -> type["BandEdgeModel"]:
    """The model class registered as ``name``: a subclass of :class:`BandEdgeModel`.

    Parameters
    ----------
    name : str
        A name from :func:`names`; any other raises a ValueError that lists
        the registered names.

    Returns
    -------
    type
    """
    if name not in _REGISTRY:
        raise ValueError(f"state_model = {name!r} is not one of {names()}")
    return _REGISTRY[name]


class BandEdgeModel(abc.ABC):
    """The band edge of a homogeneous class of NCs: lines and rates per exciton number n.

    Parameters
    ----------
    sample : Sample
        The parameters (a homogeneous sample, or the top-level fields of a
        mixture); only its fields are read.

    Notes
    -----
    A subclass implements :meth:`carrier_lines` and, where a closed form is
    exact, may override :meth:`einstein_ratio`. Everything else (line widths,
    higher transitions, the radiative and Auger laws) is shared. Resident
    charges compose with any model (:class:`~ncgain.models.bandedge.ResidentCharges`):
    they change the number of band-edge electrons, :meth:`electrons`.
    """

    #: The ``state_model`` name (set by :func:`register`).
    name: ClassVar[str] = ""

    #: Sample fields this model does not read: field -> (default, reason). A sample
    #: that sets one to another value is refused (``Sample`` validation), since the
    #: value would silently have no effect.
    IGNORED_FIELDS: ClassVar[dict] = {}

    def __init__(self, sample: Any):
        self.sample = sample

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.sample.name!r})"

    # -- what a model defines --------------------------------------------------------

    @abc.abstractmethod
    def carrier_lines(self, n: int, electrons: int) -> tuple[list, list]:
        """Band-edge absorption and stimulated-emission lines of a state.

        Parameters
        ----------
        n : int
            Excitons in the NC, >= 0: n holes; the Coulomb shifts count excitons.
        electrons : int
            Electrons in the NC, n plus the resident ones; those beyond the
            band-edge level's ``degeneracy`` sit in higher levels.

        Returns
        -------
        absorption, emission : list of (offset eV, strength sigma_0)
            Offsets from E_i; one entry per line, in the same order for every n.
        """

    def einstein_ratio(self, n: int, electrons: int) -> float:
        """k_rad tau_x under the Einstein relation: emission strength over the neutral X's.

        Parameters
        ----------
        n, electrons : int
            The state, as in :meth:`carrier_lines`.

        Returns
        -------
        float
        """
        return self.emission_strength(n, electrons) / self.emission_strength(1, 1)

    # -- charges -------------------------------------------------------------------------

    #: Resident electrons per NC (0: neutral; see ResidentCharges).
    resident_electrons: int = 0

    @property
    def neutral(self) -> "BandEdgeModel":
        """The model of the same NC without resident charges (this one if neutral)."""
        return self

    def electrons(self, n: int) -> int:
        """Electrons in a NC holding ``n`` excitons: n plus the resident ones.

        Parameters
        ----------
        n : int
            Excitons (>= 0).

        Returns
        -------
        int
        """
        return n + self.resident_electrons

    def carriers(self, n: int) -> tuple[int, int]:
        """Band-edge electrons and holes (E, H) = (min(n + r, g), min(n, g)).

        The carriers beyond g sit in higher levels.

        Parameters
        ----------
        n : int
            Number of excitons.

        Returns
        -------
        electrons, holes : int
        """
        g = self.sample.degeneracy
        return min(self.electrons(n), g), min(n, g)

    # -- lines ---------------------------------------------------------------------------

    def band_edge_lines(self, n: int) -> tuple[list, list]:
        """:meth:`carrier_lines` of the state with ``n`` excitons and this model's electrons.

        Parameters
        ----------
        n : int
            Excitons held, >= 0.

        Returns
        -------
        absorption, emission : list of (offset eV, strength sigma_0)
        """
        return self.carrier_lines(n, self.electrons(n))

    def absorption_lines(self, n: int) -> list[Line]:
        """Band-edge absorption lines n -> n+1 with their widths.

        The unexcited NC's lines have ``homogeneous_linewidth``; those of excited
        states (X -> XX, ...) ``xx_absorption_width`` when it is set.

        Parameters
        ----------
        n : int
            Excitons before the absorption.

        Returns
        -------
        list of Line
        """
        s = self.sample
        gamma = s.homogeneous_linewidth
        width = gamma if n == 0 or s.xx_absorption_width is None else s.xx_absorption_width
        return [Line(off, st, width) for off, st in self.band_edge_lines(n)[0]]

    def higher_transition_lines(self, n: int) -> list[Line]:
        """The sample's higher transitions in state n: in every state, at offset + n stark_shift.

        Parameters
        ----------
        n : int
            Excitons present (each shifts the line by its ``stark_shift``).

        Returns
        -------
        list of Line
            With the transitions' own strengths and widths.
        """
        return [Line(t.offset + n * t.stark_shift, t.strength, t.width)
                for t in self.sample.higher_transitions]

    def emission_lines(self, n: int) -> list[Line]:
        """Stimulated-emission lines n -> n-1, with the width of the reverse absorption.

        The emission n -> n-1 and the absorption n-1 -> n are one transition between the
        same two states, so they share one homogeneous line (Einstein, reciprocity): the
        single exciton's lines have ``homogeneous_linewidth``, those of n >= 2 (XX -> X,
        ...) ``xx_absorption_width`` when it is set, as :meth:`absorption_lines` of n-1.

        Parameters
        ----------
        n : int
            Excitons before the emission (none for n = 0).

        Returns
        -------
        list of Line
        """
        s = self.sample
        gamma = s.homogeneous_linewidth
        width = gamma if n <= 1 or s.xx_absorption_width is None else s.xx_absorption_width
        return [Line(off, st, width) for off, st in self.band_edge_lines(n)[1]]

    def emission_strength(self, n: int, electrons: int | None = None) -> float:
        """Sum of the band-edge stimulated-emission strengths of a state (sigma_0).

        Parameters
        ----------
        n : int
            The state's excitons.
        electrons : int, optional
            Its electrons; default :meth:`electrons` of n.

        Returns
        -------
        float
        """
        e = self.electrons(n) if electrons is None else electrons
        return float(sum(st for _, st in self.carrier_lines(n, e)[1]))

    # -- rates -------------------------------------------------------------------------

    def radiative_scale(self, n: int, electrons: int) -> float:
        """s_rad in k_rad = s_rad / tau_x, per the sample's ``radiative_scaling`` law.

        Parameters
        ----------
        n, electrons : int
            Excitons and electrons of the emitting NC.

        Returns
        -------
        float
            :meth:`einstein_ratio` for "einstein"; E H for "statistical"; H for "linear".
        """
        law = self.sample.radiative_scaling
        if law == "einstein":
            return self.einstein_ratio(n, electrons)
        g = self.sample.degeneracy
        e, h = min(electrons, g), min(n, g)
        if law == "statistical":
            return float(e * h)
        return float(h)     # "linear"

    def radiative_rate(self, n: int) -> float:
        """k_rad(n) (1/ps) of a NC holding ``n`` excitons (and the resident electrons).

        Parameters
        ----------
        n : int
            Excitons of the decaying NC.

        Returns
        -------
        float
        """
        return self.radiative_scale(n, self.electrons(n)) / self.sample.tau_x

    @property
    def auger_time(self) -> float:
        """tau_A (ps), the neutral biexciton's Auger time (``tau_xx`` or derived from it)."""
        s = self.sample
        if s.tau_xx_meaning == "auger":
            return s.tau_xx
        return 1.0 / (1.0 / s.tau_xx - self.radiative_scale(2, 2) / s.tau_x)

    @property
    def biexciton_lifetime(self) -> float:
        """Total lifetime (ps) of the neutral biexciton, 1 / (k_rad(2) + k_A(2))."""
        s = self.sample
        k_a = 0.0 if s.auger_scaling == "none" else 1.0 / self.auger_time
        return 1.0 / (self.radiative_scale(2, 2) / s.tau_x + k_a)

    def triple_rates(self) -> tuple[float, float]:
        """Auger rates (1/ps) of one eeh (negative-trion) and one hhe carrier triple.

        Returns
        -------
        k_eeh, k_hhe : float
            Equal unless ``trion_auger_time`` is set; 2 k_eeh + 2 k_hhe = 1/tau_A.
        """
        k_xx = 1.0 / self.auger_time
        if self.sample.trion_auger_time is None:
            return k_xx / 4.0, k_xx / 4.0
        k_eeh = 1.0 / self.sample.trion_auger_time
        return k_eeh, max(k_xx / 2.0 - k_eeh, 0.0)

    def auger_rate(self, n: int) -> float:
        """k_A(n) (1/ps) per the sample's ``auger_scaling`` law.

        "statistical" sums over carrier triples, C(N_e, 2) N_h k_eeh +
        C(N_h, 2) N_e k_hhe with N_e = n + r electrons and N_h = n holes;
        "pairwise" is n (n - 1) / 2 / tau_A; "quadratic" is n^2 / 4 / tau_A for
        n >= 2 and 0 below.

        Parameters
        ----------
        n : int
            Excitons in the NC (the resident electrons join the triples).

        Returns
        -------
        float
        """
        law = self.sample.auger_scaling
        if law == "none":
            return 0.0
        if law == "pairwise":
            return n * (n - 1) / 2.0 / self.auger_time
        if law == "quadratic":
            # n^2/4 scaled from the biexciton; a single exciton has no third carrier.
            return n * n / 4.0 / self.auger_time if n >= 2 else 0.0
        n_e, n_h = self.electrons(n), n
        k_eeh, k_hhe = self.triple_rates()
        return (n_e * (n_e - 1) / 2.0 * n_h * k_eeh + n_h * (n_h - 1) / 2.0 * n_e * k_hhe)
