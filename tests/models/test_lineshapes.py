import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from ncgain.models import lineshapes

X = np.linspace(-3.0, 3.0, 600001)
DX = X[1] - X[0]


@pytest.mark.parametrize("f, args", [
    (lineshapes.gaussian, (0.05,)),
    (lineshapes.lorentzian, (0.002,)),
    (lineshapes.voigt, (0.05, 0.002)),
])
def test_unit_area(f, args):
    # Lorentzian tails beyond +-3 eV hold 2 w / (pi * 3) of the area.
    tail = 2 * args[-1] / (np.pi * 3.0) if f is not lineshapes.gaussian else 0.0
    assert np.trapezoid(f(X, *args), dx=DX) == pytest.approx(1.0 - tail, abs=2e-6)


def test_width_conventions():
    w = 0.07
    assert lineshapes.gaussian(w, w) / lineshapes.gaussian(0.0, w) == pytest.approx(np.exp(-1))
    assert lineshapes.lorentzian(w, w) / lineshapes.lorentzian(0.0, w) == pytest.approx(0.5)
    assert np.allclose(lineshapes.voigt(X[::1000], w, 0.0), lineshapes.gaussian(X[::1000], w))


def test_gaussian_ensemble_is_gaussian_of_combined_width():
    x = np.linspace(-0.3, 0.3, 101)
    assert np.allclose(lineshapes.ensemble_line(x, 0.04, "gaussian", 0.03),
                       lineshapes.gaussian(x, 0.05), rtol=1e-13)


@settings(max_examples=30, deadline=None, derandomize=True)
@given(a=st.floats(0.01, 0.2), gam=st.floats(0.0, 0.05), bins=st.integers(1, 40),
       shape=st.sampled_from(["gaussian", "lorentzian"]))
def test_bin_conditional_lines_average_to_the_ensemble_line(a, gam, bins, shape):
    if shape == "lorentzian":
        gam = max(gam, 0.005)
    x = np.linspace(-0.5, 0.5, 201)
    binned = lineshapes.binned_ensemble_line(x, a, shape, gam, bins)
    exact = lineshapes.ensemble_line(x, a, shape, gam)
    # Gaussian: closed form, exact to rounding. Lorentzian: Simpson's rule with
    # a step <= gamma/8, whose relative error is below 1e-5 (fourth order).
    tol = 1e-12 if shape == "gaussian" else 1e-5
    assert np.max(np.abs(binned.mean(axis=0) - exact)) <= tol * exact.max()
    assert binned.shape == (bins, x.size) and (binned >= 0).all()


def test_bin_edges_are_equal_probability():
    from scipy import stats
    edges = lineshapes.inhomogeneous_bin_edges(8)
    prob = np.diff(stats.norm.cdf(edges * np.sqrt(2.0)))
    assert np.allclose(prob, 1 / 8, rtol=1e-12) and edges[0] == -np.inf and edges[-1] == np.inf


def test_binned_gaussian_with_subnormal_homogeneous_width_is_the_delta_limit():
    # Hypothesis found homogeneous_linewidth = 5e-324: s = a*gam/W underflowed to 0 and
    # the erf arguments divided by zero. Such a line is a delta to double precision.
    x = np.linspace(-0.2, 0.2, 33)
    exact = lineshapes.binned_ensemble_line(x, 0.0625, "gaussian", 0.0, 8)
    tiny = lineshapes.binned_ensemble_line(x, 0.0625, "gaussian", 5e-324, 8)
    np.testing.assert_array_equal(tiny, exact)
    assert np.all(np.isfinite(tiny))
