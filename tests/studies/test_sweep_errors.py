"""ncgain.sweeps: the loss units (cm^-1 or loss_fraction), old stores, threshold errors."""

import dataclasses
import json

import numpy as np
import pytest
import xarray as xr

from ncgain import kinetics, models
from ncgain import sweeps as sw
from ncgain.kinetics.output import MAX_LONG_NAME

from tests.conftest import ALPHA, Z_BOUND

TYPE_II = models.presets.TYPE_II_CDS_ZNSE
CLOSE = models.Film.close_packed()
SCALE = CLOSE.confinement_factor * CLOSE.absorption_coefficient


def _check_attrs(ds):
    for name, var in ds.variables.items():
        assert var.attrs.get("units") is not None, name
        assert 0 < len(var.attrs.get("long_name", "")) <= MAX_LONG_NAME, name
        if np.issubdtype(var.dtype, np.floating) and np.isnan(var.values).any():
            assert var.attrs["nan_meaning"].startswith("does not exist:"), name


def test_loss_in_cm1_with_a_film_keeps_its_unit_and_converts(tmp_path):
    sweep = sw.Sweep(TYPE_II, {"delta_xx": [0.1]}, "threshold",
                     options={"time": [3.0], "loss": [0.0, 50.0, 100.0], "film": "close-packed"})
    ds = sw.run(sweep, tmp_path / "cm", scheduler="serial")
    assert ds.threshold.dims == ("delta_xx", "time", "probe", "loss")
    assert ds.loss.attrs["units"] == "cm-1" and ds.loss.values.tolist() == [0.0, 50.0, 100.0]
    np.testing.assert_allclose(ds.loss_fraction.values, [0.0, 50 / SCALE, 100 / SCALE],
                               rtol=1e-15)
    sample = dataclasses.replace(TYPE_II, delta_xx=0.1)
    for loss in (50.0, 100.0):
        ref = kinetics.gain_threshold(sample, time=3.0, loss=loss / SCALE)
        assert float(ds.threshold.sel(loss=loss).squeeze()) == float(ref)
    # The same losses as fractions: the same numbers on a loss_fraction dimension.
    frac = sw.run(sw.Sweep(TYPE_II, {"delta_xx": [0.1]}, "threshold",
                           options={"time": [3.0],
                                    "loss_fraction": ds.loss_fraction.values.tolist()}),
                  tmp_path / "fraction", scheduler="serial")
    assert frac.threshold.dims[-1] == "loss_fraction" and "loss" not in frac.coords
    assert frac.loss_fraction.attrs["units"] == "1"
    np.testing.assert_array_equal(frac.threshold.values, ds.threshold.values)
    _check_attrs(ds)
    _check_attrs(frac)
    # A film alone sweeps its own loss; a custom film converts with its own Gamma_c alpha_0.
    film = {"absorption_coefficient": 4000.0, "confinement_factor": 0.5, "loss": 100.0}
    own = sw.Sweep(TYPE_II, {"delta_xx": [0.1]}, "cw-threshold", options={"film": film})
    assert own.options["loss"] == [100.0] and sw.OBSERVABLES["cw-threshold"].coords(
        own.options)["loss_fraction"][1] == [0.05]


@pytest.mark.parametrize("options, message", [
    ({"loss": [50.0]}, r"loss = \[50.0\] is a modal loss in cm\^-1 and needs film"),
    ({"loss_fraction": [0.1], "film": "close-packed"}, "not both"),
    ({"loss_fraction": [0.1], "loss": [5.0]}, "not both"),
    ({"loss": [-1.0], "film": "close-packed"}, r"loss = \[-1.0\] must be distinct values in "
                                               r"the allowed range \[0, 1e\+06\] cm\^-1"),
    ({"loss": [30000.0], "film": "close-packed"}, r"loss = 30000 cm\^-1 needs a net gain of "
                                                  r"11.32 alpha_0\(peak\)"),
    ({"loss_fraction": [11.0]}, r"loss_fraction = \[11.0\] must be distinct values in the "
                                r"allowed range \[0, 10\] units of alpha_0\(peak\)"),
    ({"loss": [1.0], "film": {"absorption_coeficient": 1.0}}, "film: unknown field"),
    ({"loss": [1.0], "film": "thin"}, "film = 'thin' must be a models.Film"),
])
def test_bad_loss_options_are_refused(options, message):
    for observable in ("threshold", "cw-threshold"):
        with pytest.raises(ValueError, match=message):
            sw.Sweep(TYPE_II, {"delta_xx": [0.1]}, observable, options=options)


