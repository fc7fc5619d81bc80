import dataclasses
import json

import pytest

from ncgain import models
from ncgain.models import Sample

BASE = dict(name="test", exciton_energy=2.0, delta_xx=0.05, linewidth=0.05, tau_x=1000.0,
            tau_xx=50.0, sigma_pump=1e-15, pump_energy=3.0)


def test_replace_and_frozen():
    s = Sample(**BASE)
    t = dataclasses.replace(s, delta_xx=-0.01)
    assert t.delta_xx == -0.01 and s.delta_xx == 0.05
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.delta_xx = 1.0  # type: ignore[misc]


@pytest.mark.parametrize("field, value, fragment", [
    ("exciton_energy", 0.0, "exciton_energy = 0.0"),
    ("exciton_energy", float("nan"), "exciton_energy must be finite"),
    ("delta_xx", 5.0, "delta_xx = 5.0"),
    ("linewidth", 0.0, "linewidth = 0.0"),
    ("linewidth", -0.1, "linewidth = -0.1"),
    ("tau_x", 0.0, "tau_x = 0.0"),
    ("tau_xx", -1.0, "tau_xx = -1.0"),
    ("sigma_pump", 0.0, "sigma_pump = 0.0"),
    ("pump_energy", float("inf"), "pump_energy must be finite"),
    ("homogeneous_linewidth", 0.05, "homogeneous_linewidth = 0.05"),
    ("homogeneous_linewidth", -0.01, "homogeneous_linewidth = -0.01"),
    ("homogeneous_lineshape", "cauchy", "homogeneous_lineshape = 'cauchy'"),
    ("degeneracy", 0, "degeneracy = 0"),
    ("degeneracy", 2.0, "degeneracy = 2.0"),
    ("stokes_shift", 3.0, "stokes_shift = 3.0"),
    ("radiative_scaling", "quadratic", "radiative_scaling = 'quadratic'"),
    ("auger_scaling", "cubic", "auger_scaling = 'cubic'"),
    ("name", "", "name must be"),
])
def test_invalid_fields_raise_naming_field_and_range(field, value, fragment):
    with pytest.raises(ValueError) as info:
        Sample(**{**BASE, field: value})
    assert fragment in str(info.value)


def test_range_is_named_in_message():
    with pytest.raises(ValueError, match=r"allowed range \(0, 2\]"):
        Sample(**{**BASE, "linewidth": 3.0})


def test_lorentzian_allows_any_positive_homogeneous_width():
    s = Sample(**BASE, homogeneous_lineshape="lorentzian", homogeneous_linewidth=0.2)
    assert s.inhomogeneous_linewidth == s.linewidth
    with pytest.raises(ValueError, match="homogeneous_linewidth = 0.0"):
        Sample(**BASE, homogeneous_lineshape="lorentzian", homogeneous_linewidth=0.0)


def test_gaussian_ensemble_width_convention():
    s = Sample(**{**BASE, "linewidth": 0.05}, homogeneous_linewidth=0.03)
    assert s.inhomogeneous_linewidth == pytest.approx(0.04, rel=1e-15)


def test_rates_follow_named_scalings():
    s = Sample(**BASE, tau_xx_meaning="auger")   # k_A(n) = s_A(n) / tau_xx
    # Default "einstein": k_rad proportional to the emission strength min(n, g)/g
    # (v1's default was "statistical" min(n, g)^2, still available below).
    assert [s.radiative_rate(n) * s.tau_x for n in range(5)] == [0, 1, 2, 2, 2]
    stat = dataclasses.replace(s, radiative_scaling="statistical")
    assert [stat.radiative_rate(n) * s.tau_x for n in range(5)] == [0, 1, 4, 4, 4]
    assert [s.auger_rate(n) * s.tau_xx for n in range(5)] == [0, 0, 1, 4.5, 12]
    lin = dataclasses.replace(s, radiative_scaling="linear", auger_scaling="pairwise")
    assert [lin.radiative_rate(n) * s.tau_x for n in range(4)] == [0, 1, 2, 2]
    assert [lin.auger_rate(n) * s.tau_xx for n in range(4)] == [0, 0, 1, 3]
    assert dataclasses.replace(s, auger_scaling="none").auger_rate(3) == 0


