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
