"""The emcee posterior (through lmfit) and the figures."""

import math

import matplotlib
import numpy as np

from ncgain import fit as nfit

from .conftest import TRUTH, small_dataset

matplotlib.use("Agg")


def test_posterior_agrees_with_the_covariance_and_records_its_seed():
    ds = small_dataset()
    rng = np.random.default_rng(3)
    ds["bleach"] = ds.bleach + 0.01 * rng.standard_normal(ds.bleach.shape)
    ds.bleach.attrs["units"] = "1"
    vary = {"delta_xx": (0.05, 0.15), "tau_xx": (60.0, 300.0)}
    result = nfit.fit(ds, TRUTH, vary, posterior=True, nwalkers=8, steps=60, burn=20,
                      seed=5)
    post = result.posterior
    assert post.sizes["draw"] == 8 * 40
    assert post.attrs["seed"] == 5 and post.attrs["nwalkers"] == 8
    assert post.attrs["sampler"].startswith("emcee 3.")
    assert 0.2 < post.attrs["acceptance_fraction"] < 0.9
    intervals = result.posterior_intervals()
    for name, (lo, med, hi) in intervals.items():
        low, high = vary[name]
        assert low <= post[name].min() and post[name].max() <= high   # uniform prior
        # 320 correlated draws (autocorrelation ~5 steps: ~60 independent) estimate the
        # width to ~10 %; the Gaussian approximation holds here, so within a factor 2
        width = 0.5 * (hi - lo)
        assert 0.5 <= width / result.stderr[name] <= 2.0, (name, width, result.stderr[name])
        assert abs(med - result.values[name]) <= result.stderr[name]
        assert post[name].attrs["units"] in ("eV", "ps")
    assert "posterior (8 walkers x 60 steps, burn 20, seed 5" in result.report()
    fig = result.plot_corner()
    assert len(fig.axes) == 4
    fig = result.plot()
    assert fig.axes[0].get_ylabel() == "bleach (1)"
    assert math.isfinite(result.redchi)
