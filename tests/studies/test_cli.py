import subprocess
import sys

import numpy as np
import pytest
import xarray as xr

from ncgain.studies import cli


def run(*args):
    return subprocess.run([sys.executable, "-m", "ncgain.studies.cli", *args], capture_output=True,
                          text=True)


def test_simulate_writes_labelled_netcdf(tmp_path):
    out = tmp_path / "run.nc"
    assert cli.main(["simulate", "--preset", "type-ii", "--mean-excitons", "0.1:3:5",
                     "--times", "0,3,100,1000", "--n-nanocrystals", "5000", "--quiet",
                     "--out", str(out)]) == 0
    with xr.open_dataset(out) as ds:
        assert ds.sizes["mean_excitons"] == 5
        np.testing.assert_allclose(ds.mean_excitons, np.linspace(0.1, 3, 5))
        assert ds.bleach.attrs["units"] == "1" and ds.energy.attrs["units"] == "eV"
        assert ds.attrs["method"] == "monte-carlo"


def test_simulate_user_sample_from_toml(tmp_path):
    toml = tmp_path / "mine.toml"
    toml.write_text('preset = "type-i"\nname = "my CdSe"\ntau_xx = 45.0\n')
    out = tmp_path / "mine.nc"
    assert cli.main(["simulate", "--sample", str(toml), "--mean-excitons", "1",
                     "--times", "0,10", "--method", "master-equation", "--quiet",
                     "--out", str(out)]) == 0
    with xr.open_dataset(out) as ds:
        assert '"tau_xx": 45.0' in ds.attrs["sample"] and ds.attrs["sample_name"] == "my CdSe"


def test_threshold_command(capsys):
    assert cli.main(["threshold", "--statistics", "single"]) == 0
    assert "<N> = 0.6767" in capsys.readouterr().out


@pytest.mark.parametrize("args, fragment", [
    (["simulate", "--mean-excitons", "1", "--times", "3,0", "--out", "x.nc"],
     "times must be strictly increasing"),
    (["simulate", "--preset", "type-x", "--mean-excitons", "1", "--times", "0", "--out", "x.nc"],
     "preset = 'type-x' is unknown"),
    (["simulate", "--mean-excitons", "a:b", "--times", "0", "--out", "x.nc"],
     "--mean-excitons = 'a:b'"),
    (["simulate", "--mean-excitons", "1", "--times", "0", "--out", "x.txt"], "must end in .nc"),
    (["simulate", "--sample", "missing.toml", "--mean-excitons", "1", "--times", "0",
      "--out", "x.nc"], "no such file"),
    (["simulate", "--mean-excitons", "1"], "required"),
    (["threshold", "--energy", "blue"], "--energy 'blue'"),
    (["frobnicate"], "invalid choice"),
])
def test_bad_arguments_one_line_exit_2(args, fragment, tmp_path):
    res = subprocess.run([sys.executable, "-m", "ncgain.studies.cli", *args], capture_output=True,
                         text=True, cwd=tmp_path)
    assert res.returncode == 2
    assert "Traceback" not in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1 and fragment in res.stderr


def test_help():
    res = run("--help")
    assert res.returncode == 0 and "reproduce" in res.stdout and "simulate" in res.stdout


def test_threshold_cw_prints_intensity_rate_and_assumptions(capsys, tmp_path):
    from ncgain import kinetics, models
    assert cli.main(["threshold", "--cw", "--preset", "type-ii"]) == 0
    out = capsys.readouterr().out
    th = kinetics.cw_threshold(models.presets.TYPE_II_CDS_ZNSE)
    i = float(kinetics.pump_intensity(th, models.presets.TYPE_II_CDS_ZNSE)[0])
    assert f"{i:.4g} W cm^-2" in out and f"G = {float(th):.4g}" in out
    assert "assumptions:" in out and "no film: gain threshold" in out and "sigma_pump" in out
    film = tmp_path / "film.toml"
    film.write_text('absorption_coefficient = 4000.0\nconfinement_factor = 0.5\nloss = 100.0\n')
    assert cli.main(["threshold", "--cw", "--preset", "type-ii", "--film", str(film)]) == 0
    out = capsys.readouterr().out
    lasing = kinetics.cw_threshold(models.presets.TYPE_II_CDS_ZNSE,
                                   film=models.Film.from_file(film))
    assert "c.w. lasing threshold" in out and f"G = {float(lasing):.4g}" in out
    assert "loss = 100 cm^-1" in out and float(lasing) > float(th)


@pytest.mark.parametrize("args, message", [
    (["--cw", "--film", "missing.toml"], "no such file"),
    (["--cw", "--time", "3"], "steady state"),
    (["--cw", "--loss", "0.1", "--film", "close-packed"], "either --loss or --film"),
    (["--film", "close-packed"], "--film needs --cw"),
    (["--cw", "--loss", "5"], "no steady-state net gain"),
])
def test_threshold_cw_bad_arguments(args, message, capsys):
    assert cli.main(["threshold", *args]) == 2
    assert message in capsys.readouterr().err
