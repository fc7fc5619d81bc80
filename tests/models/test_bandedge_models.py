"""The band-edge model interface (models.bandedge): registry, composition, one source of lines."""

import dataclasses

import numpy as np
import pytest

from ncgain import models
from ncgain.kinetics.field import _coupling as field
from ncgain.models import bandedge
from ncgain.models.bandedge import base

P = models.presets


def test_builtin_models_are_registered_in_order():
    assert bandedge.names() == ("two-channel", "electron-hole")
    assert models.sample.STATE_MODELS == bandedge.names()
    assert bandedge.model_class("electron-hole") is bandedge.ElectronHole
    with pytest.raises(ValueError, match=r"state_model = 'x' is not one of \('two-channel', "):
        bandedge.model_class("x")


def test_band_edge_model_composes_charges():
    assert type(P.TYPE_II_CDS_ZNSE.band_edge) is bandedge.TwoChannel
    charged = P.TYPE_I_CDSE_FINE_STRUCTURE.with_resident_electrons([0.0, 1.0]).components[0][1]
    model = charged.band_edge
    assert isinstance(model, bandedge.ResidentCharges)
    assert type(model.neutral) is bandedge.ElectronHole
    assert model.electrons(1) == 2 and model.neutral.electrons(1) == 1
    # One resident electron fills half of the 1S_e level: absorption of X0 halves.
    neutral_abs = sum(line.strength for line in model.neutral.absorption_lines(0))
    assert sum(line.strength for line in model.absorption_lines(0)) == pytest.approx(
        neutral_abs / 2)


@pytest.fixture
def flat_model():
    """A toy state model registered for one test: one line at E_i, strength 1 in every state."""

    @base.register("flat-test")
    class Flat(base.BandEdgeModel):
        def carrier_lines(self, n, electrons):
            return [(0.0, 1.0)], [(0.0, float(n > 0))]

    yield Flat
    base._REGISTRY.pop("flat-test")


def test_a_new_state_model_is_a_registered_class(flat_model):
    s = dataclasses.replace(P.TYPE_I_CDSE, state_model="flat-test", tau_xx_meaning="auger")
    assert type(s.band_edge) is flat_model
    t = models.build_state_table(s, 3)
    assert t.absorption_line_strength[0, :, 0].tolist() == [1.0, 1.0, 1.0, 1.0]
    assert t.emission_line_strength[0, :, 0].tolist() == [0.0, 1.0, 1.0, 1.0]
    # Einstein relation from the shared base: every excited state emits like X.
    assert t.radiative_rate[0].tolist() == [0.0] + [1 / s.tau_x] * 3


@pytest.mark.parametrize("sample", [
    P.TYPE_II_CDS_ZNSE,
    P.TYPE_I_CDSE_FINE_STRUCTURE.with_resident_electrons({0: 0.7, 1: 0.3}),
], ids=["two-channel", "electron-hole-charged"])
def test_table_and_photon_field_lines_are_the_models(sample):
    n_max = 4
    table = models.build_state_table(sample, n_max)
    lines = field.transition_lines(table)
    for c, (_, cls) in enumerate(sample.size_classes()):
        model = bandedge.band_edge_model(cls)
        for n in range(n_max + 1):
            em = model.emission_lines(n)
            ab = model.absorption_lines(n) + model.higher_transition_lines(n)
            np.testing.assert_array_equal(lines.em_strength[c, n, :len(em)],
                                          [line.strength for line in em])
            np.testing.assert_array_equal(lines.em_offset[c, n, :len(em)],
                                          [line.offset for line in em])
            assert table.radiative_rate[c, n] == model.radiative_rate(n)
            assert table.decay_rate[c, n] == model.radiative_rate(n) + model.auger_rate(n)
            if n < n_max:      # the photon field's top state is reflecting (no absorption)
                strengths = [line.strength for line in ab]
                np.testing.assert_array_equal(
                    lines.abs_strength[c, n][lines.abs_strength[c, n] > 0],
                    [s for s in strengths if s > 0])


def test_sample_and_model_agree_on_rates_and_lines():
    s = P.TYPE_I_CDSE_FINE_STRUCTURE
    m = s.band_edge
    for n in range(5):
        assert s.band_edge_lines(n) == m.band_edge_lines(n)
        assert s.radiative_rate(n) == m.radiative_rate(n)
        assert s.auger_rate(n) == m.auger_rate(n)
    assert s.auger_time == m.auger_time and s.biexciton_lifetime == m.biexciton_lifetime

