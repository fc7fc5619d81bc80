"""Every option of the photon field, Film, Cavity, Stripe and the entry points is validated.

Issue 20, item 3: one row per bad input; each must raise a ValueError whose message
names the parameter (and, where the project's checks give one, the allowed range),
before any work.
"""

import numpy as np
import pytest

from ncgain import kinetics, models

FILM = models.Film(absorption_coefficient=2000.0, confinement_factor=0.5, loss=10.0)
CAV = models.Cavity(photon_lifetime=2.0, channels=8)
STRIPE = models.Stripe(length=0.02, slices=2, channels=8)
TYPE_II = models.presets.TYPE_II_CDS_ZNSE


def _stripe(**kw):
    return kinetics.simulate_stripe("type-ii", FILM, STRIPE, [0.0, 10.0], mean_excitons=[1.0],
                                    **kw)


def _cavity(**kw):
    kw = {"generation_rate": [1e-3], "method": "rate-equations", **kw}
    return kinetics.simulate_cavity("type-ii", FILM, CAV, [0.0, 10.0], **kw)


def _nested(tmp_path, suffix, text):
    path = tmp_path / f"deep{suffix}"
    path.write_text(text)
    return path


CASES = [
    # (id, call, parameter named in the message)
    ("stripe rtol -1", lambda: _stripe(rtol=-1), r"rtol = -1\.0 is outside the allowed range"),
    ("stripe rtol nan", lambda: _stripe(rtol=float("nan")),
     r"rtol must be finite, got nan; allowed range \[1e-12, 0\.1\]"),
    ("stripe rtol inf", lambda: _stripe(rtol=float("inf")), r"inf; allowed range \[1e-12, 0\.1\]"),
    ("Film.close_packed(5)", lambda: models.Film.close_packed(5),
     r"Film\.close_packed\(5\): positional values are outside the allowed arguments: "
     r"changes by field name only, of absorption_coefficient, confinement_factor, loss"),
    ("stripe rtol 0 (scipy would clip)", lambda: _stripe(rtol=0), r"rtol = 0\.0 .*\[1e-12, 0\.1\]"),
    ("stripe rtol 10", lambda: _stripe(rtol=10), r"rtol = 10\.0 .*allowed range"),
    ("stripe rtol str", lambda: _stripe(rtol="1e-5"), r"rtol"),
    ("cavity channel_range str", lambda: models.Cavity(photon_lifetime=2.0, channel_range="ab"),
     r"channel_range = 'ab' is outside the allowed range"),
    ("cavity channel_range 3 values",
     lambda: models.Cavity(photon_lifetime=2.0, channel_range=(1.9, 2.0, 2.1)), r"channel_range"),
    ("cavity channel_range scalar", lambda: models.Cavity(photon_lifetime=2.0, channel_range=2.0),
     r"channel_range = 2\.0"),
    ("cavity channel_range reversed",
     lambda: models.Cavity(photon_lifetime=2.0, channel_range=(2.1, 1.9)), r"channel_range"),
    ("cavity channel_range 1e9 eV",
     lambda: models.Cavity(photon_lifetime=2.0, channel_range=(1.0, 1e9)), r"high <= 20"),
    ("stripe channel_range bool",
     lambda: models.Stripe(length=0.02, channel_range=(True, 2.0)), r"channel_range"),
    ("cavity name 5", lambda: models.Cavity(photon_lifetime=2.0, name=5), r"name = 5"),
    ("stripe name None", lambda: models.Stripe(length=0.02, name=None), r"name = None"),
    ("stripe name empty", lambda: models.Stripe(length=0.02, name=""), r"name = ''"),
    ("average_from str", lambda: _cavity(average_from="x"), r"average_from = 'x' ps .*\[0, 10\)"),
    ("average_from list", lambda: _cavity(average_from=[1.0]), r"average_from = \[1\.0\]"),
    ("average_from bool", lambda: _cavity(average_from=True), r"average_from = True"),
    ("average_from beyond the last time", lambda: _cavity(average_from=10.0),
     r"average_from = 10\.0"),
    ("with_resident_electrons(None)", lambda: TYPE_II.with_resident_electrons(None),
     r"fractions = None is outside the allowed range"),
    ("with_resident_electrons(0.5)", lambda: TYPE_II.with_resident_electrons(0.5),
     r"fractions = 0\.5"),
    ("with_resident_electrons on a charged mixture",
     lambda: TYPE_II.with_resident_electrons({0: 0.5, 1: 0.5}).with_resident_electrons([0.5, 0.5]),
     r"already a mixture of charge states \(resident_electrons \[1\]"),
    ("Film.from_dict(None)", lambda: models.Film.from_dict(None), r"film .*got None"),
    ("Film.from_dict(list)", lambda: models.Film.from_dict([1]), r"film .*got \[1\]"),
    ("pump_intensity(1e-3, 5)", lambda: kinetics.pump_intensity(1e-3, 5), r"sample .*got 5"),
    ("generation_rate_from_intensity(1, 5)",
     lambda: kinetics.generation_rate_from_intensity(1.0, 5), r"sample .*got 5"),
    ("simulate_cavity progress='no'", lambda: _cavity(progress="no"),
     r"progress = 'no' is outside the allowed range: True, False or None"),
    ("simulate_stripe progress='no'", lambda: _stripe(progress="no"), r"progress = 'no'"),
    ("simulate_pulsed progress='no'",
     lambda: kinetics.simulate_pulsed("type-ii", [1.0], [0.0], method="master-equation",
                                      progress="no"), r"progress = 'no'"),
    ("simulate_cw progress=1", lambda: kinetics.simulate_cw("type-ii", [1e-3], progress=1),
     r"progress = 1"),
    ("gain_threshold progress='no'", lambda: kinetics.gain_threshold("type-ii", progress="no"),
     r"progress = 'no'"),
    ("gain_threshold max_mean_excitons list",
     lambda: kinetics.gain_threshold("type-ii", max_mean_excitons=[1, 2]),
     r"max_mean_excitons = \[1, 2\] is outside the allowed range"),
    ("cavity field 'yes'", lambda: _cavity(field="yes"), r"field = 'yes'"),
    ("stripe energy_bins str", lambda: _stripe(energy_bins="x"), r"energy_bins = 'x'"),
    ("cavity dt str", lambda: _cavity(dt="x"), r"dt = 'x'"),
    ("cavity n_max float", lambda: _cavity(n_max=5.5), r"n_max = 5\.5"),
]


