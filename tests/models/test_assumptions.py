"""models.assumptions: the lines a command prints about the model that ran."""

import dataclasses

from ncgain import models
from ncgain.models.assumptions import assumptions, photostability_warning
from ncgain.models.photostability import PHOTOSTABILITY_LIMIT
from ncgain.studies import _photostability


def test_lists_state_model_laws_tau_xx_sigma_pump_and_resonator():
    s = models.presets.TYPE_I_CDSE_FINE_STRUCTURE
    text = "\n".join(assumptions(s, film=models.Film.close_packed(),
                                 cavity=models.Cavity(quality_factor=3000.0),
                                 method="rate-equations"))
    assert "electron-hole band edge" in text and "T = 300 K" in text
    assert "radiative_scaling = 'einstein'" in text and "auger_scaling = 'statistical'" in text
    assert "measured total biexciton lifetime" in text
    assert "sigma_pump = 2.403e-16 cm^2 at 3 eV: the presets' assumption" in text
    assert "cavity: Q = 3000" in text and "film: alpha_0 = 5300" in text
    assert "Monte Carlo" not in text            # a rate-equation run lists no MC assumption
    auger = dataclasses.replace(models.presets.TYPE_II_CDS_ZNSE, tau_xx=150.0,
                                tau_xx_meaning="auger", sigma_pump=1e-15)
    text = "\n".join(assumptions(auger, method="monte-carlo"))
    assert "biexciton Auger time (tau_xx_meaning = 'auger')" in text
    assert "sigma_pump = 1e-15 cm^2 at 3 eV: given by the sample" in text
    assert "Monte Carlo" in text


def test_photostability_flag():
    assert photostability_warning([1e3, PHOTOSTABILITY_LIMIT]) is None
    w = photostability_warning([1e3, 2.6e6])
    assert "260x the photostability limit 10000 W cm^-2" in w
    assert assumptions(models.presets.TYPE_II_CDS_ZNSE, intensity=2.6e6)[-1] == w
    # the study and the library share one constant
    assert _photostability.PHOTOSTABILITY_LIMIT is PHOTOSTABILITY_LIMIT
