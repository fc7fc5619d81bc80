"""fit.joint: quoted numbers fitted through arbitrary forward functions."""

import dataclasses
import math

import numpy as np
import pytest

from ncgain import models
from ncgain.fit import joint
from ncgain.fit.joint import QuotedTarget, compare, fit_quoted, pull, shared

BASE = models.presets.TYPE_II_CDS_ZNSE


def build(v):
    return dataclasses.replace(BASE, delta_xx=v["delta_xx"],
                               stokes_shift=v.get("stokes_shift", 0.0))


def linear_targets(truth_d=0.10, truth_s=0.03, sigma=(0.01, 0.02, 0.005)):
    """Three linear functions of (delta_xx, stokes_shift), exact at the truth."""
    fs = (lambda s: s.delta_xx + s.stokes_shift, lambda s: s.delta_xx - 2 * s.stokes_shift,
          lambda s: s.stokes_shift)
    truth = dataclasses.replace(BASE, delta_xx=truth_d, stokes_shift=truth_s)
    return [QuotedTarget(f"t{k}", f(truth), sg, f, "eV") for k, (f, sg) in
            enumerate(zip(fs, sigma))]


@pytest.mark.parametrize("model, value, sigma, bound, expected", [
    (2.5, 2.0, 0.5, None, 1.0), (1.0, 2.0, 0.5, None, -2.0),
    (-0.01, 0.0, 0.01, "upper", 0.0), (0.03, 0.0, 0.01, "upper", 3.0),
    (0.03, 0.0, 0.01, "lower", 0.0), (-0.02, 0.0, 0.01, "lower", -2.0),
    (math.inf, 0.0, 1.0, None, joint.UNDEFINED_PULL),
    (math.nan, 0.0, 1.0, "upper", joint.UNDEFINED_PULL)])
def test_pull_arithmetic(model, value, sigma, bound, expected):
    assert pull(model, value, sigma, bound) == pytest.approx(expected, rel=1e-12)


def test_recovers_the_truth_with_the_fisher_sigma():
    targets = linear_targets()
    r = fit_quoted(build, {"delta_xx": (0.08, 0.05, 0.15), "stokes_shift": (0.0, 0.0, 0.06)},
                   targets)
    assert r.values["delta_xx"] == pytest.approx(0.10, abs=1e-7)
    assert r.values["stokes_shift"] == pytest.approx(0.03, abs=1e-7)
    assert r.chisqr < 1e-10 and r.ndof == 1
    # hand Fisher matrix: rows d pull / d (delta, S) = (1, 1)/0.01, (1, -2)/0.02, (0, 1)/0.005
    jac = np.array([[1, 1], [1, -2], [0, 1]]) / np.array([0.01, 0.02, 0.005])[:, None]
    cov = np.linalg.inv(jac.T @ jac)
    assert r.stderr["delta_xx"] == pytest.approx(math.sqrt(cov[0, 0]), rel=1e-4)
    assert r.stderr["stokes_shift"] == pytest.approx(math.sqrt(cov[1, 1]), rel=1e-4)
    r_ab = cov[0, 1] / math.sqrt(cov[0, 0] * cov[1, 1])
    assert r.correlations[("delta_xx", "stokes_shift")] == pytest.approx(r_ab, rel=1e-4)
    lo, hi = r.intervals["delta_xx"]
    assert lo == pytest.approx(0.10 - r.stderr["delta_xx"], rel=1e-9)
    assert hi == pytest.approx(0.10 + r.stderr["delta_xx"], rel=1e-9)
    assert np.allclose(r.jacobian, jac, rtol=1e-4)
    assert r.undetermined == {} and r.at_bound == []


def test_opposing_targets_are_named_as_a_tension():
    f = lambda s: s.delta_xx  # noqa: E731
    targets = [QuotedTarget("low", 0.10, 0.01, f), QuotedTarget("high", 0.12, 0.01, f)]
    r = fit_quoted(build, {"delta_xx": (0.09, 0.05, 0.15)}, targets)
    assert r.values["delta_xx"] == pytest.approx(0.11, abs=1e-7)
    assert r.pulls["low"] == pytest.approx(1.0, abs=1e-5)
    assert r.pulls["high"] == pytest.approx(-1.0, abs=1e-5)
    (t,) = r.tensions()
    assert (t["parameter"], t["up"], t["down"]) == ("delta_xx", "high", "low")
    # push = pull x d pull / d p x range = 1 x 100 / eV x 0.1 eV
    assert t["strength"] == pytest.approx(10.0, rel=1e-4)
    assert r.worst(1) in (["low"], ["high"])


