"""Calibration study: pull arithmetic, recovery of a known set, the quick run and its report."""

import json
import math

import numpy as np
import pytest

from ncgain import models
from ncgain.fit.joint import QuotedTarget, fit_quoted
from ncgain.fit.joint import pull as quoted_pull
from ncgain.studies import _report, _summary
from ncgain.studies import calibration as study
from ncgain.studies import calibration_model as cm
from tests.studies.conftest import quick_run



@pytest.fixture(scope="module")
def quick():
    return quick_run("calibration")[0]   # run once per session (conftest.py)


def test_progress_callback_fires_per_fit():
    """Nothing sits silent: one call at the start, one per fit (named), ending at the total."""
    ds, calls = quick_run("calibration")
    total = ds.sizes["fit"]
    assert calls[0] == (0.0, total, "start")
    assert [c[0] for c in calls] == list(range(total + 1))
    assert all(c[1] == total for c in calls)
    labels = [c[2] for c in calls[1:]]
    assert sorted(label.split(" chi2 ")[0] for label in labels) == sorted(
        str(f) for f in ds.fit.values)


@pytest.mark.parametrize("pulls, expected", [
    ([0.5, -0.9], "reproduced"), ([0.2, 1.5], "partly"), ([-3.5, 0.0], "not reproduced"),
    ([3.0], "partly"), ([1.0], "reproduced")])
def test_verdict_from_the_largest_pull(pulls, expected):
    assert study._verdict(pulls) == expected


def test_ratio_sigma_adds_the_reference_uncertainty_in_quadrature():
    fw = cm.Forward(quick=True)
    # paper 5 +- 1.5; a reference threshold 0.2 +- 0.02 (10 %) adds 5 x 0.1 = 0.5
    (ratio,) = [t for t in study._targets("type-i", fw, (0.2, 0.02)) if t.name == "ratio"]
    assert ratio.sigma == pytest.approx(math.sqrt(1.5 ** 2 + 0.5 ** 2), rel=1e-12)
    # the pull of a model ratio of 8: (8 - 5) / sigma
    assert ratio.pull(models.presets.TYPE_I_CDSE) == pytest.approx(
        (fw.threshold(models.presets.TYPE_I_CDSE) / 0.2 - 5.0) / ratio.sigma, rel=1e-12)


def test_delta_spread_mixture_has_the_stated_mean_and_spread():
    s = cm.with_delta_spread(models.presets.TYPE_II_CDS_ZNSE, 0.02)
    w = np.array([c[0] for c in s.components])
    d = np.array([c[1].delta_xx for c in s.components])
    assert w.sum() == pytest.approx(1.0)
    assert w @ d == pytest.approx(0.106, abs=1e-15)
    assert math.sqrt(w @ (d - 0.106) ** 2) == pytest.approx(0.02, rel=1e-12)
    assert cm.with_delta_spread(models.presets.TYPE_II_CDS_ZNSE, 0.0) is \
        models.presets.TYPE_II_CDS_ZNSE
    with pytest.raises(ValueError, match="spread"):
        cm.with_delta_spread(models.presets.TYPE_II_CDS_ZNSE, -0.01)


def test_crossings_and_gain_decay_against_hand_values():
    # log-log interpolation: y = x^2 crosses 10 at sqrt(10)
    x = np.array([1.0, 2.0, 4.0])
    assert cm._log_crossing(x, x ** 2 * 1.0, 2.0) == pytest.approx(math.sqrt(2.0), rel=1e-12)
    assert cm._log_crossing(x, x ** 0, 2.0) == math.inf
    # alpha from +1 to -1 between <N> = 1 and 4: crossing at the geometric midpoint 2
    assert cm._gain_crossing(np.array([1.0, 4.0]), np.array([1.0, -1.0])) == pytest.approx(2.0)
    s = models.presets.TYPE_II_CDS_ZNSE
    t = np.linspace(0.0, 5000.0, 200)
    tau_1 = 1 / s.radiative_rate(1)
    slow = 0.3 * np.exp(-t / s.biexciton_lifetime) + 1.2 * np.exp(-t / tau_1)
    fast = 2.0 * np.exp(-t / s.biexciton_lifetime) + 0.8 * np.exp(-t / tau_1)
    assert cm.gain_decay(s, t, slow) == pytest.approx((tau_1, 1.2), rel=1e-9)
    assert cm.gain_decay(s, t, fast) == pytest.approx((s.biexciton_lifetime, 0.8), rel=1e-9)


def test_fit_recovers_a_known_type_ii_set():
    """Targets computed from a known set on the quick grids; the fit starts elsewhere."""
    fw = cm.Forward(quick=True)
    truth = {"stokes_shift": 0.05, "log10_sigma_pump": -15.8}
    sample = study.build_type_ii(truth)
    # the two thresholds separate the Stokes shift (their ratio) from sigma_pump (the scale)
    fs = {"x_fluence": fw.band_fluence("x"), "xx_fluence": fw.band_fluence("xx")}
    sig = {"x_fluence": 0.04, "xx_fluence": 0.1}
    targets = [QuotedTarget(k, f(sample), sig[k], f) for k, f in fs.items()]
    r = fit_quoted(study.build_type_ii, {"stokes_shift": (0.035, 0.0, 0.08),
                                         "log10_sigma_pump": (-15.6, -17.0, -14.0)}, targets)
    # the forward functions interpolate on grids: the minimum is exact to a fraction of
    # the targets' sigma, not to machine precision
    assert r.chisqr < 0.05
    for k, v in truth.items():
        assert abs(r.values[k] - v) < 3 * r.stderr[k], (k, r.values[k], r.stderr[k])
        assert abs(r.values[k] - v) < 2e-3, (k, r.values[k])


