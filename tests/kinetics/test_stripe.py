"""ASE stripe: the small-signal variable-stripe-length law and the study's definitions."""

import numpy as np
import pytest
from scipy import optimize

from ncgain import kinetics, models

FILM = models.Film(absorption_coefficient=2000.0, confinement_factor=0.5, loss=10.0)


def test_small_signal_vsl_curve_is_exp_gl_minus_one_over_g():
    """(b) c.w. stripe, no depletion: I(L) = A (e^{gL} - 1)/g with g the net modal gain."""
    lengths = np.array([0.005, 0.01, 0.02, 0.03, 0.04])
    edge, gains = [], []
    for length in lengths:
        stripe = models.Stripe(length=float(length), slices=4, channels=12,
                               spontaneous_coupling=1e-13)
        ds = kinetics.simulate_stripe("type-ii", FILM, stripe, [0.0, 3000.0],
                                      generation_rate=[0.01], rtol=1e-8)
        g = ds.modal_gain.isel(pump=0, time=-1).values
        k = int(np.argmax(g))
        edge.append(float(ds.edge_emission.isel(pump=0, time=-1, channel=k)))
        gains.append(float(g[k]))
    g_model = gains[0]
    assert g_model > 20.0                                   # a real small-signal gain
    np.testing.assert_allclose(gains, g_model, rtol=1e-6)   # populations do not depend on L

    def vsl(length, amp, g):
        return amp * np.expm1(g * length) / g

    (amp, g_fit), _ = optimize.curve_fit(vsl, lengths, edge, p0=(edge[0] / lengths[0], 10.0))
    assert g_fit == pytest.approx(g_model, rel=1e-4)
    np.testing.assert_allclose(vsl(lengths, amp, g_fit), edge, rtol=1e-4)


def test_stripe_bad_input():
    with pytest.raises(ValueError, match="length"):
        models.Stripe(length=0.0)
    with pytest.raises(ValueError, match="spontaneous_coupling"):
        models.Stripe(length=0.1, spontaneous_coupling=2.0)
    with pytest.raises(ValueError, match="fluence"):
        kinetics.simulate_stripe("type-ii", FILM, models.Stripe(length=0.01), [0.0, 1.0],
                                 fluence=[-1.0])


@pytest.mark.parametrize("method", ["rate-equations", "monte-carlo"])
@pytest.mark.parametrize("pump", [{"mean_excitons": [1.0]}, {"generation_rate": [1e-3]}])
def test_single_record_time_is_the_initial_state(method, pump):
    # issue 20: times=[0.0] raised in the rate equations (solve_ivp on an empty span)
    film = models.Film(absorption_coefficient=2000.0, confinement_factor=0.5, loss=10.0)
    stripe = models.Stripe(length=0.02, slices=2, channels=8)
    kw = dict(pump, method=method, n_nanocrystals=2000, seed=3)
    one = kinetics.simulate_stripe("type-ii", film, stripe, [0.0], **kw)
    two = kinetics.simulate_stripe("type-ii", film, stripe, [0.0, 5.0], **kw)
    assert one.sizes["time"] == 1
    for name in ("population", "slice_population", "edge_emission", "net_gain"):
        # the solver's t = 0 record is y0 up to its rounding (the Monte Carlo's: exact)
        assert np.allclose(one[name].values[:, 0], two[name].values[:, 0], rtol=1e-12,
                           atol=1e-15), name
    assert float(abs(one.edge_emission_integrated).max()) == 0.0
