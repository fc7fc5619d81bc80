"""The command line's units (--loss in cm^-1, --loss-fraction), --film, --preset help,
progress bars, and the assumptions printed under every prediction (issue 18)."""

import dataclasses
import re
import subprocess
import sys

import numpy as np
import pytest
import xarray as xr

from ncgain import cli, kinetics, models
from ncgain.cli import _args, field

TYPE_II = models.presets.TYPE_II_CDS_ZNSE
CLOSE = models.Film.close_packed()
SCALE = CLOSE.confinement_factor * CLOSE.absorption_coefficient   # cm^-1 per alpha_0(peak)

#: The lines every prediction's assumptions must contain.
ASSUMPTION_KEYS = ("state model: two-channel band edge",
                   "radiative law: k_rad(n) = s_rad(n) / tau_x, radiative_scaling = 'einstein'",
                   "Auger law: k_A(n) = s_A(n) / tau_A, auger_scaling = 'statistical'",
                   "tau_xx = 130 ps is the measured total biexciton lifetime",
                   "sigma_pump = 2.403e-16 cm^2 at 3 eV: the presets' assumption")


def _assumptions(out: str) -> list[str]:
    assert "assumptions:" in out, out
    return [line.strip() for line in out.split("assumptions:", 1)[1].splitlines()]


def _threshold_value(out: str) -> str:
    return re.search(r"<N> = ([0-9.]+)", out).group(1)


def test_loss_is_cm1_everywhere_and_loss_fraction_is_alpha0_units(capsys):
    # --loss 50 (cm^-1, in the close-packed film) == --loss-fraction 50/(0.5*5300) == the
    # close-packed film itself (loss 50 cm^-1), and equals the library call.
    outs = {}
    for args in (["--loss", "50"], ["--loss-fraction", repr(50 / SCALE)],
                 ["--film", "close-packed"]):
        assert cli.main(["threshold", "--energy", "any", *args]) == 0
        outs[args[0]] = capsys.readouterr().out
    expected = kinetics.gain_threshold(TYPE_II, time=3.0, energy="any", loss=50 / SCALE)
    for out in outs.values():
        assert _threshold_value(out) == f"{float(expected):.4f}"
    assert "loss = 50 cm^-1 -> net gain needed = 0.01887 alpha_0(peak)" in outs["--loss"]
    assert "(--loss-fraction; no film)" in outs["--loss-fraction"]
    assert "lasing (net modal gain) threshold" in outs["--film"]
    # A loss in cm^-1 is not a fraction: 0.05 cm^-1 is a far lower threshold than 0.05 alpha_0.
    assert cli.main(["threshold", "--energy", "any", "--loss", "0.05"]) == 0
    low = float(_threshold_value(capsys.readouterr().out))
    assert low < float(kinetics.gain_threshold(TYPE_II, time=3.0, energy="any", loss=0.05))


