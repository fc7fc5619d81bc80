"""Named, cited sample presets.

Every value carries its source in :data:`SOURCES`: the paper (Klimov et al.,
Nature 447, 441 (2007), cited as "paper"), another named reference, or
"assumption: why". A value chosen to make the model match one of the paper's
figures says so and names the figure: such values are inputs fitted to the
paper, not predictions, and the validation report treats them that way.
"""

from __future__ import annotations

import dataclasses
import math

from . import _registry
from .sample import HigherTransition, Sample

__all__ = ["TYPE_II_CDS_ZNSE", "TYPE_I_CDSE", "TYPE_I_CDSE_FINE_STRUCTURE", "PRESETS",
           "SOURCES", "get", "names"]

# Photon fluence of 2 mJ cm^-2 at 3 eV: 2e-3 J / (3 eV * 1.602176634e-19 J/eV).
_PHOTONS_AT_2_MJ = 2e-3 / (3.0 * 1.602176634e-19)
# Ensemble width from the paper's "ensemble broadening of ~100 meV": FWHM = 2 sqrt(ln 2) Gamma.
_GAMMA_FROM_100_MEV_FWHM = round(0.100 / (2.0 * math.sqrt(math.log(2.0))), 4)

TYPE_II_CDS_ZNSE = Sample(
    name="type-II CdS/ZnSe (R = 1.6 nm, H = 2 nm)",
    exciton_energy=2.054,
    delta_xx=0.106,
    linewidth=_GAMMA_FROM_100_MEV_FWHM,
    homogeneous_linewidth=0.02,
    homogeneous_lineshape="gaussian",
    degeneracy=2,
    stokes_shift=0.0,
    tau_x=1700.0,
    tau_xx=130.0,
    tau_xx_meaning="total",
    sigma_pump=round(1.0 / _PHOTONS_AT_2_MJ, 19),
    pump_energy=3.0,
    radiative_scaling="einstein",
    auger_scaling="statistical",
    higher_transitions=(HigherTransition(offset=0.200, strength=1.0, width=0.02,
                                         stark_shift=0.106),),
    description="Klimov et al., Nature 447, 441 (2007), Figs 4 and 5",
)

TYPE_I_CDSE = Sample(
    name="type-I CdSe (emission matched to the type-II sample)",
    exciton_energy=2.054,
    delta_xx=-0.020,
    linewidth=_GAMMA_FROM_100_MEV_FWHM,
    homogeneous_linewidth=0.02,
    homogeneous_lineshape="gaussian",
    degeneracy=2,
    stokes_shift=0.0,
    tau_x=20000.0,
    tau_xx=30.0,
    tau_xx_meaning="total",
    sigma_pump=round(1.0 / _PHOTONS_AT_2_MJ, 19),
    pump_energy=3.0,
    radiative_scaling="einstein",
    auger_scaling="statistical",
    description="Klimov et al., Nature 447, 441 (2007), Fig. 5",
)

TYPE_I_CDSE_FINE_STRUCTURE = dataclasses.replace(
    TYPE_I_CDSE,
    name="type-I CdSe, electron-hole model with dark/bright fine structure",
    state_model="electron-hole",
    hole_degeneracy=4,
    hole_levels=((0.0, 2, 0.0), (0.010, 2, 1.0)),
    temperature=300.0,
    description="type-I preset with independent 1S_e / 1S3/2 carriers and a dark lowest "
                "hole sublevel (docs/theory.md section 8.4)",
)

_COMMON = {
    "degeneracy": "paper: the band edge is 'a two-level system that has two electrons in its "
                  "ground state'",
    "stokes_shift": "assumption: 0, the paper's Fig. 1 picture (absorption and emission of an "
                    "unexcited NC coincide)",
    "homogeneous_linewidth": "assumption: room-temperature single-NC widths of II-VI NCs are "
                             "tens of meV; with Gaussian lines it does not change ensemble "
                             "spectra (docs/theory.md)",
    "homogeneous_lineshape": "assumption: Gaussian, so the ensemble line is exactly the "
                             "paper's exp(-(E-E_X)^2/Gamma^2)",
    "linewidth": "assumption: Gamma = 0.1 eV / (2 sqrt(ln 2)) = 0.06 eV, i.e. an ensemble FWHM "
                 "of 100 meV, the paper's 'ensemble broadening of ~100 meV or greater'",
    "pump_energy": "paper: 100-fs pulses at 3 eV (Fig. 5 caption)",
    "sigma_pump": "matched to Fig. 5c: chosen so that <N> = 1 at 2 mJ cm^-2 at 3 eV "
                  "(1/4.16e15 cm^2), the type-II ASE threshold. A volume-scaling estimate "
                  "gives ~1e-14 cm^2 (tens of excitons per mJ cm^-2), so this is an "
                  "assumption, not a measured cross-section",
    "radiative_scaling": "physics: Einstein relation, k_rad(n) proportional to the state's stimulated-"
                         "emission strength, min(n, g) for the two-channel band edge (the v1 "
                         "'statistical' min(n, g)^2 contradicts those strengths; docs/theory.md)",
    "auger_scaling": "assumption: statistical n^2 (n-1)/4 (carrier triples), attributed to "
                     "Klimov et al., Science 287, 1011 (2000) -- unconfirmed: readings of that "
                     "paper recall tau_2:tau_3:tau_4 near 1:0.44:0.25, i.e. the 'quadratic' "
                     "n^2/4 law (docs/theory.md)",
    "tau_xx_meaning": "physics: a measured decay time is a total lifetime, so tau_xx is the measured "
                      "biexciton decay, the Auger time is derived (Sample.auger_time)",
    "resident_electrons": "assumption: neutral NCs (the paper reports no charging)",
    "trion_auger_time": "assumption: equal negative- and positive-trion Auger pathways, "
                        "tau_A(X-) = 4 tau_A(XX) (only used for charged NCs; measured CdSe/CdS "
                        "trion rates differ by up to ~10x with geometry, Nat. Commun. 10, 2084 "
                        "(2019), doi:10.1038/s41467-019-09737-2)",
    "xx_absorption_width": "assumption: None, the X -> XX absorption has the band-edge "
                           "homogeneous width",
    "state_model": "paper: 'a two-level system that has two electrons in its ground state' "
                   "(the two-channel band edge); the electron-hole model with fine structure "
                   "is compared in the fig5_bandedge_sweep study",
    "hole_degeneracy": "assumption: 4 (1S3/2 hole); unused by the two-channel model",
    "hole_levels": "assumption: none (unused by the two-channel model)",
    "temperature": "paper: room-temperature measurements (300 K)",
}