def test_quick_run_is_finite_and_the_pulls_are_the_arithmetic(quick):
    ds = quick
    assert set(ds.fit.values) == {"type-ii", "type-i two-channel", "type-i electron-hole",
                                  "type-ii joint", "type-ii quadratic Auger",
                                  "type-i two-channel quadratic Auger"}
    for v in ("pull", "target_value", "target_sigma", "best", "chisqr", "preset_pull"):
        assert np.isfinite(ds[v].values).all(), v
    assert all(ds[v].attrs["units"] and ds[v].attrs["long_name"] for v in ds.variables)
    table = json.loads(ds.attrs["targets"])
    for name, fit, value, sigma, model, pull in zip(
            ds.target.values, ds.target_fit.values, ds.target_value.values,
            ds.target_sigma.values, ds.target_model.values, ds.pull.values):
        short = str(name).split(": ", 1)[1]
        kind = "type-ii" if str(fit).startswith("type-ii") else "type-i"
        bound = (table[kind].get(short) or table["type-i"][short])[3]
        expected = (model - value) / sigma
        if bound == "upper":
            expected = max(expected, 0.0)
        assert pull == pytest.approx(expected, rel=1e-9, abs=1e-12), name
    chi = {f: float((ds.pull.values[ds.target_fit.values == f] ** 2).sum())
           for f in ds.fit.values}
    assert np.allclose([chi[f] for f in ds.fit.values], ds.chisqr.values, rtol=1e-9)
    low, high = ds.bound_low.values, ds.bound_high.values
    assert ((ds.best.values >= low) & (ds.best.values <= high)).all()


def test_quick_report_renders_with_the_computed_verdicts(quick):
    rows = _report.study_rows(study, quick)
    claims = study.claims(quick)
    assert len(rows) == len(claims) == 5
    for row, claim in zip(rows, ("ase_order", "linear", "ratio", "quadratic", "type_i_red")):
        assert f"**{claims[claim]['verdict']}**" in row["agreement"]
    notes = _report.study_notes(study, quick)
    for fit in quick.fit.values:
        assert f"**Fit `{fit}`**" in notes
    assert "Quick run" in notes
    # every Markdown table keeps its column count (reasons quoting "|correlation|" escaped)
    for block in _report.render_study(study, quick).split("\n\n"):
        lines = [ln for ln in block.splitlines() if ln.startswith("|")]
        assert len({ln.replace("\\|", "").count("|") for ln in lines}) <= 1, lines
    assert _summary.calibration_claims({"calibration": quick}) == claims
    assert _summary.calibration_claims({}) == {}
    fig = study.plot(quick)
    assert len(fig.axes) == quick.sizes["fit"]


def test_auger_comparison_is_present_and_its_chi2_recomputed_from_the_best_fits(quick):
    """Each law's chi-square: the stored fit's, and again from its best-fit parameters."""
    ds = quick
    assert ds.auger_law.values.tolist() == ["statistical", "quadratic"]
    assert ds.sample.values.tolist() == ["type-ii", "type-i"]
    assert np.isfinite(ds.auger_chisqr.values).all()
    extra = json.loads(ds.attrs["fits"])
    fw = cm.Forward(quick=True)
    state = {v: k for k, v in study.STATE_MODELS.items()}
    ref = {}
    for kind in ("type-ii", "type-i"):          # type II first: the type-I ratio's reference
        for law in ("statistical", "quadratic"):
            key = str(ds.auger_fit.sel(sample=kind, auger_law=law).values)
            chi = float(ds.auger_chisqr.sel(sample=kind, auger_law=law))
            assert chi == float(ds.chisqr.sel(fit=key))
            assert str(ds.fit_auger_law.sel(fit=key).values) == law
            assert json.loads(extra[key]["samples"])["auger_scaling"] == law
            best = {str(p).split(": ", 1)[1]: float(v) for p, v in
                    zip(ds.parameter.values, ds.best.values) if str(p).startswith(key + ": ")}
            if kind == "type-ii":
                sample = study.build_type_ii(best, auger_scaling=law)
                ref[law] = fw.threshold(sample)
                targets = study._targets(kind, fw)
            else:
                preset = next(p for p, m in state.items() if key.startswith(f"type-i {m}"))
                sample = study.build_type_i(preset, law)(best)
                targets = study._targets(kind, fw, (ref[law], 0.0))
            assert sample.auger_scaling == law
            sel = ds.target_fit.values == key
            sigma = dict(zip([str(t).split(": ", 1)[1] for t in ds.target.values[sel]],
                             ds.target_sigma.values[sel]))
            # the ratio's sigma carries the reference's propagated 1-sigma: the stored one
            pulls = [quoted_pull(t.model_value(sample), t.value, sigma[t.name], t.bound)
                     for t in targets]
            assert len(pulls) == sel.sum()
            assert sum(p * p for p in pulls) == pytest.approx(chi, rel=1e-9, abs=1e-12), key
    ranking = study.auger_comparison(ds)
    both = dict((law, c) for law, c, _ in ranking["both"])
    for law in ("statistical", "quadratic"):
        assert both[law] == pytest.approx(float(ds.auger_chisqr.sel(auger_law=law).sum()))
    delta = ranking["both"][1][2]
    assert delta >= 0 and ranking["both"][0][2] == 0
    assert ranking["preferred"] == (ranking["both"][0][0] if delta >= study.AUGER_UNDECIDED
                                    else None)
    notes = _report.study_notes(study, ds)
    assert ("cannot tell the two laws apart" in notes) == (ranking["preferred"] is None)