def test_json_round_trip_including_components():
    a = Sample(**BASE)
    b = dataclasses.replace(a, exciton_energy=2.1)
    mix = dataclasses.replace(a, components=((0.25, a), (0.75, b)))
    assert Sample.from_json(mix.to_json()) == mix
    assert json.loads(mix.to_json())["components"][1][0] == 0.75


def test_components_validated():
    a = Sample(**BASE)
    with pytest.raises(ValueError, match="weights sum to 0.5"):
        dataclasses.replace(a, components=((0.5, a),))
    with pytest.raises(ValueError, match=r"components\[0\].degeneracy"):
        dataclasses.replace(a, components=((1.0, dataclasses.replace(a, degeneracy=3)),))
    with pytest.raises(ValueError, match=r"components\[0\] weight = -1.0"):
        dataclasses.replace(a, components=((-1.0, a), (2.0, a)))


def test_from_dict_rejects_unknown_and_missing():
    with pytest.raises(ValueError, match="unknown sample field"):
        Sample.from_dict({**BASE, "colour": "red"})
    with pytest.raises(ValueError, match="incomplete sample description"):
        Sample.from_dict({"name": "x"})


def test_from_toml_with_and_without_preset(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text('preset = "type-ii"\nname = "mine"\ndelta_xx = 0.08\n')
    s = Sample.from_toml(path)
    assert (s.name, s.delta_xx, s.tau_xx) == ("mine", 0.08, models.presets.TYPE_II_CDS_ZNSE.tau_xx)
    path.write_text("\n".join(f"{k} = {v!r}" if isinstance(v, str) else f"{k} = {v}"
                              for k, v in BASE.items()).replace("'", '"'))
    assert Sample.from_toml(path) == Sample(**BASE)


def test_preset_override_without_name_says_so(tmp_path):
    preset = models.presets.TYPE_II_CDS_ZNSE
    path = tmp_path / "s.toml"
    path.write_text('preset = "type-ii"\nlinewidth = 0.08\n')
    s = Sample.from_toml(path)
    assert s.name == f"{preset.name} with linewidth = 0.08" and s.linewidth == 0.08
    path.write_text('preset = "type-ii"\nlinewidth = 0.08\ntau_xx = 45\n'
                    'homogeneous_lineshape = "lorentzian"\n')
    assert Sample.from_toml(path).name == (f"{preset.name} with linewidth = 0.08, tau_xx = 45, "
                                           'homogeneous_lineshape = "lorentzian"')
    # Nothing changed (a value equal to the preset's, a new description): the preset's name.
    path.write_text(f'preset = "type-ii"\ntau_xx = {preset.tau_xx}\ndescription = "batch 7"\n')
    assert Sample.from_toml(path).name == preset.name
    # An explicit name wins.
    path.write_text('preset = "type-ii"\nname = "batch 7"\nlinewidth = 0.08\n')
    assert Sample.from_toml(path).name == "batch 7"


def _mixture():
    a = Sample(**BASE, description='quotes " and \\ and\nnewline, tab\t, DEL \x7f, ü')
    b = dataclasses.replace(a, exciton_energy=2.1, sigma_pump=1.234567890123e-15, tau_xx=1 / 3)
    return dataclasses.replace(a, name="mix (R = 1.6 nm)", components=((0.25, a), (0.75, b)))


def _v2():
    """Band-edge v2 fields: higher transitions, hole levels, trions, None-valued fields."""
    from ncgain.models.sample import HigherTransition
    a = dataclasses.replace(
        Sample(**BASE), state_model="electron-hole", hole_levels=((0.0, 2, 0.0), (0.01, 2, 1.0)),
        temperature=77.0, resident_electrons=1, trion_auger_time=250.0,
        xx_absorption_width=0.04,
        higher_transitions=(HigherTransition(offset=0.1, strength=1.0, width=0.02,
                                             stark_shift=-0.03),
                            HigherTransition(offset=0.25, strength=0.5, width=0.03)))
    b = dataclasses.replace(a, exciton_energy=2.1, xx_absorption_width=None,
                            higher_transitions=())
    return dataclasses.replace(a, components=((0.4, a), (0.6, b)))


@pytest.mark.parametrize("sample", [models.presets.TYPE_II_CDS_ZNSE, models.presets.TYPE_I_CDSE,
                                    Sample(**BASE), _mixture(), _v2()],
                         ids=["type-ii", "type-i", "base", "size-classes", "v2-fields"])
def test_toml_round_trip(sample, tmp_path):
    path = tmp_path / "s.toml"
    text = sample.to_toml(path)
    assert path.read_text(encoding="utf-8") == text
    back = Sample.from_toml(path)
    assert back == sample
    assert back.to_json() == sample.to_json()


def test_to_toml_writes_size_classes_as_tables():
    import tomllib
    data = tomllib.loads(_mixture().to_toml())
    assert [c["weight"] for c in data["components"]] == [0.25, 0.75]
    assert data["components"][1]["exciton_energy"] == 2.1
    assert "components" not in data["components"][0]


def test_toml_components_need_a_weight(tmp_path):
    path = tmp_path / "s.toml"
    text = _mixture().to_toml().replace("weight = 0.25\n", "")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=r"components\[0\] needs a weight"):
        Sample.from_toml(path)