SOURCES: dict[str, dict[str, str]] = {
    "type-ii": {
        **_COMMON,
        "exciton_energy": "paper: E_X = 2.054 eV, long-time PL of R = 1.6 nm, H = 2 nm NCs "
                          "(Fig. 4a)",
        "delta_xx": "paper: 106 meV measured from the X and XX PL bands (Fig. 4a); the "
                    "paper's calculation gives 91 meV",
        "tau_x": "matched to Fig. 5a inset: the type-II gain lifetime 1,700 ps, identified "
                 "with the single-exciton lifetime (in this model single-exciton gain decays "
                 "with tau_x)",
        "tau_xx": "paper: the XX PL band decays with ~130 ps (Fig. 4a text): the total "
                  "biexciton lifetime (tau_xx_meaning = 'total'); the Auger time follows, "
                  "1/(1/130 ps - 2/tau_x) = 153.5 ps",
        "higher_transitions": "paper: 'the first optical transition involving excited electronic "
                              "states ... is located at ~2.254 eV' (Fig. 4 text), offset 0.200 eV "
                              "above E_X. Assumptions: strength 1 sigma_0 (unknown for CdS/ZnSe; "
                              "higher CdSe transitions are of comparable strength), homogeneous "
                              "width 0.02 eV (as the band edge), Stark shift +106 meV per exciton "
                              "(the charge-separated exciton's field shifts it like the band edge)",
    },
    "type-i": {
        **_COMMON,
        "exciton_energy": "paper: type-I CdSe NCs 'with matching emission wavelengths' "
                          "(Fig. 5), so E_X of the type-II sample",
        "delta_xx": "paper: 'X-X interaction energies of ~10 to ~30 meV' with attraction in "
                    "type-I NCs; the middle of the range, -20 meV",
        "tau_x": "assumption: 20 ns, a typical room-temperature single-exciton lifetime of "
                 "CdSe NCs (radiative times of 10-30 ns)",
        "tau_xx": "matched to Fig. 5a inset: the type-I gain decay time 30 ps, identified "
                  "with the total biexciton lifetime (tau_xx_meaning = 'total'; Auger time "
                  "30.1 ps)",
        "higher_transitions": "assumption: none in the preset; docs/validation.md sweeps CdSe's "
                              "higher transitions (fig5d_bleaching study)",
    },
}

SOURCES["type-i-fine-structure"] = {
    **SOURCES["type-i"],
    "state_model": "assumption: independent, thermalized 1S_e electrons and 1S3/2 holes "
                   "(docs/theory.md 8.4); the paper's two-level picture is the 'type-i' preset",
    "degeneracy": "paper's two electrons = the 2-fold 1S_e level of CdSe (spin)",
    "hole_degeneracy": "assumption: the 4-fold 1S3/2 hole level of CdSe (Efros et al., Phys. "
                       "Rev. B 54, 4843 (1996); not re-checked with the search tool)",
    "hole_levels": "assumption: 2 dark hole states lowest and 2 bright ones 10 meV above, a "
                   "mid-range value of CdSe bright-dark splittings (meV-scale: 3.2-6.0 meV in "
                   "CdSe nanoplatelets, Shornikova et al., arXiv:1709.09610; up to ~20 meV in "
                   "small NCs); the sublevel picture approximates the exchange-split pair states",
    "temperature": "paper: room-temperature measurements (300 K)",
}

# The lookup tables live in models._registry, which Sample.from_file reads for
# ``preset = "..."`` without importing this module; these are the same dict objects.
PRESETS: dict[str, Sample] = _registry.PRESETS
PRESETS.update({"type-ii": TYPE_II_CDS_ZNSE, "type-i": TYPE_I_CDSE,
                "type-i-fine-structure": TYPE_I_CDSE_FINE_STRUCTURE})

_ALIASES = _registry.ALIASES
_ALIASES.update({"type-ii-cds-znse": "type-ii", "type_ii": "type-ii", "typeii": "type-ii",
                 "type-i-cdse": "type-i", "type_i": "type-i", "typei": "type-i",
                 "type-i-fs": "type-i-fine-structure"})


def names() -> tuple[str, ...]:
    """The preset names accepted by :func:`get`.

    Returns
    -------
    tuple of str
        The canonical names, e.g. ``("type-ii", "type-i")``.
    """
    return _registry.preset_names()


def get(name: str) -> Sample:
    """Return the preset called ``name`` ("type-ii" or "type-i", case-insensitive).

    Parameters
    ----------
    name : str
        A name from :func:`names`, or an alias such as "type_ii" or "type-i-cdse".

    Returns
    -------
    Sample
        The preset sample (immutable).

    Raises
    ------
    ValueError
        If ``name`` is not a known preset; the message lists the known ones.
    """
    return _registry.preset(name)
