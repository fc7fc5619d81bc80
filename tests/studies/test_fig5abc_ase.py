"""Fig. 5a-c ASE study: quick run, thresholds from the data, report rows."""

import json

import numpy as np

from ncgain import models
from ncgain.studies import fig5abc_ase as study
from ncgain.studies import _report
from tests.studies.conftest import quick_run


def test_band_threshold_interpolates():
    f = np.array([1.0, 2.0, 4.0])
    expected = np.exp(np.log(2) + np.log(2) * np.log(2) / np.log(10))
    assert np.isclose(study.band_threshold(f, [1.0, 5.0, 50.0]), expected, rtol=1e-12)
    assert np.isnan(study.band_threshold(f, [1.0, 2.0, 3.0]))


def test_quick_run_reports_the_order_with_numbers():
    # run once per session with a recording progress callback (conftest.py)
    ds, calls = quick_run("fig5abc_ase")
    # progress: a call at the start and one per fluence of each preset, up to the total
    n_fluence = ds.sizes["fluence"]
    total = 2 * n_fluence
    assert len(calls) == total + 1 and calls[0] == (0.0, total, "start")
    np.testing.assert_allclose([c[0] for c in calls], np.arange(total + 1), rtol=1e-12)
    assert calls[-1][2].startswith("type-i ")
    # the film of every study (the pulsed studies' gain criterion is its loss)
    assert models.Film.from_dict(json.loads(ds.attrs["film"])) == models.Film.close_packed()
    assert json.loads(ds.attrs["stripe"])["length"] == study.STRIPE_LENGTH
    for key in ("type-ii_x_ase_threshold", "type-ii_xx_ase_threshold"):
        assert np.isfinite(ds.attrs[key])
    rows = _report.study_rows(study, ds)
    order = [r for r in rows if r["quantity"].startswith("order of the ASE")][0]
    x, xx = ds.attrs["type-ii_x_ase_threshold"], ds.attrs["type-ii_xx_ase_threshold"]
    assert order["ncgain"] == ("X first" if x < xx else "XX first")
    assert f"{x:.3g}" in _report.study_notes(study, ds)
    # amplification grows with fluence in the XX band (ASE), and the threshold is where
    # it crosses the stated level
    amp = ds.xx_band_amplification.sel(preset="type-ii").values
    assert amp[-1] > 10 * amp[0]
