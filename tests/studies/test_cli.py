import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from ncgain import kinetics, models
from ncgain import cli


def run(*args):
    return subprocess.run([sys.executable, "-m", "ncgain.cli", *args], capture_output=True,
                          text=True)


def main_exit(args, capsys):
    """``cli.main(args)`` in this process: (exit status, stdout, stderr), also when
    argparse ends it with SystemExit (usage errors, --help, --version)."""
    capsys.readouterr()
    try:
        code = cli.main(list(args))
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


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
    # Default delay 3 ps, as documented (README, docs/validation.md, the paper's Fig. 5d).
    assert cli.main(["threshold", "--statistics", "single"]) == 0
    out = capsys.readouterr().out
    expected = kinetics.gain_threshold(models.presets.TYPE_II_CDS_ZNSE, time=3.0,
                                       statistics="single")
    assert f"<N> = {float(expected):.4f}" in out and "t = 3 ps" in out
    assert f"E = {expected.energy:.4f} eV" in out


def test_threshold_time_default_is_the_documented_3_ps():
    assert cli.THRESHOLD_TIME == 3.0   # used when --time is not given (test above: "t = 3 ps")
    threshold = cli.build_parser()._subparsers._group_actions[0].choices["threshold"]
    assert "default: 3 ps" in " ".join(threshold.format_help().split())
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    assert "default 3 ps" in readme


def test_threshold_any_reports_the_energy_where_gain_appears(capsys):
    assert cli.main(["threshold", "--energy", "any", "--loss-fraction", "0.05", "--quiet"]) == 0
    out = capsys.readouterr().out
    expected = kinetics.gain_threshold(models.presets.TYPE_II_CDS_ZNSE, time=3.0, energy="any",
                                       loss=0.05)
    assert "anywhere" not in out
    assert f"gain appears at E = {expected.energy:.4f} eV" in out
    # The Poisson-pumped type-II sample's first gain at 3 ps is at the XX band, not at E_X.
    assert expected.energy > models.presets.TYPE_II_CDS_ZNSE.exciton_energy + 0.05


def test_threshold_monte_carlo_progress_bar(capsys):
    args = ["threshold", "--method", "monte-carlo", "--n-nanocrystals", "2e3"]
    assert cli.main(args + ["--progress"]) == 0
    err = capsys.readouterr().err
    assert "gain threshold (monte-carlo)" in err and "evaluation" in err
    # stderr is not a terminal under pytest: no bar by default.
    assert cli.main(args) == 0
    assert "gain threshold" not in capsys.readouterr().err


def test_gain_threshold_progress_is_off_by_default_in_the_api(capsys):
    kinetics.gain_threshold("type-ii", method="monte-carlo", n_nanocrystals=1000)
    assert capsys.readouterr().err == ""


def test_simulate_with_fluence(tmp_path):
    out = tmp_path / "f.nc"
    assert cli.main(["simulate", "--fluence", "1,2,6", "--times", "0,3", "--quiet",
                     "--method", "master-equation", "--out", str(out)]) == 0
    sample = models.presets.TYPE_II_CDS_ZNSE
    with xr.open_dataset(out) as ds:
        np.testing.assert_array_equal(ds.pump_fluence, [1.0, 2.0, 6.0])
        np.testing.assert_allclose(ds.mean_excitons,
                                   kinetics.mean_excitons_from_fluence([1.0, 2.0, 6.0], sample),
                                   rtol=1e-15)


def test_bare_ncgain_prints_help_and_exits_0():
    res = run()
    assert res.returncode == 0 and res.stderr == ""
    assert res.stdout.startswith("usage: ncgain") and "simulate" in res.stdout


def test_version(capsys):
    import ncgain
    code, out, _ = main_exit(["--version"], capsys)
    assert code == 0 and out.strip() == f"ncgain {ncgain.__version__}"


def _subparsers(parser):
    import argparse
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action.choices
    return {}


def test_every_option_has_help_with_its_default():
    import argparse
    parser = cli.build_parser()
    commands = _subparsers(parser)
    assert set(commands) >= {"reproduce", "simulate", "threshold"}
    for name, sub in commands.items():
        formatter = sub._get_formatter()
        for action in sub._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            where = f"ncgain {name} {action.option_strings}"
            assert action.help and len(action.help) > 15, where
            assert "default" in action.help or "required" in action.help, where
            if "%(default)s" in action.help:
                assert f"(default: {action.default})" in formatter._expand_help(action), where


@pytest.mark.parametrize("text, value", [("1e8", 10 ** 8), ("200000", 200_000),
                                         ("2.5e5", 250_000), ("1e12", 10 ** 12)])
