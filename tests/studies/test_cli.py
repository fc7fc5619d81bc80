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
