"""Linewidth-sensitivity study: computed through the sweep machinery, checked against
the paper's formula and direct threshold calls."""

import dataclasses
import json

import numpy as np
import pytest

from ncgain import kinetics, models
from ncgain.studies import linewidth_sensitivity as study
from ncgain import sweeps as sw
from ncgain.studies import _report
from tests.studies.conftest import quick_run


@pytest.fixture(scope="module")
def ds():
    return quick_run("linewidth_sensitivity")[0]   # run once per session (conftest.py)


def test_dataset_comes_from_the_sweep_machinery(ds):
    d = json.loads(ds.attrs["sweep_type_ii"])
    assert d["observable"] == "threshold" and d["vary"][0][0] == "linewidth"
    definition = study.definition("type-ii", quick=True)
    assert json.loads(definition.to_json()) == d
    # One point recomputed directly: bit-identical.
    gamma = float(ds.linewidth[3])
    sample = dataclasses.replace(study.base_sample("type-ii"), linewidth=gamma,
                                 homogeneous_linewidth=float(ds.homogeneous_linewidth[3]))
    ref = kinetics.gain_threshold(sample, time=study.T_AFTER, energy="any",
                                  loss=study.DETECTABLE_GAIN, max_mean_excitons=10.0,
                                  energy_bins=1)
    got = ds.threshold.sel(sample="type-II", linewidth=gamma, time=study.T_AFTER, probe="any",
                           loss_fraction=study.DETECTABLE_GAIN)
    assert float(got) == float(ref)
    for name in ("threshold", "threshold_energy", "cutoff_linewidth", "delta_over_gamma"):
        assert ds[name].attrs["units"] and ds[name].attrs["long_name"]


def test_homogeneous_width_is_the_presets_where_gamma_allows():
    g = np.array([0.01, 0.03, 0.04, 0.1])
    np.testing.assert_allclose(study.homogeneous_widths(g, "type-ii"), [0.005, 0.015, 0.02, 0.02])


def test_formula_column_and_early_limit(ds):
    for label, preset in study.PRESETS:
        s = models.presets.get(preset)
        np.testing.assert_allclose(
            ds.threshold_formula.sel(sample=label),
            models.single_exciton_threshold(s.delta_xx, ds.linewidth.values), rtol=1e-12)
    # Delta >> Gamma, t -> 0: gain at E_X needs p1/2 > p0, i.e. <N> > 2 (Poisson); at 3 ps
    # a little decay lowers it.
    early = float(ds.threshold.sel(sample="type-II", time=study.PROBE_TIME, probe="E_X",
                                   loss_fraction=0.0)[0])
    assert 1.9 < early < 2.0


def test_single_exciton_gain_is_lost_where_the_formula_says(ds):
    # The band-edge gain condition with the exact populations at the search limit brackets
    # the sweep's cut-off: last Gamma with gain <= Gamma_c <= first Gamma without.
    for label in ("type-II", "type-I"):
        sel = ds.sel(sample=label)
        assert np.isfinite(float(sel.first_linewidth_without_gain))
        assert (float(sel.last_linewidth_with_gain) <= float(sel.cutoff_linewidth_exact_p12)
                <= float(sel.first_linewidth_without_gain))
    rows = _report.study_rows(study, ds)
    assert len(rows) == 7 + (2 if study.has_cw() else 0) and all(set(r) == {"quantity", "paper", "ncgain", "agreement"}
                                  for r in rows)
    assert "Gamma_c" in _report.study_notes(study, ds)
    if study.has_cw():
        # The c.w. sweep ran through the machinery too, one value per (sample, Gamma, probe, loss).
        assert ds.cw_threshold.dims == ("sample", "linewidth", "probe", "loss_fraction")
        assert int(ds.attrs["cw"]) == 1


def test_quick_sweep_is_serial_and_full_uses_a_cluster(monkeypatch):
    calls = []
    real = sw.run

    def spy(definition, store, **kw):
        calls.append(kw.get("scheduler"))
        return real(definition, store, **{**kw, "scheduler": "serial"})

    class FakeCluster:
        def __init__(self, workers):
            calls.append(("cluster", workers))

        def __enter__(self):
            return "client"

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(study, "linewidths", lambda quick: np.array([0.05, 0.1]))
    monkeypatch.setattr(sw, "run", spy)
    monkeypatch.setattr(sw, "local_cluster", FakeCluster)
    n = 4 if study.has_cw() else 2  # a threshold (and c.w.) sweep per preset
    study.run(quick=True)
    assert calls == ["serial"] * n
    calls.clear()
    study.run(quick=False)
    assert calls == [("cluster", min(2, sw.available_cores()))] + ["client"] * n


def test_the_any_probe_reaches_the_xx_line_and_the_cut_grid_did_not(ds):
    # The criterion: E_X + Delta_XX outside the thresholds' 'any' grid. Since that grid
    # spans every band-edge line (not only where alpha_0 >= 1e-12 of its peak), no point.
    flag = ds.xx_line_outside_probe_grid
    assert flag.attrs["units"] == "1" and "upper bound" in flag.attrs["description"]
    xx = ds.delta_xx + np.array([models.presets.get(p).exciton_energy for _, p in study.PRESETS])
    assert (flag.values == (xx > ds.probe_grid_top).values.astype(int)).all()
    assert flag.sum() == 0
    # The cause of the former Gamma <= 15 meV jump, computed (scripts/linewidth_probe_range.py):
    # the grid cut at alpha_0 = 1e-12 alpha_0(peak) (bleach grid) gives 2.34 at 10 meV, a
    # 4x finer cut grid the same, a grid widened to the XX line the plateau of wider lines,
    # which is what the study now reports.
    import importlib.util
    from pathlib import Path
    path = Path(__file__).resolve().parents[2] / "scripts" / "linewidth_probe_range.py"
    spec = importlib.util.spec_from_file_location("linewidth_probe_range", path)
    probe = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(probe)
    from ncgain.kinetics import observables
    from ncgain.kinetics.pulsed import PulsedProblem
    s = dataclasses.replace(study.base_sample("type-ii"), linewidth=0.010,
                            homogeneous_linewidth=0.005)
    default = observables.default_energies(models.build_state_table(s, s.degeneracy),
                                           resolvable=True)
    problem = PulsedProblem.build(s, [study.PROBE_TIME], energies=[s.exciton_energy],
                                  max_mean_excitons=study.SEARCH_LIMIT,
                                  method="master-equation", energies_name="energy",
                                  need_bleach=False, n_levels=200)
    at = ds.threshold.sel(sample="type-II", time=study.PROBE_TIME, probe="any",
                          loss_fraction=study.DETECTABLE_GAIN)
    here, plateau = float(at.sel(linewidth=0.010)), float(at.sel(linewidth=0.030))
    n_default, _ = probe.threshold(problem, default, 0)
    n_finer, _ = probe.threshold(problem, np.linspace(default[0], default[-1], 4 * default.size), 0)
    widened = np.arange(default[0], s.exciton_energy + s.delta_xx + 0.05, default[1] - default[0])
    n_wide, e_wide = probe.threshold(problem, widened, 0)
    assert n_default > 2 * plateau and abs(n_finer - n_default) < 1e-3
    assert abs(n_wide - plateau) < 1e-3 and abs(here - n_wide) < 1e-3
    assert abs(e_wide - (s.exciton_energy + s.delta_xx)) < 0.005
