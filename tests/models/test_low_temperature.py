"""The electron-hole band edge as T -> 0 (issue 20, item 2).

The hole occupations tend to the ground configuration's (the Boltzmann weights of
all other configurations underflow to exactly 0); a dark lowest level has no
finite limit of the Einstein radiative ratios and is refused by name.
"""

import dataclasses
import math

import numpy as np
import pytest

from ncgain import kinetics, models
from ncgain.models.bandedge import K_BOLTZMANN, ElectronHole

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


# --------------------------------------------------------------- a dark level that emits
# Two dark hole states (strength eps per state) 10 meV below two bright ones (strength 1),
# g_e = 2: with y = exp(-gap / kT) and normalized strengths w_d = eps / (2 eps + 2),
# w_b = 1 / (2 eps + 2), the emission strengths of the neutral states are (docs/theory.md,
# section 8.4)
#   S1 = (w_d + w_b y) / (2 (1 + y))
#   S2 = 2 (w_d (1 + 2y) + w_b (2y + y^2)) / (1 + 4y + y^2)
#   S3 = (w_d (2 + y) + w_b (1 + 2y)) / (1 + y)
#   S4 = 1
# and k_rad(n) tau_x = S_n / S1, whose T -> 0 limits are 4, 4 + 2/eps, 4 + 4/eps.
GAP = 0.010


def _dark_emitting(temperature, eps):
    return _sample(temperature, ((0.0, 2, eps), (GAP, 2, 1.0)))


def _closed_form(temperature, eps):
    y = math.exp(-(GAP / K_BOLTZMANN) / temperature)     # 0 at 1e-320 K, no warning
    wd, wb = eps / (2 * eps + 2), 1 / (2 * eps + 2)
    s = [(wd + wb * y) / (2 * (1 + y)),
         2 * (wd * (1 + 2 * y) + wb * (2 * y + y ** 2)) / (1 + 4 * y + y ** 2),
         (wd * (2 + y) + wb * (1 + 2 * y)) / (1 + y), 1.0]
    return np.array(s) / s[0]


@pytest.mark.parametrize("eps", [1e-3, 0.1])
@pytest.mark.parametrize("temperature", [300.0, 30.0, 5.0, 1.0, 1e-3, 1e-320])
def test_einstein_ratios_of_an_emitting_dark_level_follow_the_closed_form(temperature, eps):
    m = ElectronHole(_dark_emitting(temperature, eps))
    got = [m.einstein_ratio(n, n) for n in range(1, 5)]
    assert np.allclose(got, _closed_form(temperature, eps), rtol=1e-13, atol=0)


def test_zero_kelvin_limit_equals_the_extrapolation_of_finite_temperatures():
    """The T -> 0 ratios (Boltzmann weights exactly 0) equal 4, 4 + 2/eps, 4 + 4/eps and
    the linear extrapolation in y = exp(-gap/kT) to y = 0 of two finite temperatures.

    The ratios are analytic in y/eps (see the closed form), so the linear extrapolation
    from y1 = 1e-9, y2 = 2e-9 (T = 5.6 K, 5.8 K) errs by O(y1 y2 / eps^2) = 2e-12
    relative; the tolerance, 1e-9, covers that and the rounding (~1e-16 amplified 2x).
    """
    eps = 1e-3
    limit = [ElectronHole(_dark_emitting(1e-3, eps)).einstein_ratio(n, n) for n in range(1, 5)]
    assert np.allclose(limit, [1.0, 4.0, 4 + 2 / eps, 4 + 4 / eps], rtol=1e-14, atol=0)
    ys = (1e-9, 2e-9)
    temps = [GAP / (K_BOLTZMANN * np.log(1 / y)) for y in ys]
    r1, r2 = (np.array([ElectronHole(_dark_emitting(t, eps)).einstein_ratio(n, n)
                        for n in range(1, 5)]) for t in temps)
    extrapolated = (r1 * ys[1] - r2 * ys[0]) / (ys[1] - ys[0])
    assert np.allclose(extrapolated, limit, rtol=1e-9, atol=0)
    assert not np.allclose(r1, limit, rtol=1e-9, atol=0)      # the finite-T values differ


def test_a_strictly_dark_level_diverges_as_the_refusal_says():
    """eps = 0: k_rad(3) tau_x = 2 (1 + 2y) / y diverges as exp(gap / kT); k_rad(2) tau_x
    tends to 8. Above the refusal temperature (0.202 K) the model follows that."""
    for temperature in (300.0, 10.0, 1.0, 0.25):
        y = np.exp(-GAP / (K_BOLTZMANN * temperature))
        m = ElectronHole(_dark_emitting(temperature, 0.0))
        assert m.einstein_ratio(3, 3) == pytest.approx(2 * (1 + 2 * y) / y, rel=1e-12)
        assert m.einstein_ratio(2, 2) == pytest.approx(
            4 * (2 + y) * (1 + y) / (1 + 4 * y + y ** 2), rel=1e-12)
    with pytest.raises(ValueError, match="give the dark level its own"):
        _dark_emitting(0.1, 0.0)


def test_simulation_with_an_emitting_dark_level_at_t_to_0():
    cold = kinetics.simulate_pulsed(_dark_emitting(1e-3, 1e-3), [0.5, 2.0], [0.0, 100.0],
                                    method="master-equation")
    one = kinetics.simulate_pulsed(_dark_emitting(1.0, 1e-3), [0.5, 2.0], [0.0, 100.0],
                                   method="master-equation")
    assert np.isfinite(cold.bleach).all()
    # exp(-gap / k 1 K) = 4e-51: 1 K is the limit to double precision
    assert np.allclose(cold.bleach, one.bleach, rtol=1e-12, atol=1e-14)
