import dataclasses
import math

import pytest

from ncgain import models
from ncgain.models import presets

CITED = {f.name for f in dataclasses.fields(models.Sample)} - {"name", "description", "components"}


@pytest.mark.parametrize("key", presets.names())
def test_every_preset_value_cites_a_source(key):
    sources = presets.SOURCES[key]
    assert set(sources) == CITED
    for field, text in sources.items():
        assert text.startswith(("paper", "assumption", "matched to Fig", "Klimov et al.",
                                "physics:")), field


def test_paper_numbers():
    t2, t1 = presets.TYPE_II_CDS_ZNSE, presets.TYPE_I_CDSE
    assert (t2.exciton_energy, t2.delta_xx, t2.tau_xx, t2.tau_x) == (2.054, 0.106, 130.0, 1700.0)
    assert -0.030 <= t1.delta_xx <= -0.010 and t1.tau_xx == 30.0
    # sigma_pump: <N> = 1 at 2 mJ cm^-2 of 3 eV photons (stated assumption).
    photons = 2e-3 / (3.0 * 1.602176634e-19)
    assert t2.sigma_pump * photons == pytest.approx(1.0, rel=1e-3)
    # Gamma from a 100 meV ensemble FWHM.
    assert 2 * math.sqrt(math.log(2)) * t2.linewidth == pytest.approx(0.100, rel=1e-3)


def test_get_and_unknown_preset():
    assert presets.get("TYPE-II") is presets.TYPE_II_CDS_ZNSE
    assert presets.get("type-i") is presets.TYPE_I_CDSE
    with pytest.raises(ValueError, match=r"preset = 'type-iii' is unknown; known presets"):
        presets.get("type-iii")
