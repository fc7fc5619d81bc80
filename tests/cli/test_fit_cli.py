"""``ncgain fit`` on small synthetic data: printout, outputs, bad input -> one line, exit 2."""

import subprocess
import sys

import numpy as np
import pytest
import xarray as xr

from ncgain import cli, kinetics, models

TRUTH = models.presets.TYPE_II_CDS_ZNSE


@pytest.fixture()
def files(tmp_path):
    """A noisy bleach dataset of the type-II preset and a wrong starting sample as TOML."""
    ds = kinetics.simulate_pulsed(TRUTH, [0.5, 1.5], [3.0, 100.0, 1000.0],
                                  energies=np.linspace(2.0, 2.2, 11),
                                  method="master-equation")[["bleach"]]
    rng = np.random.default_rng(4)
    ds["bleach"] = ds.bleach + 0.01 * rng.standard_normal(ds.bleach.shape)
    ds.bleach.attrs["units"] = "1"
    ds["bleach_sigma"] = ds.bleach * 0 + 0.01
    ds.bleach_sigma.attrs["units"] = "1"
    data = tmp_path / "data.nc"
    ds.to_netcdf(data)
    start = tmp_path / "start.toml"
    start.write_text('preset = "type-ii"\ndelta_xx = 0.09\nlinewidth = 0.05\n')
    return data, start, tmp_path


def test_fit_prints_values_with_units_chi2_and_writes_nc_and_toml(files, capsys):
    data, start, tmp = files
    out = tmp / "fit.nc"
    assert cli.main(["fit", str(data), "--sample", str(start), "--vary",
                     "delta_xx=0.05:0.15", "--vary", "linewidth=0.03:0.09",
                     "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "delta_xx = 0.10" in text and " eV" in text and "+-" in text
    assert "chi2 = " in text and "reduced chi2 = " in text
    assert "every varied parameter is determined by the data" in text
    with xr.open_dataset(out) as ds:
        assert {"bleach", "bleach_model", "bleach_residual"} <= set(ds.data_vars)
        value, sigma = ds.attrs["fitted_delta_xx"], ds.attrs["stderr_delta_xx"]
        assert ds.attrs["units_delta_xx"] == "eV"
    assert abs(value - TRUTH.delta_xx) < 3 * sigma
    fitted = models.Sample.from_toml(tmp / "fit.toml")
    assert fitted.delta_xx == pytest.approx(value, rel=1e-12)
    assert fitted.tau_xx == TRUTH.tau_xx                    # not varied: the start's
    assert fitted.name == "fitted to data.nc" and "delta_xx = 0.10" in fitted.description


def test_undetermined_parameter_is_reported_as_such(files, capsys):
    data, start, tmp = files
    assert cli.main(["fit", str(data), "--sample", str(start), "--vary",
                     "delta_xx=0.05:0.15", "--vary", "temperature=200:400",
                     "--out", str(tmp / "fit.nc")]) == 0
    text = capsys.readouterr().out
    assert "temperature = 300 K: NOT DETERMINED by the data" in text
    with xr.open_dataset(tmp / "fit.nc") as ds:
        assert "temperature" in ds.attrs["undetermined"]


def test_posterior_draws_in_the_output(files, capsys):
    data, start, tmp = files
    assert cli.main(["fit", str(data), "--preset", "type-ii", "--vary", "delta_xx=0.05:0.15",
                     "--posterior", "--walkers", "4", "--steps", "10", "--burn", "2",
                     "--seed", "3", "--out", str(tmp / "post.nc")]) == 0
    assert "posterior (4 walkers x 10 steps)" in capsys.readouterr().out
    with xr.open_dataset(tmp / "post.nc") as ds:
        assert ds.posterior_delta_xx.sizes["draw"] == 4 * 8
        assert ds.posterior_delta_xx.attrs["units"] == "eV"
        assert ds.attrs["posterior_seed"] == 3


@pytest.mark.parametrize("args, fragment", [
    (["--vary", "delta_xx=0.15:0.05"], "--vary delta_xx=0.15:0.05: the low bound 0.15"),
    (["--vary", "delta_xx"], "--vary delta_xx: expected NAME=LOW:HIGH"),
    (["--vary", "delta_xx=a:b"], "'a' is not a number"),
    (["--vary", "delta_xx=0.05:0.1", "--vary", "delta_xx=0.05:0.2"], "given twice"),
    (["--vary", "no_such_field=0:1"], "no_such_field"),
    (["--vary", "linewidth=-1:0.1"], "linewidth"),
    (["--vary", "delta_xx=0.05:0.15", "--nuisance", "warp=1"], "warp"),
    (["--vary", "delta_xx=0.05:0.15", "--steps", "0"], "--steps 0"),
    (["--vary", "delta_xx=0.05:0.15", "--sigma", "-1"], "--sigma -1"),
])
def test_bad_arguments_one_line_exit_2(files, capsys, args, fragment):
    data, start, tmp = files
    out = tmp / "bad.nc"
    assert cli.main(["fit", str(data), "--sample", str(start), *args,
                     "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("ncgain fit: error:") and "\n" not in err
    assert fragment in err
    assert not out.exists() and not out.with_suffix(".toml").exists()


def test_bad_files_one_line_exit_2(files, capsys, tmp_path):
    data, start, tmp = files
    ds = xr.open_dataset(data).load()
    ds["bleach"][0, 0, 0] = np.nan
    nan_file = tmp / "nan.nc"
    ds.to_netcdf(nan_file)
    no_sigma = tmp / "nosigma.nc"
    ds.drop_vars("bleach_sigma").fillna(0.0).to_netcdf(no_sigma)
    for argv, fragment in (
            ([str(tmp / "missing.nc"), "--sample", str(start)], "no such file"),
            ([str(data), "--sample", str(tmp / "missing.toml")], "no such file"),
            ([str(nan_file), "--sample", str(start)], "NaN"),
            ([str(no_sigma), "--sample", str(start)], "sigma"),
            ([str(data), "--sample", str(start), "--out", str(tmp / "x.txt")], ".nc")):
        if "--out" not in argv:
            argv = argv + ["--out", str(tmp / "o.nc")]
        assert cli.main(["fit", *argv, "--vary", "delta_xx=0.05:0.15"]) == 2, argv
        err = capsys.readouterr().err.strip()
        assert err.startswith("ncgain fit: error:") and "\n" not in err, err
        assert fragment in err, (fragment, err)


def test_console_exit_code_and_message(files):
    data, start, tmp = files
    r = subprocess.run([sys.executable, "-m", "ncgain.cli", "fit", str(data), "--sample",
                        str(start), "--vary", "delta_xx=0.2:0.1", "--out", str(tmp / "o.nc")],
                       capture_output=True, text=True)
    assert r.returncode == 2
    assert r.stderr.strip().count("\n") == 0 and "low bound" in r.stderr
