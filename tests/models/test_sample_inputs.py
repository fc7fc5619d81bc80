"""Sample inputs: every field type-checked, JSON and TOML files, errors name file and field
(issue 12, item 8)."""

import dataclasses
import json

import numpy as np
import pytest

from ncgain import models
from ncgain.models import Sample
from ncgain import cli

BASE = dict(name="t", exciton_energy=2.0, delta_xx=0.1, linewidth=0.05, tau_x=1000.0,
            tau_xx=50.0, sigma_pump=1e-15, pump_energy=3.0)
SUB = Sample(**BASE)


@pytest.mark.parametrize("field, value, fragment", [
    ("components", [1, 2], "components[0] must be a (weight, Sample) pair"),
    ("components", [[0.5]], "components[0] must be a (weight, Sample) pair"),
    ("components", 3, "components must be a sequence"),
    ("components", [(0.5, "type-ii"), (0.5, SUB)], "components[0] must be a (weight, Sample)"),
    ("components", [(True, SUB)], "components[0] weight must be a real number"),
    ("description", 42, "description must be a string"),
    ("description", "x" * 300_000, "description must be a string of at most 20000"),
    ("name", "n" * 1000, "name must be a non-empty string of at most 200"),
    ("tau_x", 1000 + 0j, "tau_x must be a real number"),
    ("tau_x", True, "tau_x must be a real number"),
    ("delta_xx", np.bool_(True), "delta_xx must be a real number"),
    ("linewidth", "0.05", "linewidth must be a real number"),
    ("homogeneous_lineshape", ["gaussian"], "homogeneous_lineshape = ['gaussian'] is not one of"),
    ("radiative_scaling", {"a": 1}, "radiative_scaling = {'a': 1} is not one of"),
    ("degeneracy", 2.0, "degeneracy = 2.0 is outside the allowed range"),
])
def test_every_field_is_type_checked(field, value, fragment):
    with pytest.raises(ValueError) as info:
        Sample(**{**BASE, field: value})
    assert fragment in str(info.value)
    assert len(str(info.value)) < 400


def test_numpy_real_numbers_are_accepted():
    s = Sample(**{**BASE, "tau_x": np.float64(1000.0), "tau_xx": np.int64(50)})
    assert s.tau_x == 1000.0 and s.tau_xx == 50.0


def test_json_and_toml_files_both_work_in_the_cli(tmp_path):
    mix = dataclasses.replace(SUB, components=((0.5, SUB), (0.5, dataclasses.replace(
        SUB, exciton_energy=2.05))))
    (tmp_path / "s.json").write_text(mix.to_json())
    (tmp_path / "s.toml").write_text('preset = "type-i"\nname = "mine"\ntau_xx = 45.0\n')
    assert Sample.from_file(tmp_path / "s.json") == mix
    for name in ("s.json", "s.toml"):
        assert cli.main(["simulate", "--sample", str(tmp_path / name), "--mean-excitons", "1",
                         "--times", "0,10", "--method", "master-equation", "--quiet",
                         "--out", str(tmp_path / f"{name}.nc")]) == 0


@pytest.mark.parametrize("filename, content, fragments", [
    ("d.toml", "preset = \"type-ii\"\ntau_x = 1979-05-27\n", ["d.toml", "tau_x", "date"]),
    ("b.toml", b"\x89PNG\r\n\x1a\n\x00\x00binary", ["b.toml", "not a text file"]),
    ("b.json", b"\xff\xfe\x00binary", ["b.json", "not a text file"]),
    ("s.toml", "tau_x = [1, 2\n", ["s.toml", "not valid TOML"]),
    ("s.json", "{\"tau_x\": ", ["s.json", "not valid JSON"]),
    ("l.json", "[1, 2]", ["l.json", "must hold a table of Sample fields"]),
    ("c.json", json.dumps({**BASE, "components": [1, 2]}), ["c.json", "components[0]"]),
    ("c2.toml", "preset = \"type-ii\"\ncomponents = [[0.5]]\n", ["c2.toml", "components[0]"]),
    ("w.toml", "preset = \"type-ii\"\ndescription = 5\n", ["w.toml", "description"]),
    ("p.toml", "preset = 3\n", ["p.toml", "preset"]),
    ("u.json", json.dumps({**BASE, "colour": "red"}), ["u.json", "colour"]),
    ("z.toml", "preset = \"type-ii\"\ntau_x = -5.0\n", ["z.toml", "tau_x = -5.0"]),
])
def test_bad_sample_files_name_the_file_and_the_field(tmp_path, capsys, filename, content,
                                                      fragments):
    path = tmp_path / filename
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    with pytest.raises(ValueError) as info:
        Sample.from_file(path)
    for fragment in fragments:
        assert fragment in str(info.value)
    assert cli.main(["simulate", "--sample", str(path), "--mean-excitons", "1", "--times", "0",
                     "--quiet", "--out", str(tmp_path / "x.nc")]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and filename in err and "Traceback" not in err