def test_toml_components_as_pairs(tmp_path):
    # The to_dict form, [[weight, {fields}], ...], is read too.
    a = Sample(**BASE)
    inline = "{" + ", ".join(f"{k} = {json.dumps(v)}" for k, v in BASE.items()) + "}"
    path = tmp_path / "s.toml"
    path.write_text(f"components = [[0.5, {inline}], [0.5, {inline}]]\n" + a.to_toml())
    assert Sample.from_toml(path) == dataclasses.replace(a, components=((0.5, a), (0.5, a)))


@pytest.mark.parametrize("line, fragment", [("linewidth = [1]", "linewidth must be a real number"),
                                            ("linewidth = true", "linewidth must be a real number"),
                                            ("colour = 1", "unknown sample field")])
def test_preset_override_with_bad_values_raises_value_error(line, fragment, tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(f'preset = "type-ii"\n{line}\n')
    with pytest.raises(ValueError, match=fragment):
        Sample.from_toml(path)


def test_tau_xx_is_the_total_lifetime_in_python_and_in_both_kinds_of_file(tmp_path):
    """One meaning of tau_xx: the measured total biexciton lifetime, from scratch or a preset."""
    scratch = tmp_path / "scratch.toml"
    scratch.write_text('name = "s"\nexciton_energy = 2.0\ndelta_xx = 0.05\nlinewidth = 0.05\n'
                       'tau_x = 1000.0\ntau_xx = 60.0\nsigma_pump = 1e-15\npump_energy = 3.0\n')
    based = tmp_path / "based.toml"
    based.write_text('preset = "type-ii"\ntau_xx = 60.0\n')
    samples = [Sample(**{**BASE, "tau_xx": 60.0}), Sample.from_file(scratch),
               Sample.from_file(based)]
    for s in samples:
        assert s.tau_xx_meaning == "total"
        assert s.biexciton_lifetime == pytest.approx(60.0, rel=1e-14)
        assert s.auger_time > 60.0
    # the Auger reading, said explicitly (in a file as in Python)
    auger = tmp_path / "auger.toml"
    auger.write_text(scratch.read_text() + 'tau_xx_meaning = "auger"\n')
    assert Sample.from_file(auger).auger_time == 60.0


@pytest.mark.parametrize("field, value", [("hole_levels", ((0.0, 2, 0.0), (0.01, 2, 1.0))),
                                          ("hole_degeneracy", 2)])
def test_fields_the_two_channel_model_ignores_are_refused(field, value):
    with pytest.raises(ValueError, match=f"{field} = .*no effect with state_model = "
                                         "'two-channel'"):
        Sample(**BASE, **{field: value})
    # the electron-hole model reads them
    Sample(**BASE, state_model="electron-hole", **{field: value})