def test_a_parameter_without_effect_is_undetermined_and_derived_sigma_propagates():
    f = lambda s: s.delta_xx  # noqa: E731
    targets = [QuotedTarget("a", 0.10, 0.01, f), QuotedTarget("b", 0.10, 0.02, f)]
    r = fit_quoted(lambda v: dataclasses.replace(BASE, delta_xx=v["delta_xx"],
                                                 temperature=v["temperature"]),
                   {"delta_xx": (0.09, 0.05, 0.15), "temperature": (300.0, 250.0, 350.0)},
                   targets, derived={"twice": lambda s: 2 * s.delta_xx})
    assert "temperature" in r.undetermined
    assert all(math.isnan(x) for x in r.intervals["temperature"])
    sigma = 1 / math.sqrt(1 / 0.01 ** 2 + 1 / 0.02 ** 2)
    assert r.stderr["delta_xx"] == pytest.approx(sigma, rel=1e-4)
    value, err = r.derived["twice"]
    assert value == pytest.approx(0.2, abs=1e-6)
    assert err == pytest.approx(2 * sigma, rel=1e-4)


def test_shared_runs_once_per_sample():
    calls = []
    f = shared(lambda s: calls.append(s) or s.delta_xx)
    a, b = BASE, dataclasses.replace(BASE, delta_xx=0.2)
    assert [f(a), f(a), f(b), f(a)] == [BASE.delta_xx, BASE.delta_xx, 0.2, BASE.delta_xx]
    assert len(calls) == 2


def test_compare_ranks_by_chi_square():
    f = lambda s: s.delta_xx  # noqa: E731
    good = fit_quoted(build, {"delta_xx": (0.1, 0.05, 0.15)}, [QuotedTarget("a", 0.1, 0.01, f)])
    bad = fit_quoted(build, {"delta_xx": (0.1, 0.05, 0.15)}, [QuotedTarget("a", 0.2, 0.01, f)])
    ranked = compare({"bad": bad, "good": good})
    assert [k for k, _, _ in ranked] == ["good", "bad"]
    assert ranked[1][2] == pytest.approx(bad.chisqr - good.chisqr)
    # the bad fit sits on its upper bound, 5 sigma short
    assert bad.at_bound == ["delta_xx"] and bad.pulls["a"] == pytest.approx(-5.0, abs=1e-6)


def test_posterior_intervals_bracket_the_best_fit():
    targets = linear_targets()
    r = fit_quoted(build, {"delta_xx": (0.08, 0.05, 0.15), "stokes_shift": (0.0, 0.0, 0.06)},
                   targets, posterior=True, nwalkers=8, steps=300, seed=3)
    assert r.posterior["_settings"]["seed"] == 3
    for k in ("delta_xx", "stokes_shift"):
        lo, hi = r.intervals[k]
        assert lo < r.values[k] < hi
        # 68 % of a Gaussian posterior: half-width near the Fisher sigma (300 steps: loose)
        assert 0.5 < (hi - lo) / (2 * r.stderr[k]) < 2.0


@pytest.mark.parametrize("kwargs, match", [
    ({"targets": []}, "at least one"),
    ({"parameters": {"delta_xx": (0.2, 0.05, 0.15)}}, "outside the bounds"),
    ({"parameters": {"delta_xx": (0.1, 0.15, 0.05)}}, "low < high"),
    ({"parameters": {"delta_xx": (0.1, 0.05)}}, "start, low, high"),
    ({"parameters": {"delta_xx": (-5.0, -6.0, 0.15)}}, "refuses"),
    ({"method": "newton"}, "method"),
    ({"posterior": True, "nwalkers": 1}, "nwalkers"),
])
def test_bad_input_is_refused_before_any_work(kwargs, match):
    f = lambda s: s.delta_xx  # noqa: E731
    args = {"build": build, "parameters": {"delta_xx": (0.1, 0.05, 0.15)},
            "targets": [QuotedTarget("a", 0.1, 0.01, f)], **kwargs}
    with pytest.raises(ValueError, match=match):
        fit_quoted(args.pop("build"), args.pop("parameters"), args.pop("targets"), **args)


@pytest.mark.parametrize("kwargs, match", [
    ({"sigma": 0.0}, "sigma"), ({"value": math.nan}, "value"),
    ({"bound": "both"}, "bound"), ({"function": 3}, "callable")])
def test_bad_targets(kwargs, match):
    args = {"name": "a", "value": 1.0, "sigma": 0.1, "function": lambda s: 1.0, **kwargs}
    with pytest.raises(ValueError, match=match):
        QuotedTarget(**args)