def test_a_store_of_the_old_fraction_loss_is_refused_with_the_reason(tmp_path):
    sweep = sw.Sweep(TYPE_II, {"delta_xx": [0.1]}, "threshold",
                     options={"time": [3.0], "loss_fraction": [0.05]})
    sw.run(sweep, tmp_path, scheduler="serial")
    # The manifest as ncgain wrote it before loss meant cm^-1 (no loss_fraction option).
    manifest = json.loads((tmp_path / "sweep.json").read_text())
    options = manifest["definition"]["options"]
    for key in ("film", "loss_fraction"):
        del options[key]
    options["loss"] = [0.05]
    manifest["hash"] = "0" * 64
    (tmp_path / "sweep.json").write_text(json.dumps(manifest))
    with pytest.raises(ValueError, match=r"written by an earlier ncgain whose threshold option "
                                         r"loss = \[0.05\] was in units of alpha_0\(peak\) \(now "
                                         r"loss_fraction.*no threshold_stderr.*rerun with "
                                         r"loss_fraction = \[0.05\]"):
        sw.run(sweep, tmp_path, scheduler="serial")


def test_every_sweep_variable_has_units_and_a_short_long_name(tmp_path):
    spectra = sw.run(sw.Sweep(TYPE_II, {"linewidth": [0.05]}, "spectra",
                              options={"mean_excitons": [1.0], "times": [3.0],
                                       "energies": [2.0, 2.05], "method": "master-equation"}),
                     tmp_path / "s", scheduler="serial")
    _check_attrs(spectra)
    assert "description" in spectra.pl.attrs    # the long name moved there whole
    # No gain up to a small search limit: NaN stderr and energy, declared.
    none = sw.run(sw.Sweep(TYPE_II, {"linewidth": [0.05]}, "threshold",
                           options={"time": [3.0], "max_mean_excitons": 0.1}),
                  tmp_path / "t", scheduler="serial")
    assert np.isinf(none.threshold.values).all() and np.isnan(none.threshold_stderr).all()
    _check_attrs(none)


def test_monte_carlo_sweep_stderr_matches_the_seed_to_seed_spread(tmp_path):
    """threshold_stderr of a Monte Carlo sweep vs the spread of 24 independent points.

    sigma_pump does not enter the <N> threshold of a one-class sample (it only converts
    <N> to fluence), so a sweep over 24 sigma_pump values is 24 draws of one threshold
    with the sweep's own point seeds. With n seeds, (n - 1) s^2 / sigma^2 ~ chi^2(n - 1):
    s lies in sigma * sqrt(chi2.ppf([a/2, 1 - a/2], n - 1) / (n - 1)) with probability
    1 - a (a = ALPHA = 1e-8, the suite's false-alarm rate; for n = 24 that is
    [0.29, 1.96] sigma). The mean agrees with the exact threshold within
    Z_BOUND sigma / sqrt(n) plus the 1e-5 root tolerance.
    """
    from scipy import stats

    n_seeds, n_nc = 24, 10_000
    sigma_pump = (TYPE_II.sigma_pump * np.linspace(0.5, 2.0, n_seeds)).tolist()
    sweep = sw.Sweep(TYPE_II, {"sigma_pump": sigma_pump}, "threshold", seed=18,
                     options={"time": [3.0], "method": "monte-carlo",
                              "n_nanocrystals": n_nc})
    ds = sw.run(sweep, tmp_path, scheduler="serial").squeeze()
    th, se = ds.threshold.values, ds.threshold_stderr.values
    assert len(set(ds.point_seed.values.tolist())) == n_seeds
    assert np.all(se > 0) and se.std() < 0.1 * se.mean()   # one sigma at every point
    sigma = float(se.mean())
    s = float(np.std(th, ddof=1))
    lo, hi = np.sqrt(stats.chi2.ppf([ALPHA / 2, 1 - ALPHA / 2], n_seeds - 1) / (n_seeds - 1))
    assert lo * sigma < s < hi * sigma, (s, sigma, lo, hi)
    exact = kinetics.gain_threshold(TYPE_II, time=3.0)
    assert abs(th.mean() - exact) < Z_BOUND * sigma / np.sqrt(n_seeds) + 1e-5
    # The fluence and its error convert alike (F proportional to <N>, per sigma_pump).
    np.testing.assert_allclose(ds.threshold_fluence_stderr.values / ds.threshold_fluence.values,
                               se / th, rtol=1e-12)
    with xr.open_dataset(tmp_path / "sweep.nc") as disk:
        assert disk.threshold_stderr.attrs["units"] == "1"
        assert len(disk.threshold_stderr.attrs["long_name"]) <= MAX_LONG_NAME
        assert "delta-method" in disk.threshold_stderr.attrs["description"]
    # The master equation is exact: stderr 0.
    exact_sweep = sw.run(sw.Sweep(TYPE_II, {"sigma_pump": sigma_pump[:2]}, "threshold",
                                  options={"time": [3.0]}), tmp_path / "me",
                         scheduler="serial")
    assert (exact_sweep.threshold_stderr.values == 0).all()
