"""The installed package: one import name, immune to a user's own models.py."""

import subprocess
import sys

import ncgain


def test_version_and_entry_points():
    assert ncgain.__version__ != "unknown"
    assert ncgain.simulate_pulsed is ncgain.kinetics.simulate_pulsed
    assert ncgain.presets.TYPE_II_CDS_ZNSE.delta_xx > 0


def test_users_models_py_does_not_shadow_ncgain(tmp_path):
    # A user's working directory with files named like our subpackages.
    for name in ("models", "kinetics", "studies"):
        (tmp_path / f"{name}.py").write_text("raise ImportError('user module imported')\n")
    script = ("from ncgain import kinetics, models\n"
              "print(models.__name__, kinetics.__name__)\n")
    res = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True,
                         text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert res.stdout.split() == ["ncgain.models", "ncgain.kinetics"]
