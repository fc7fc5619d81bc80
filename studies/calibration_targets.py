"""The calibration study's targets and free parameters, each with its source.

:data:`TARGETS`: the paper's quoted numbers (Klimov et al., Nature 447, 441 (2007)) with
the 1-sigma the study assigns and why; :data:`PARAMETERS`: the free parameters, their
start values and cited physical bounds; :func:`build_type_ii` and :func:`build_type_i`:
the samples of these parameters. Read by :mod:`ncgain.studies.calibration` and quoted by
its report template.
"""

from __future__ import annotations

import dataclasses

from ncgain import models

from . import calibration_model as cm

__all__ = ["TARGETS", "PARAMETERS", "QUICK_PARAMETERS", "STATE_MODELS", "TYPE_I_HIGHER",
           "MAX_NFEV", "AUGER_LAWS", "build_type_ii", "build_type_i"]

#: Type-I higher transition (position, width and shift fixed; the strength is fitted):
#: the mid-range line of the Fig. 5 band-edge sweep (offset 0.10 eV, width 0.02 eV,
#: -30 meV per exciton, the red-shifting CdSe transitions the paper invokes)
TYPE_I_HIGHER = (0.10, 0.02, -0.030)

#: name -> (value, sigma, units, bound, label, why sigma). The paper's wording in quotes.
TARGETS = {
    "type-ii": {
        "x_pl": (2.054, 0.005, "eV", None, "E_X, X PL band (Fig. 4a)",
                 "quoted to 1 meV; 5 meV allows for the peak of a ~100-meV-wide band"),
        "xx_pl": (2.160, 0.010, "eV", None, "XX PL band (Fig. 4a)",
                  "a deconvolved shoulder (Gaussian fits); the paper's own Delta_XX spread, "
                  "91 calculated vs 106 meV measured, is larger still"),
        "xx_decay": (130.0, 20.0, "ps", None, "XX band decay (Fig. 4)",
                     "'~130 ps', one-and-a-half significant figures, 30 ps resolution"),
        "gain_decay": (1700.0, 250.0, "ps", None, "gain decay at the ASE band (Fig. 5a inset)",
                       "'1,700 ps' from a decay over a ~2 ns window: 15 %"),
        "x_fluence": (2.0, 0.5, "mJ cm-2", None, "X-band ASE threshold (Fig. 5c)",
                      "'~2 mJ cm^-2', one significant figure: 1.5 ... 2.5"),
        "xx_fluence": (6.0, 1.5, "mJ cm-2", None, "XX-band ASE threshold (Fig. 5c)",
                       "'~6 mJ cm^-2', one significant figure: 25 %"),
        "x_offset": (0.0, 25.0, "meV", None, "X-band ASE energy - X PL band (Fig. 5a, b)",
                     "'near the centre of band X' of ~100 meV FWHM: within a quarter of it; "
                     "the film's quoted 2.01 eV is 44 meV below the solution's 2.054 eV"),
        "xx_offset": (0.0, 25.0, "meV", None, "XX-band ASE energy - XX PL band (Fig. 5b)",
                      "'near the position of the XX photoluminescence feature', as for X"),
        "slope": (1.0, 0.25, "1", None, "growth law at the ASE band (Fig. 5d)",
                  "'nearly linear' read off a log-log plot over ~1 decade; 1 and 2 stay "
                  "4 sigma apart"),
    },
    "type-i": {
        "x_offset": (0.0, 10.0, "meV", "upper", "ASE energy - X PL band (Fig. 5a)",
                     "'red-shifted with respect to the single-exciton band': an upper limit "
                     "0; 10 meV, the smallest shift the ~100-meV band would show"),
        "slope": (2.0, 0.25, "1", None, "growth law at the ASE band (Fig. 5d)",
                  "'close to quadratic', as the type-II slope"),
        "ratio": (5.0, 1.5, "1", None, "gain threshold type I / type II (Fig. 5d)",
                  "'factor of ~5', one significant figure: 30 %, plus the type-II "
                  "threshold's fitted 1-sigma in quadrature"),
        "gain_decay": (30.0, 5.0, "ps", None, "gain decay at the ASE band (Fig. 5a inset)",
                       "'30 ps' from a sub-100-ps decay: 15 %"),
    },
}

