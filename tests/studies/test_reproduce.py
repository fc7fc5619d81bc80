"""`ncgain reproduce --quick`: every file written, and the physics read back from them."""

import numpy as np
import pytest
import xarray as xr

from ncgain import models
from ncgain import cli
from ncgain.studies import reproduce


@pytest.fixture(scope="module")
def out(reproduce_quick):
    return reproduce_quick   # one quick run, shared with tests/studies/test_figures.py


def test_every_file_is_written(out):
    for name in reproduce.STUDIES:
        assert (out / f"{name}.nc").stat().st_size > 0, name
        assert (out / f"{name}.png").stat().st_size > 1000, name
    report = (out / "report.md").read_text()
    assert "| quantity | paper | ncgain | agreement or reason |" in report
    for name in reproduce.STUDIES:
        assert f"]({name}.png)" in report
        module = reproduce.load_study(name)
        assert f"## {module.TITLE}" in report


def test_every_study_dataset_carries_the_same_provenance(out):
    from ncgain.studies._common import PROVENANCE
    for name in reproduce.STUDIES:
        with xr.open_dataset(out / f"{name}.nc") as ds:
            missing = [key for key in PROVENANCE if key not in ds.attrs]
            assert not missing, (name, missing)
            assert ds.attrs["quick"] == 1 and ds.attrs["study"] == name
            assert ds.attrs["Conventions"] == "CF-1.10"
            assert ds.attrs["ncgain_version"] == models.package_version()


def test_every_gain_criterion_is_the_close_packed_film(out):
    import json
    film = models.Film.close_packed()
    users = []
    for name in reproduce.STUDIES:
        with xr.open_dataset(out / f"{name}.nc") as ds:
            if "detectable_gain" in ds.attrs or name == "cw_threshold":
                users.append(name)
                assert models.Film.from_dict(json.loads(ds.attrs["film"])) == film, name
            if "detectable_gain" in ds.attrs:
                assert ds.attrs["detectable_gain"] == film.loss_fraction(), name
    assert {"fig5d_bleaching", "fig5a_gain_lifetime", "linewidth_sensitivity",
            "fig5_bandedge_sweep", "charging", "cw_threshold"} <= set(users)


def test_every_study_dataset_quantifies_with_pint(out):
    import cf_xarray.units as cf_units
    import pint_xarray  # noqa: F401  (registers the .pint accessor)
    for name in reproduce.STUDIES:
        with xr.open_dataset(out / f"{name}.nc") as ds:
            for var in ds.variables:
                assert ds[var].attrs.get("units"), (name, var)
            ds.pint.quantify(unit_registry=cf_units.units)


def test_preset_values_matched_to_figures_are_declared(out):
    report = (out / "report.md").read_text()
    assert "`type-ii` `tau_x` = 1700" in report and "`type-i` `tau_xx` = 30" in report


def test_fig5d_slopes_and_thresholds(out):
    with xr.open_dataset(out / "fig5d_bleaching.nc") as ds:
        assert float(ds.low_excitation_slope.sel(probe="type-II E_X")) == pytest.approx(1, abs=0.1)
        assert 0.8 < float(ds.low_excitation_slope.sel(probe="type-I gain band")) < 2.2
        assert np.isfinite(ds.threshold.sel(probe="type-I gain band"))


def test_fig1c_formula_reproduced(out):
    with xr.open_dataset(out / "fig1c_threshold.nc") as ds:
        ok = ds.delta_over_gamma > 0
        np.testing.assert_allclose(ds.threshold_single_exact.where(ok, drop=True),
                                   ds.threshold_formula.where(ok, drop=True), atol=1e-4)


def test_fig4_slopes_and_xx_decay(out):
    with xr.open_dataset(out / "fig4_xx_repulsion.nc") as ds:
        assert float(ds.slope_x) == pytest.approx(1.0, abs=0.15)
        assert float(ds.slope_xx) == pytest.approx(2.0, abs=0.15)
        assert float(ds.fit_delta_xx) == pytest.approx(0.106, abs=0.005)
        # The model's biexciton lifetime 1/(4/tau_X + 1/tau_XX), not the paper's 130 ps.
        assert float(ds.xx_decay_time) == pytest.approx(float(ds.biexciton_lifetime), rel=0.1)


