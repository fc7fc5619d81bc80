"""models.Film: validation, unit conversion and file round trip."""

import json

import numpy as np
import pytest

from ncgain.models import Film


def test_loss_fraction_is_where_modal_gain_vanishes():
    film = Film(absorption_coefficient=3000.0, confinement_factor=0.4, loss=60.0)
    assert film.loss_fraction() == pytest.approx(60.0 / 1200.0)
    assert film.modal_gain(film.loss_fraction()) == pytest.approx(0.0, abs=1e-12)
    np.testing.assert_allclose(film.modal_gain(np.array([0.0, 1.0])), [-60.0, 1140.0])


@pytest.mark.parametrize("field, value", [
    ("absorption_coefficient", 0.0), ("absorption_coefficient", -1.0),
    ("absorption_coefficient", float("nan")), ("confinement_factor", 0.0),
    ("confinement_factor", 1.5), ("loss", -1.0), ("loss", float("inf")), ("name", ""),
])
def test_bad_values_name_the_field(field, value):
    kwargs = {"absorption_coefficient": 1000.0, field: value}
    with pytest.raises(ValueError, match=field):
        Film(**kwargs)


def test_file_round_trip(tmp_path):
    film = Film(absorption_coefficient=2500.0, confinement_factor=0.7, loss=20.0, name="x")
    (tmp_path / "f.json").write_text(film.to_json())
    (tmp_path / "f.toml").write_text("absorption_coefficient = 2500.0\nconfinement_factor = 0.7\n"
                                     "loss = 20.0\nname = 'x'\n")
    assert Film.from_file(tmp_path / "f.json") == film
    assert Film.from_file(tmp_path / "f.toml") == film
    (tmp_path / "bad.toml").write_text("absorption_coefficient = 1e3\nmirror = 1\n")
    with pytest.raises(ValueError, match="bad.toml.*mirror"):
        Film.from_file(tmp_path / "bad.toml")
    assert json.loads(film.to_json())["loss"] == 20.0


def test_close_packed_default_is_cited_and_consistent():
    from ncgain.models import film as film_module
    f = Film.close_packed()
    assert set(film_module.CLOSE_PACKED_SOURCES) == {"absorption_coefficient",
                                                     "confinement_factor", "loss"}
    for text in film_module.CLOSE_PACKED_SOURCES.values():
        assert "assumption" in text or "Leatherdale" in text
    # alpha_0 follows from its stated derivation: 5.501e5 / (4 pi / 3) * 0.2 * 0.2.
    assert f.absorption_coefficient == pytest.approx(5.501e5 / (4 * np.pi / 3) * 0.04, rel=0.01)
    assert f.loss_fraction() == pytest.approx(50.0 / (0.5 * f.absorption_coefficient))
    assert Film.close_packed(loss=10.0).loss == 10.0
    with pytest.raises(ValueError, match="loss"):
        Film.close_packed(loss=-1.0)