#: sample -> parameter -> (start, low, high, units, source of the bounds)
PARAMETERS = {
    "type-ii": {
        "stokes_shift": (0.040, 0.0, 0.080, "eV", "assumption: 0 (the paper's Fig. 1 picture) "
                         "to 80 meV; the independent check of issue 17 found 40 meV reverses "
                         "the ASE order"),
        "delta_xx": (0.106, 0.080, 0.130, "eV", "paper: ~80 meV (ZnTe/CdSe) to '>100 meV', 91 "
                     "calculated, 106 measured"),
        "delta_xx_spread": (0.010, 0.0, 0.030, "eV", "assumption: per-NC standard deviation "
                            "up to 30 meV (~30 % of Delta_XX; Fig. 3c varies by tens of meV "
                            "over the shell widths of a synthesis)"),
        "xx_absorption_width": (0.030, 0.020, 0.060, "eV", "Fig. 5 band-edge sweep: from the "
                                "homogeneous width 0.02 eV to the ensemble width 0.06 eV"),
        "higher_strength": (1.0, 0.0, 2.0, "1", "Fig. 5 band-edge sweep: up to twice the band "
                            "edge (2.254 eV line, paper)"),
        "log10_sigma_pump": (-15.62, -17.0, -14.0, "log10(cm2)", "1e-17 up to the volume-"
                             "scaling estimate ~1e-14 cm^2 (design notes)"),
    },
    "type-i": {
        "delta_xx": (-0.020, -0.030, -0.010, "eV", "paper: type-I 'X-X interaction energies "
                     "of ~10 to ~30 meV' (attraction)"),
        "xx_absorption_width": (0.030, 0.020, 0.060, "eV", "Fig. 5 band-edge sweep"),
        "higher_strength": (1.0, 0.0, 2.0, "1", "Fig. 5 band-edge sweep: up to twice the "
                            "band edge"),
    },
}
#: Most evaluations of a full-mode least-squares fit (the study's time budget)
MAX_NFEV = 150
QUICK_PARAMETERS = {"type-ii": ("stokes_shift", "log10_sigma_pump"), "type-i": ("delta_xx",)}
STATE_MODELS = {"two-channel": "type-i", "electron-hole": "type-i-fine-structure"}
#: The Auger laws compared (a Sample's ``auger_scaling``; the first is the presets' and is
#: fitted for both state models): "statistical" n^2 (n-1)/4 (attributed to Klimov et al.,
#: Science 287, 1011 (2000), unconfirmed) and "quadratic" n^2/4 (the ratios
#: tau_2:tau_3:tau_4 ~ 1:0.44:0.25 two readings recall from that paper). Both give
#: k_A(2) = 1/tau_A: they differ from the triexciton on (k_A(3) tau_A = 4.5 against 2.25).
AUGER_LAWS = ("statistical", "quadratic")


def build_type_ii(v: dict, auger_scaling: str = "statistical") -> models.Sample:
    """The type-II sample of the calibration parameters (missing ones: the preset).

    Parameters
    ----------
    v : dict
        Parameter -> value (names of :data:`PARAMETERS` ``["type-ii"]``).
    auger_scaling : str, default "statistical"
        The Auger law (a :class:`~ncgain.models.Sample` ``auger_scaling``).

    Returns
    -------
    models.Sample
        The preset with these values; a three-class mixture if ``delta_xx_spread`` > 0.
    """
    base = models.presets.TYPE_II_CDS_ZNSE
    line = base.higher_transitions[0]
    s = dataclasses.replace(
        base, auger_scaling=auger_scaling, delta_xx=v.get("delta_xx", base.delta_xx),
        stokes_shift=v.get("stokes_shift", base.stokes_shift),
        xx_absorption_width=v.get("xx_absorption_width", base.homogeneous_linewidth),
        sigma_pump=10.0 ** v["log10_sigma_pump"] if "log10_sigma_pump" in v
        else base.sigma_pump,
        higher_transitions=(dataclasses.replace(
            line, strength=v.get("higher_strength", line.strength),
            stark_shift=v.get("delta_xx", base.delta_xx)),))
    return cm.with_delta_spread(s, v.get("delta_xx_spread", 0.0))


def build_type_i(preset: str, auger_scaling: str = "statistical"):
    """Builder of the type-I sample on the band edge of ``preset``.

    Parameters
    ----------
    preset : str
        "type-i" (two-channel) or "type-i-fine-structure" (electron-hole).
    auger_scaling : str, default "statistical"
        The Auger law (a :class:`~ncgain.models.Sample` ``auger_scaling``).

    Returns
    -------
    callable
        ``build(values) -> Sample`` for the parameters of :data:`PARAMETERS` ``["type-i"]``.
    """
    base = models.presets.get(preset)

    def build(v: dict) -> models.Sample:
        off, width, shift = TYPE_I_HIGHER
        return dataclasses.replace(
            base, auger_scaling=auger_scaling, delta_xx=v.get("delta_xx", base.delta_xx),
            xx_absorption_width=v.get("xx_absorption_width", base.homogeneous_linewidth),
            higher_transitions=(models.HigherTransition(off, v.get("higher_strength", 0.0),
                                                        width, shift),))
    return build
