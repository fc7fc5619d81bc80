"""studies._common: the studies' gain criterion is the close-packed film's loss."""

import json

import pytest
import xarray as xr

from ncgain import kinetics, models
from ncgain.studies import _common


def test_criterion_is_the_film_loss():
    film = models.Film.close_packed()
    assert _common.STUDY_FILM == film
    # modal gain Gamma_c alpha_0 g reaches the loss exactly at g = DETECTABLE_GAIN
    assert film.modal_gain(_common.DETECTABLE_GAIN) == pytest.approx(0.0, abs=1e-12)
    text = _common.gain_criterion_text()
    for number in (f"{film.loss:g} cm^-1", f"Gamma_c = {film.confinement_factor:g}",
                   f"alpha_0 = {film.absorption_coefficient:g} cm^-1",
                   f"{film.loss_fraction():.4f} alpha_0(peak)"):
        assert number in text


def test_gain_band_meets_the_criterion_at_its_threshold():
    s = models.presets.TYPE_II_CDS_ZNSE
    energy, th = _common.gain_band(s, time=3.0)
    loss = _common.DETECTABLE_GAIN

    def deepest(mean):
        ds = kinetics.simulate_pulsed(s, [mean], [3.0], method="master-equation")
        return float(ds.absorption.min())

    # just below the threshold the net gain stays under the loss, just above it exceeds it
    assert deepest(0.99 * th) > -loss > deepest(1.01 * th)
    ds = kinetics.simulate_pulsed(s, [1.01 * th], [3.0], energies=[energy],
                                  method="master-equation")
    assert float(ds.absorption.values.min()) < -loss


def test_attach_stores_the_film_as_json():
    ds = _common.attach(xr.Dataset(), study="t", quick=True,
                        film=_common.STUDY_FILM.to_json())
    assert models.Film.from_dict(json.loads(ds.attrs["film"])) == _common.STUDY_FILM