def test_fig5a_gain_lifetimes(out):
    with xr.open_dataset(out / "fig5a_gain_lifetime.nc") as ds:
        decay = dict(zip(ds.curve.values.tolist(), ds.gain_decay_time.values.tolist()))
        type_i = [v for k, v in decay.items() if k.startswith("type-I ")]
        x_band = [v for k, v in decay.items() if "E_X" in k]
        assert type_i and 20.0 < type_i[0] < 50.0            # paper 30 ps
        tau_x = models.presets.TYPE_II_CDS_ZNSE.tau_x
        assert x_band and x_band[0] == pytest.approx(tau_x, rel=0.1)  # paper 1,700 ps


def test_manifest_written_last_lists_every_file(out):
    manifest = reproduce.read_manifest(out)
    assert manifest["complete"] and manifest["quick"]
    assert manifest["studies"] == list(reproduce.STUDIES)
    expected = {f"{n}.{ext}" for n in reproduce.STUDIES for ext in ("nc", "png")} | {"report.md"}
    assert set(manifest["files"]) == expected
    manifest_time = (out / reproduce.MANIFEST).stat().st_mtime_ns
    for name, entry in manifest["files"].items():
        assert (out / name).stat().st_size == entry["bytes"]
        assert (out / name).stat().st_mtime_ns <= manifest_time
    assert not [p for p in out.iterdir() if p.name.endswith((".tmp", ".lock"))]


def test_every_study_template_renders_from_its_quick_dataset(out):
    from ncgain.studies import _report
    for name in reproduce.STUDIES:
        module = reproduce.load_study(name)
        assert (_report.TEMPLATES / f"{name}.md.j2").is_file(), name
        with xr.open_dataset(out / f"{name}.nc") as ds:
            ds.load()
            rows = _report.study_rows(module, ds)
            body = _report.render_study(module, ds)
        assert rows and all(r["quantity"] and r["ncgain"] for r in rows), name
        # The report holds exactly this section body, rendered from the in-memory dataset.
        assert body in (out / "report.md").read_text(), name
        assert "{{" not in body and "{%" not in body, name


def test_a_missing_number_is_an_error_not_an_empty_cell(out):
    import jinja2
    from ncgain.studies import _report, fig4_xx_repulsion
    with xr.open_dataset(out / "fig4_xx_repulsion.nc") as ds:
        with pytest.raises(jinja2.UndefinedError):
            _report.render_study(fig4_xx_repulsion, ds.drop_vars("slope_xx_exact"))


def test_report_opens_with_the_summary_of_headline_claims(out):
    from ncgain.studies import _summary
    report = (out / "report.md").read_text()
    summary = report.index("| claim | paper | ncgain | verdict |")
    assert summary < report.index("## Fig. 1c")
    datasets = {}
    for name in reproduce.STUDIES:
        with xr.open_dataset(out / f"{name}.nc") as ds:
            datasets[name] = ds.load()
    claims = _summary.claims(datasets)
    table = report[summary:].split("\n\n", 1)[0].splitlines()[2:]
    assert len(table) == len(claims) >= 15
    # Every verdict in the table is the computed one, and the count above it agrees.
    verdicts = [line.rsplit(" | ", 1)[1].split("**")[1] for line in table]
    assert sorted(verdicts) == sorted(c["verdict"] for c in claims.values())
    n_not = sum(c["verdict"] == "not reproduced" for c in claims.values())
    assert f"**{n_not} are not reproduced**" in report
    # What the presets do not reproduce today (docs/validation.md): the quadratic type-I
    # bleach and the ~5x threshold ratio.
    assert claims["quadratic_bleach"]["verdict"] == "not reproduced"
    assert claims["threshold_ratio"]["verdict"] == "not reproduced"


def test_templates_are_package_data():
    import tomllib
    from pathlib import Path
    from ncgain.studies import _report
    root = Path(__file__).resolve().parents[2]
    data = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]
    patterns = data["package-data"]["ncgain.studies"]
    data_files = sorted(_report.TEMPLATES.glob("*")) + sorted(
        (_report.TEMPLATES.parent / "schemas").glob("*"))
    assert data_files and all(any(f.match(p) for p in patterns) for f in data_files)


