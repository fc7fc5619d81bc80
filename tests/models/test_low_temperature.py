"""The electron-hole band edge as T -> 0 (issue 20, item 2).

The hole occupations tend to the ground configuration's (the Boltzmann weights of
all other configurations underflow to exactly 0); a dark lowest level has no
finite limit of the Einstein radiative ratios and is refused by name.
"""

import dataclasses

import numpy as np
import pytest

from ncgain import kinetics, models
from ncgain.models.bandedge import ElectronHole

BRIGHT_GROUND = ((0.0, 1, 1.0), (0.02, 3, 0.5))     # one state 20 meV below three others


def _sample(temperature, levels=BRIGHT_GROUND):
    return dataclasses.replace(models.presets.TYPE_I_CDSE, state_model="electron-hole",
                               temperature=temperature, hole_levels=levels)


def test_occupation_tends_to_the_ground_configuration():
    m = ElectronHole(_sample(1e-3))
    # analytic T -> 0 limit: the lowest state first, the remaining holes shared equally
    # by the three degenerate upper states
    assert np.array_equal(m.hole_occupation(1), [1.0, 0.0, 0.0, 0.0])
    assert np.allclose(m.hole_occupation(2), [1.0, 1 / 3, 1 / 3, 1 / 3], rtol=1e-15)
    assert np.allclose(m.hole_occupation(3), [1.0, 2 / 3, 2 / 3, 2 / 3], rtol=1e-15)
    # emission of the single exciton: the ground state's whole normalized strength
    w0 = 1.0 / (1.0 + 3 * 0.5)
    f_e = 1 / 2
    assert m.emission_strength(1, 1) == pytest.approx(f_e * w0, rel=1e-15)


def test_continuous_with_one_kelvin():
    # exp(-0.02 eV / k 1 K) = 1e-101: 1 K and 1e-3 K agree to double precision
    cold, one = ElectronHole(_sample(1e-3)), ElectronHole(_sample(1.0))
    for n in range(1, 5):
        # they differ by the 1 K Boltzmann factor of the upper states, 1.6e-101
        assert np.allclose(cold.hole_occupation(n), one.hole_occupation(n), rtol=1e-14,
                           atol=1e-100)
        assert cold.einstein_ratio(n, n) == pytest.approx(one.einstein_ratio(n, n), rel=1e-14)
    # and the continuity holds where it is visible: 20 K -> 0 monotonically
    upper = [ElectronHole(_sample(t)).hole_occupation(1)[1] for t in (40.0, 20.0, 10.0, 1.0)]
    assert all(a > b for a, b in zip(upper, upper[1:])) and upper[-1] < 1e-100


def test_simulation_at_a_millikelvin_runs():
    ds = kinetics.simulate_pulsed(_sample(1e-3), [0.5, 1.0], [0.0, 10.0],
                                  method="master-equation")
    one = kinetics.simulate_pulsed(_sample(1.0), [0.5, 1.0], [0.0, 10.0],
                                   method="master-equation")
    assert np.isfinite(ds.bleach).all()
    assert np.allclose(ds.bleach, one.bleach, rtol=1e-12, atol=1e-14)


def test_dark_ground_level_below_its_limit_refused_by_name():
    dark = ((0.0, 2, 0.0), (0.010, 2, 1.0))       # the CdSe fine-structure preset's levels
    assert ElectronHole(_sample(1.0, dark)).einstein_ratio(2, 2) > 0
    with pytest.raises(ValueError, match=r"temperature = 0\.001 K is outside the allowed range "
                                         r"\[0\.202, 2000\] K"):
        _sample(1e-3, dark)
    with pytest.raises(ValueError, match="temperature = 0.19 K"):
        _sample(0.19, dark)
    assert ElectronHole(_sample(0.21, dark)).einstein_ratio(3, 3) < 1e250