def test_n_nanocrystals_accepts_whole_numbers_written_as_floats(text, value):
    for command in (["simulate", "--mean-excitons", "1", "--times", "0", "--out", "x.nc"],
                    ["threshold"]):
        args = cli.build_parser().parse_args(command + ["--n-nanocrystals", text])
        assert args.n_nanocrystals == value and isinstance(args.n_nanocrystals, int)


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
    (["threshold", "--n-nanocrystals", "1.5e0"], "--n-nanocrystals = '1.5e0' is not a whole"),
    (["threshold", "--n-nanocrystals", "1e13"], "outside the allowed range [1, 1e12]"),
    (["threshold", "--n-nanocrystals", "0"], "outside the allowed range [1, 1e12]"),
    (["threshold", "--n-nanocrystals", "many"], "--n-nanocrystals = 'many' is not a number"),
    (["threshold", "--seed", "-1"], "--seed = '-1' is outside the allowed range"),
    (["simulate", "--mean-excitons", "1", "--fluence", "2", "--times", "0", "--out", "x.nc"],
     "not allowed with argument"),
    (["simulate", "--times", "0", "--out", "x.nc"], "one of the arguments --mean-excitons "
                                                    "--fluence is required"),
    (["simulate", "--fluence", "-1", "--times", "0", "--out", "x.nc"],
     "fluence = -1.0 mJ cm^-2 is outside the allowed range [0, inf)"),
    (["simulate", "--fluence", "nan", "--times", "0", "--out", "x.nc"], "fluence = nan"),
    (["simulate", "--fluence", "1000", "--times", "0", "--out", "x.nc"],
     "fluence up to 1000.0 mJ cm^-2 gives <N> up to"),
    (["simulate", "--mean-excitons", "1", "--times", "0", "--out", "x.nc", "--quiet",
      "--progress"], "not allowed with argument"),
])
def test_bad_arguments_one_line_exit_2(args, fragment, tmp_path, monkeypatch, capsys):
    # In-process (cli.main, as the console script calls it): the process boundary itself
    # (exit status and the whole stderr of `python -m ncgain.cli`) is tested below.
    monkeypatch.chdir(tmp_path)
    code, out, err = main_exit(args, capsys)
    assert code == 2
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1 and fragment in err
    assert not (tmp_path / "x.nc").exists()


@pytest.mark.parametrize("args, fragment", [
    (["simulate", "--mean-excitons", "1", "--times", "3,0", "--out", "x.nc"],   # ValueError
     "times must be strictly increasing"),
    (["frobnicate"], "invalid choice"),                                           # argparse
])
def test_bad_arguments_one_line_exit_2_as_a_process(args, fragment, tmp_path):
    """Through the interpreter: exit status 2 and one line on the process's whole stderr
    (also nothing printed while the libraries load)."""
    res = subprocess.run([sys.executable, "-m", "ncgain.cli", *args], capture_output=True,
                         text=True, cwd=tmp_path)
    assert res.returncode == 2
    assert "Traceback" not in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1 and fragment in res.stderr


def test_help(capsys):
    code, out, _ = main_exit(["--help"], capsys)
    assert code == 0 and "reproduce" in out and "simulate" in out


def test_threshold_cw_prints_intensity_rate_and_assumptions(capsys, tmp_path):
    from ncgain import kinetics, models
    assert cli.main(["threshold", "--cw", "--preset", "type-ii"]) == 0
    out = capsys.readouterr().out
    th = kinetics.cw_threshold(models.presets.TYPE_II_CDS_ZNSE)
    i = float(kinetics.pump_intensity(th, models.presets.TYPE_II_CDS_ZNSE)[0])
    assert f"{i:.4g} W cm^-2" in out and f"G = {float(th):.4g}" in out
    assert "assumptions:" in out and "no loss: a gain threshold" in out and "sigma_pump" in out
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
    (["--loss-fraction", "0.1", "--film", "close-packed"], "either --loss-fraction or --film"),
    (["--cw", "--loss-fraction", "5"], "no steady-state net gain"),
    (["--loss", "-1"], "[0, 1e6]"),
])
def test_threshold_cw_bad_arguments(args, message, capsys):
    assert cli.main(["threshold", *args]) == 2
    assert message in capsys.readouterr().err


def test_simulate_preset_override_is_named_after_the_change(tmp_path):
    toml = tmp_path / "wide.toml"
    toml.write_text('preset = "type-ii"\nlinewidth = 0.08\n')
    out = tmp_path / "wide.nc"
    assert cli.main(["simulate", "--sample", str(toml), "--mean-excitons", "1", "--times", "0",
                     "--method", "master-equation", "--quiet", "--out", str(out)]) == 0
    with xr.open_dataset(out) as ds:
        expected = f"{models.presets.TYPE_II_CDS_ZNSE.name} with linewidth = 0.08"
        assert ds.attrs["sample_name"] == expected and expected in ds.attrs["title"]


def test_ase_monte_carlo_writes_the_stripe_dataset(tmp_path, capsys):
    out = tmp_path / "ase.nc"
    assert cli.main(["ase", "--preset", "type-ii", "--fluence", "1,2", "--times", "0,50",
                     "--length", "0.02", "--slices", "2", "--channels", "8",
                     "--method", "monte-carlo", "--n-nanocrystals", "2e3", "--seed", "3",
                     "--quiet", "--out", str(out)]) == 0
    assert "monte-carlo" in capsys.readouterr().out
    with xr.open_dataset(out) as ds:
        assert ds.attrs["method"] == "monte-carlo" and ds.attrs["seed"] == 3
        assert ds.attrs["n_nanocrystals"] == 2000
        # every fluence keeps its own step and event counts (one run, not a concat)
        assert len(json.loads(ds.attrs["n_steps"])) == 2 == ds.sizes["pump"]
        assert len(json.loads(ds.attrs["n_events"])) == 2
        assert ds.slice_population.attrs["units"] == "1"


@pytest.mark.parametrize("command", [
    ["ase", "--fluence", "2"],
    ["lase", "--q", "2500", "--generation-rate", "1e-3", "--times", "0,10"],
])
def test_monte_carlo_options_are_refused_with_the_rate_equations(tmp_path, capsys, command):
    out = tmp_path / "x.nc"
    assert cli.main([*command, "--seed", "3", "--quiet", "--out", str(out)]) == 2
    assert "--seed apply to --method monte-carlo only" in capsys.readouterr().err
    assert not out.exists()
