import dataclasses

import numpy as np
import pytest

from ncgain import models
from ncgain.models import Sample, build_state_table

S = Sample(name="t", exciton_energy=2.0, delta_xx=0.1, linewidth=0.05, tau_x=1000.0,
           tau_xx=50.0, sigma_pump=1e-15, pump_energy=3.0, stokes_shift=0.01)


def test_design_table_g2():
    t = build_state_table(S, 4)
    # absorption (g-n)/g at E_i + S + n Delta; emission min(n,g)/g at E_i + (min(n,g)-1) Delta
    assert np.allclose(t.absorption_strength, [1, 0.5, 0, 0, 0])
    assert np.allclose(t.emission_strength, [0, 0.5, 1, 1, 1])
    assert np.allclose(t.absorption_offset[0, :2], [0.01, 0.11])
    assert np.allclose(t.emission_offset[0, 1:], [0.0, 0.1, 0.1, 0.1])
    assert np.allclose(t.decay_rate[0], [S.radiative_rate(n) + S.auger_rate(n) for n in range(5)])
    assert (t.up_rate == 0).all() and t.class_weight.tolist() == [1.0]


def test_design_table_g3():
    t = build_state_table(dataclasses.replace(S, degeneracy=3), 5)
    assert np.allclose(t.absorption_strength, [1, 2 / 3, 1 / 3, 0, 0, 0])
    assert np.allclose(t.emission_strength, [0, 1 / 3, 2 / 3, 1, 1, 1])
    assert np.allclose(t.emission_offset[0, 3:], 0.2)


def test_size_classes_give_per_class_rows():
    b = dataclasses.replace(S, sigma_pump=3e-15, delta_xx=0.2)
    mix = dataclasses.replace(S, components=((0.5, S), (0.5, b)))
    t = build_state_table(mix, 3)
    assert t.n_classes == 2
    assert np.allclose(t.pump_scale, [0.5, 1.5])
    assert np.allclose(t.absorption_offset[:, 1], [0.11, 0.21])


@pytest.mark.parametrize("n_max", [1, 201, 2.5, True])
def test_invalid_n_max(n_max):
    with pytest.raises(ValueError, match=r"n_max = .* allowed range"):
        build_state_table(S, n_max)


def test_single_exciton_threshold_limits():
    assert models.single_exciton_threshold(0.0, 0.05) == pytest.approx(1.0)
    assert models.single_exciton_threshold(1.0, 0.05) == pytest.approx(2 / 3)
    assert models.poisson_threshold_no_interaction() == pytest.approx(1.14619322, abs=1e-8)
    with pytest.raises(ValueError, match="linewidth"):
        models.single_exciton_threshold(0.1, 0.0)