@pytest.mark.parametrize("command", [
    ["threshold", "--loss", "50", "--loss-fraction", "0.01"],
    ["threshold", "--cw", "--loss", "50", "--loss-fraction", "0.01"],
    ["sweep", "--vary", "linewidth=0.05", "--out", "x", "--loss", "50", "--loss-fraction", "0"],
    ["lase", "--q", "1e3", "--generation-rate", "0.01", "--times", "0,10", "--out", "x.nc",
     "--loss", "50", "--loss-fraction", "0.01"],
    ["ase", "--fluence", "1", "--out", "x.nc", "--loss", "50", "--loss-fraction", "0.01"],
])
def test_loss_and_loss_fraction_together_are_refused(command, capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(command)
    assert exc.value.code == 2
    assert "argument --loss-fraction: not allowed with argument --loss" in capsys.readouterr().err


def test_loss_and_loss_fraction_refused_as_one_line_from_the_console():
    r = subprocess.run([sys.executable, "-m", "ncgain.cli", "threshold", "--loss", "50",
                        "--loss-fraction", "0.01"], capture_output=True, text=True)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.strip().splitlines() == [
        "ncgain threshold: error: argument --loss-fraction: not allowed with argument --loss"]


def test_help_states_the_loss_units():
    parser = cli.build_parser()
    sub = parser._subparsers._group_actions[0].choices
    for name in ("threshold", "sweep", "lase", "ase"):
        text = " ".join(sub[name].format_help().split())
        assert "--loss" in text and "in cm^-1" in text, name
        assert "--loss-fraction" in text and "alpha_0(peak)" in text, name


def test_lase_ase_loss_fraction_sets_the_film_loss():
    parser = cli.build_parser()
    base = ["ase", "--fluence", "1", "--out", "x.nc"]
    film = field._photon_film(parser.parse_args(base + ["--loss-fraction", "0.04"]))
    assert film.loss == pytest.approx(0.04 * SCALE) and film.loss_fraction() == pytest.approx(0.04)
    film = field._photon_film(parser.parse_args(base + ["--loss-fraction", "0.04",
                                                        "--alpha0", "1000"]))
    assert film.loss == pytest.approx(0.04 * 0.5 * 1000)
    assert field._photon_film(parser.parse_args(base + ["--loss", "20"])).loss == 20.0
    with pytest.raises(ValueError, match="either --film"):
        field._photon_film(parser.parse_args(base + ["--film", "close-packed",
                                                     "--loss-fraction", "0.1"]))


def test_sweep_takes_film_and_loss_in_cm1(tmp_path, capsys):
    parser = cli.build_parser()
    base = ["sweep", "--vary", "linewidth=0.05", "--out", str(tmp_path / "s")]
    loss, film, _ = _args._threshold_loss(parser.parse_args(base + ["--film", "close-packed"]),
                                          many=True)
    assert loss == [CLOSE.loss_fraction()] and film == CLOSE
    loss, _, note = _args._threshold_loss(parser.parse_args(base + ["--loss", "0,50"]),
                                          many=True)
    assert loss == [0.0, 50 / SCALE] and "cm^-1" in note
    film_file = tmp_path / "film.toml"
    film_file.write_text("absorption_coefficient = 4000.0\nconfinement_factor = 0.5\n"
                         "loss = 100.0\n")
    assert cli.main(base + ["--film", str(film_file), "--scheduler", "serial", "--time", "3",
                            "--no-progress"]) == 0
    assert "loss: film" in capsys.readouterr().out
    with xr.open_dataset(tmp_path / "s" / "sweep.nc") as ds:
        # The loss as given (cm^-1), and the net gain it needs: 100 / (0.5 * 4000).
        assert ds.loss.values.tolist() == [100.0] and ds.loss.attrs["units"] == "cm-1"
        assert ds.loss_fraction.values.tolist() == [0.05]
        assert ds.loss_fraction.dims == ("loss",) and ds.loss_fraction.attrs["units"] == "1"
        direct = kinetics.gain_threshold(dataclasses.replace(TYPE_II, linewidth=0.05), time=3.0, loss=0.05)
        np.testing.assert_allclose(float(ds.threshold.squeeze()), float(direct), rtol=1e-12)


def test_preset_help_lists_every_preset():
    parser = cli.build_parser()
    sub = parser._subparsers._group_actions[0].choices
    for name in ("simulate", "threshold", "sweep", "lase", "ase"):
        text = "".join(sub[name].format_help().split())
        for preset in models.presets.names():
            assert "".join(preset.split()) in text, (name, preset)
    assert "type-i-fine-structure" in models.presets.names()


@pytest.mark.parametrize("argv, expected", [
    ([], False),                       # pytest's stderr is not a terminal: no bar
    (["--progress"], True), (["--no-progress"], False), (["--quiet"], False),
])
def test_progress_only_on_a_terminal_unless_asked(argv, expected):
    parser = cli.build_parser()
    for cmd in (["ase", "--fluence", "1", "--out", "x.nc"],
                ["lase", "--q", "1e3", "--generation-rate", "0.01", "--times", "0,1",
                 "--out", "x.nc"],
                ["sweep", "--vary", "linewidth=0.05", "--out", "x"],
                ["simulate", "--mean-excitons", "1", "--times", "0", "--out", "x.nc"]):
        assert _args._show_progress(parser.parse_args(cmd + argv)) is expected, cmd
    if "--quiet" not in argv:
        args = parser.parse_args(["reproduce", *argv])
        assert _args._show_progress(args) is expected


def test_progress_default_follows_the_terminal(monkeypatch):
    args = cli.build_parser().parse_args(["ase", "--fluence", "1", "--out", "x.nc"])
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert _args._show_progress(args) is True


def test_threshold_prints_the_assumptions_in_full(capsys):
    assert cli.main(["threshold", "--statistics", "single"]) == 0
    lines = _assumptions(capsys.readouterr().out)
    for key in ASSUMPTION_KEYS:
        assert any(line.startswith(key) for line in lines), key
    assert "no loss: a gain threshold (net gain > 0)" in lines
    assert "method: exact master equation of the exciton-number chain (no sampling error)" \
        in lines
    assert not any("Monte Carlo" in line for line in lines)
    assert "pump statistics: single excitation (the paper's idealization)" in lines


def test_threshold_cw_flags_an_intensity_above_the_photostability_limit(capsys):
    from ncgain.studies import _photostability
    assert cli.main(["threshold", "--cw", "--film", "close-packed"]) == 0
    out = capsys.readouterr().out
    lines = _assumptions(out)
    for key in ASSUMPTION_KEYS:
        assert any(line.startswith(key) for line in lines), key
    film = models.Film.close_packed()
    intensity = float(kinetics.pump_intensity(float(kinetics.cw_threshold(TYPE_II, film=film)),
                                              TYPE_II)[0])
    ratio = intensity / _photostability.PHOTOSTABILITY_LIMIT
    assert ratio > 100   # the c.w. lasing threshold of type-II is far above the assumed limit
    warning = [line for line in lines if line.startswith("WARNING")]
    assert len(warning) == 1 and f"is {ratio:.3g}x the photostability limit" in warning[0]


def test_user_sample_sigma_pump_source_is_named(tmp_path, capsys):
    toml = tmp_path / "mine.toml"
    toml.write_text('preset = "type-ii"\nsigma_pump = 1e-15\n')
    assert cli.main(["threshold", "--sample", str(toml), "--statistics", "single"]) == 0
    lines = _assumptions(capsys.readouterr().out)
    assert "sigma_pump = 1e-15 cm^2 at 3 eV: given by the sample" in lines
    toml.write_text('preset = "type-ii"\ntau_xx = 100.0\ntau_xx_meaning = "auger"\n')
    assert cli.main(["threshold", "--sample", str(toml), "--statistics", "single"]) == 0
    lines = _assumptions(capsys.readouterr().out)
    assert any(line.startswith("tau_xx = 100 ps is the biexciton Auger time") for line in lines)