@pytest.mark.parametrize("call, message", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_option_is_refused_by_name(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize("suffix, text", [
    (".json", '{"a": ' * 5000 + "1" + "}" * 5000),
    (".toml", "a = " + "[" * 5000 + "]" * 5000),
])
def test_deeply_nested_files_are_refused_by_name(tmp_path, suffix, text):
    path = _nested(tmp_path, suffix, text)
    with pytest.raises(ValueError, match=r"sample file .*deep.* is nested too deeply"):
        models.Sample.from_file(path)
    with pytest.raises(ValueError, match=r"film file .*deep.* is nested too deeply"):
        models.Film.from_file(path)


@pytest.mark.parametrize("progress", [None, False, np.bool_(False)])
def test_progress_none_and_false_mean_no_bar(progress, capsys):
    ds = _cavity(progress=progress)
    assert ds.sizes["time"] == 2
    assert capsys.readouterr().err == ""


def test_valid_options_still_accepted():
    cav = models.Cavity(photon_lifetime=2.0, channels=8, channel_range=[2.0, 2.1], name="c")
    assert cav.channel_range == (2.0, 2.1)
    assert models.Stripe(length=0.02, channel_range=(np.float64(2.0), 2.1)).channel_range \
        == (2.0, 2.1)
    assert _stripe(rtol=1e-6).sizes["time"] == 2
    assert float(_cavity(average_from=np.float32(5.0)).attrs["average_from_ps"]) == 5.0
    mix = TYPE_II.with_resident_electrons((0.25, 0.75))
    assert [(w, c.resident_electrons) for w, c in mix.components] == [(0.25, 0), (0.75, 1)]