def test_every_long_name_fits_a_plot_label(out):
    """Every variable of every output: long_name <= 40 characters (xarray's axis labels),
    the full text of a shortened one in its ``description``; no two variables of a
    dataset share a long name (a plot could not tell them apart)."""
    from ncgain.kinetics.output import MAX_LONG_NAME
    for path in sorted(out.glob("*.nc")):
        with xr.open_dataset(path) as ds:
            names = [v.attrs["long_name"] for v in ds.variables.values() if "long_name" in v.attrs]
            for key, var in ds.variables.items():
                assert len(var.attrs.get("long_name", "")) <= MAX_LONG_NAME, (path.name, key)
            assert names, path.name
            repeated = sorted({n for n in names if names.count(n) > 1})
            assert not repeated, (path.name, repeated)


def _declared(v) -> bool:
    # the one convention (docs/reliability.md, "NaN"): nan_meaning "does not exist: ..."
    return str(v.attrs.get("nan_meaning", "")).startswith("does not exist: ")


def undeclared_nans(ds: xr.Dataset) -> list[str]:
    """Float variables and coordinates holding NaN without a declared meaning, and any
    variable that declares a NaN the other way (a "NaN: ..." sentence in its description)
    or a ``nan_meaning`` that does not start with "does not exist: "."""
    bad = []
    for name, v in list(ds.data_vars.items()) + list(ds.coords.items()):
        if v.dtype.kind in "fc" and bool(np.isnan(v.values).any()) and not _declared(v):
            bad.append(name)
        elif "NaN:" in str(v.attrs.get("description", "")) or \
                ("nan_meaning" in v.attrs and not _declared(v)):
            bad.append(name)
    return bad


def test_the_nan_check_sees_an_undeclared_nan():
    ds = xr.Dataset({"a": ("x", [1.0, np.nan]), "b": ("x", [np.nan, 2.0], {"nan_meaning":
                                                                          "does not exist: y"}),
                     "c": ("x", [1.0, 2.0]),
                     "d": ("x", [np.nan, 2.0], {"description": "z; NaN: no z"}),
                     "e": ("x", [1.0, 2.0], {"nan_meaning": "missing"})})
    assert undeclared_nans(ds) == ["a", "d", "e"]


def test_photon_field_datasets_use_the_one_nan_convention():
    # the ase/lase outputs (kinetics.field.analysis summaries) follow the same convention;
    # a one-pump cavity and a stripe whose XX band is empty hold NaNs
    from ncgain import kinetics, models
    film = models.Film(absorption_coefficient=2000.0, confinement_factor=0.5)
    cav = kinetics.simulate_cavity("type-ii", film, models.Cavity(photon_lifetime=2.0,
                                                                    channels=8),
                                   [0.0, 200.0], generation_rate=[1e-3],
                                   method="rate-equations", energy_bins=8)
    stripe = kinetics.simulate_stripe("type-i", film, models.Stripe(length=0.01, slices=2,
                                                                     channels=8),
                                      [0.0, 30.0], fluence=[0.1], method="rate-equations")
    for ds in (cav, stripe):
        assert any(np.isnan(v.values).any() for v in ds.data_vars.values()
                   if v.dtype.kind == "f")
        assert undeclared_nans(ds) == []


def test_every_nan_in_every_dataset_is_declared(out):
    # docs/reliability.md, "NaN": a NaN means "does not exist" and says why in nan_meaning
    bad, seen = {}, 0
    for name in reproduce.STUDIES:
        with xr.open_dataset(out / f"{name}.nc") as ds:
            bad.update({f"{name}.{v}": "undeclared" for v in undeclared_nans(ds)})
            seen += sum(bool(np.isnan(v.values).any()) for v in ds.data_vars.values()
                        if v.dtype.kind == "f")
    assert not bad, bad
    assert seen >= 5    # the quick run does hold NaNs (fig5abc_ase, fig5_bandedge_sweep, ...)
