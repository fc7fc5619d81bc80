"""Bulk parameters of II-VI semiconductors for the core/shell effective-mass model.

Every number carries a source string. Band edges are given on one absolute
energy scale (eV, relative to the vacuum level), so that band offsets between
any two materials follow by subtraction:

    conduction-band edge  E_c = E_v + E_g,
    U_e(A/B) = E_c(B) - E_c(A),   U_h(A/B) = E_v(B) - E_v(A).

Only *differences* of band edges enter the model (the absolute anchor is a
convention); the anchor and every offset not fixed by the paper are stated
assumptions. The paper's CdS/ZnSe numbers (Klimov et al., Nature 447, 441
(2007), Fig. 3a) hold exactly:

    E_g(CdS) = 2.485 eV, E_g(ZnSe) = 2.72 eV,
    U_e = E_c(ZnSe) - E_c(CdS) = 0.795 eV,
    U_h = E_v(ZnSe) - E_v(CdS) = 0.56 eV,
    type-II ("indirect") gap E_c(CdS) - E_v(ZnSe) = 1.925 eV.

Effective masses are in units of the free-electron mass m0; the hole mass is
the heavy-hole (band-edge, spherically averaged where anisotropic) value used
in one-band effective-mass models of nanocrystals. Dielectric constants are
relative permittivities (high-frequency eps_inf and static eps_0); for the
wurtzite compounds they are orientation averages.

References used below (abbreviated in the source strings):

- [paper] V. I. Klimov et al., Nature 447, 441 (2007), Fig. 3a.
- [Madelung] O. Madelung, *Semiconductors: Data Handbook*, 3rd ed.
  (Springer, Berlin, 2004), chapters on the II-VI compounds (room temperature).
- [WZ98] S.-H. Wei and A. Zunger, "Calculated natural band offsets of all
  II-VI and III-V semiconductors", Appl. Phys. Lett. 72, 2011 (1998); see also
  Y.-H. Li et al., Appl. Phys. Lett. 94, 212109 (2009). Offsets are rounded
  to about 0.05 eV; their uncertainty is about 0.1 eV.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Material", "MATERIALS", "get_material", "band_offsets"]


@dataclass(frozen=True)
class Material:
    """Bulk parameters of one semiconductor.

    Parameters
    ----------
    name : str
        Chemical formula as usually written (e.g. ``"CdS"``).
    band_gap : float
        E_g, room-temperature band gap (eV).
    valence_band_edge : float
        E_v, valence-band maximum on the common absolute scale (eV, relative
        to the vacuum level; only differences between materials matter).
    electron_mass : float
        m_e, conduction-band effective mass (units of m0).
    hole_mass : float
        m_h, valence-band (heavy-hole) effective mass (units of m0).
    epsilon_high_frequency : float
        eps_inf, high-frequency relative permittivity (dimensionless).
    epsilon_static : float
        eps_0, static relative permittivity (dimensionless).
    sources : dict
        One source string per parameter name; "assumption: why" where a value
        was chosen among a range.
    """

    name: str
    band_gap: float
    valence_band_edge: float
    electron_mass: float
    hole_mass: float
    epsilon_high_frequency: float
    epsilon_static: float
    sources: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for attr in ("band_gap", "electron_mass", "hole_mass",
                     "epsilon_high_frequency", "epsilon_static"):
            value = getattr(self, attr)
            if not (isinstance(value, (int, float)) and value > 0):
                raise ValueError(f"{self.name}: {attr} = {value!r} must be a positive number")

    @property
    def conduction_band_edge(self) -> float:
        """E_c = E_v + E_g, conduction-band minimum on the absolute scale (eV)."""
        return self.valence_band_edge + self.band_gap

    def epsilon(self, kind: str = "high_frequency") -> float:
        """Relative permittivity of the material.

        Parameters
        ----------
        kind : {"high_frequency", "static"}
            ε∞ (high-frequency, electrons only) or ε0 (static, with the lattice).

        Returns
        -------
        float
            The relative permittivity (dimensionless).

        Raises
        ------
        ValueError
            If ``kind`` is not one of the two.
        """
        if kind == "high_frequency":
            return self.epsilon_high_frequency
        if kind == "static":
            return self.epsilon_static
        raise ValueError(f"epsilon kind = {kind!r} is not one of ('high_frequency', 'static')")


_M = "Madelung, Semiconductors: Data Handbook, 3rd ed. (2004)"
_ANCHOR = -5.905  # E_v(ZnSe), eV: the anchor of the absolute scale (see ZnSe source)


def _make(name, gap, e_v, m_e, m_h, eps_inf, eps_0, /, **sources) -> Material:
    return Material(name, gap, e_v, m_e, m_h, eps_inf, eps_0, sources=dict(sources))


MATERIALS: dict[str, Material] = {m.name: m for m in (
    _make(
        "ZnSe", 2.72, _ANCHOR, 0.15, 0.60, 5.9, 8.9,
        band_gap="paper, Fig. 3a (E_g2 = 2.72 eV); Madelung gives 2.7 eV at 300 K",
        valence_band_edge=("assumption: anchor of the absolute scale, E_v = -5.905 eV "
                           "(ionization energy ~5.9 eV); only differences enter the model"),
        electron_mass=f"{_M}: 0.145-0.16; 0.15 taken (assumption: middle of the range)",
        hole_mass=(f"{_M}: heavy hole ~0.6 (range 0.57-0.75); 0.60 taken "
                   "(assumption: spherical heavy-hole value of one-band models)"),
        epsilon_high_frequency=f"{_M}: 5.4-6.3; 5.9 taken (assumption: mid-range)",
        epsilon_static=f"{_M}: 8.6-9.1; 8.9 taken (assumption: mid-range)",
    ),
    _make(
        "CdS", 2.485, _ANCHOR - 0.56, 0.20, 0.70, 5.3, 8.7,
        band_gap="paper, Fig. 3a (E_g1 = 2.485 eV); Madelung gives 2.48-2.50 eV at 300 K",
        valence_band_edge="paper, Fig. 3a: U_h(CdS/ZnSe) = 0.56 eV below E_v(ZnSe)",
        electron_mass=f"{_M}: 0.20 (wurtzite, nearly isotropic)",
        hole_mass=(f"{_M}: heavy hole 0.7 (perpendicular to c; ~5 parallel); 0.70 taken "
                   "(assumption: the value used in one-band nanocrystal models)"),
        epsilon_high_frequency=f"{_M}: 5.23-5.32 (orientation); 5.3 taken",
        epsilon_static=f"{_M}: 8.28-9.38 (orientation); 8.7 taken (assumption: average)",
    ),
    _make(
        "CdSe", 1.74, _ANCHOR + 0.12, 0.13, 0.45, 6.2, 9.5,
        band_gap=f"{_M}: 1.74 eV (wurtzite, 300 K)",
        valence_band_edge=("WZ98: E_v(CdSe) - E_v(ZnSe) ~ +0.1-0.2 eV; +0.12 eV taken "
                           "(assumption: rounded natural offset)"),
        electron_mass=f"{_M}: 0.11-0.13; 0.13 taken (band-edge value with nonparabolicity)",
        hole_mass=f"{_M}: heavy hole ~0.45 (assumption: spherical average)",
        epsilon_high_frequency=f"{_M}: 6.2",
        epsilon_static=f"{_M}: 9.3-10.2 (orientation); 9.5 taken (assumption: average)",
    ),
    _make(
        "ZnTe", 2.26, _ANCHOR + 0.73, 0.12, 0.60, 7.3, 10.1,
        band_gap=f"{_M}: 2.26 eV (zinc blende, 300 K)",
        valence_band_edge=("WZ98: E_v(ZnTe) - E_v(ZnSe) ~ +0.7-1.0 eV; +0.73 eV taken "
                           "(assumption: calculated natural offset, lower end of the "
                           "experimental range)"),
        electron_mass=f"{_M}: 0.116-0.13; 0.12 taken",
        hole_mass=f"{_M}: heavy hole ~0.6 (assumption: spherical average)",
        epsilon_high_frequency=f"{_M}: 7.28; 7.3 taken",
        epsilon_static=f"{_M}: 9.7-10.4; 10.1 taken (assumption: mid-range)",
    ),
    _make(
        "ZnS", 3.68, _ANCHOR - 0.52, 0.28, 0.60, 5.1, 8.3,
        band_gap=f"{_M}: 3.68 eV (zinc blende, 300 K)",
        valence_band_edge=("WZ98: E_v(ZnS) - E_v(ZnSe) ~ -0.5 eV; -0.52 eV taken "
                           "(assumption: rounded natural offset)"),
        electron_mass=f"{_M}: 0.28 (0.22-0.34 in the literature)",
        hole_mass=(f"{_M}: heavy hole 0.5-1.8 (strongly anisotropic); 0.60 taken "
                   "(assumption: value common in nanocrystal models)"),
        epsilon_high_frequency=f"{_M}: 5.1",
        epsilon_static=f"{_M}: 8.0-8.9; 8.3 taken (assumption)",
    ),
    _make(
        "CdTe", 1.50, _ANCHOR + 0.63, 0.096, 0.40, 7.1, 10.4,
        band_gap=f"{_M}: 1.49-1.51 eV (300 K); 1.50 taken",
        valence_band_edge=("WZ98: E_v(CdTe) ~ 0.1 eV below E_v(ZnTe); ZnSe + 0.63 eV taken "
                           "(assumption: rounded natural offset)"),
        electron_mass=f"{_M}: 0.090-0.096; 0.096 taken",
        hole_mass=f"{_M}: heavy hole 0.4-0.8; 0.40 taken (assumption: spherical average)",
        epsilon_high_frequency=f"{_M}: 7.1",
        epsilon_static=f"{_M}: 10.2-10.6; 10.4 taken (assumption: mid-range)",
    ),
)}

_BY_LOWER = {key.lower(): mat for key, mat in MATERIALS.items()}


def get_material(name: str | Material) -> Material:
    """Return the bulk parameters of a material by name (case-insensitive).

    Parameters
    ----------
    name : str or Material
        Chemical formula such as ``"CdS"`` or ``"znse"``; a :class:`Material`
        is returned unchanged (so callers can pass custom materials).

    Returns
    -------
    Material

    Raises
    ------
    ValueError
        If the name is unknown; the message lists the known materials.
    """
    if isinstance(name, Material):
        return name
    key = str(name).strip().lower()
    if key not in _BY_LOWER:
        raise ValueError(f"unknown material {name!r}; known materials: {sorted(MATERIALS)}")
    return _BY_LOWER[key]


def band_offsets(core: str | Material, shell: str | Material) -> dict:
    """Band offsets of a core/shell pair (eV).

    Parameters
    ----------
    core, shell : str or Material

    Returns
    -------
    dict
        ``conduction`` = E_c(shell) - E_c(core) (U_e, positive when the
        electron prefers the core), ``valence`` = E_v(shell) - E_v(core) (U_h,
        positive when the hole prefers the shell), and ``staggered_gap`` =
        min(E_c) - max(E_v) over the two materials (the type-II gap E_g12 when
        the alignment is staggered).
    """
    a, b = get_material(core), get_material(shell)
    return {
        "conduction": b.conduction_band_edge - a.conduction_band_edge,
        "valence": b.valence_band_edge - a.valence_band_edge,
        "staggered_gap": (min(a.conduction_band_edge, b.conduction_band_edge)
                          - max(a.valence_band_edge, b.valence_band_edge)),
    }
