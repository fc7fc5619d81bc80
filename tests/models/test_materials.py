"""Tests of models.materials: the paper's CdS/ZnSe numbers, sources, look-up."""

import dataclasses

import pytest

from ncgain.models import materials
from ncgain.models.materials import MATERIALS, Material, band_offsets, get_material

PARAMETERS = ("band_gap", "valence_band_edge", "electron_mass", "hole_mass",
              "epsilon_high_frequency", "epsilon_static")


def test_paper_cds_znse_numbers_hold_exactly():
    # Klimov et al., Nature 447, 441 (2007), Fig. 3a. Only floating-point rounding
    # of the sums on the absolute scale is allowed.
    cds, znse = get_material("CdS"), get_material("ZnSe")
    assert cds.band_gap == 2.485
    assert znse.band_gap == 2.72
    off = band_offsets("CdS", "ZnSe")
    assert off["conduction"] == pytest.approx(0.795, abs=1e-12)
    assert off["valence"] == pytest.approx(0.56, abs=1e-12)
    assert off["staggered_gap"] == pytest.approx(1.925, abs=1e-12)
    assert cds.conduction_band_edge - znse.valence_band_edge == pytest.approx(1.925, abs=1e-12)


@pytest.mark.parametrize("name", ["CdS", "ZnSe", "CdSe", "ZnTe", "ZnS", "CdTe"])
def test_required_materials_have_every_parameter_with_a_source(name):
    mat = get_material(name)
    for p in PARAMETERS:
        value = getattr(mat, p)
        assert isinstance(value, float)
        assert p in mat.sources and len(mat.sources[p]) > 10, (name, p)
    assert mat.epsilon_static > mat.epsilon_high_frequency > 1.0
    assert 0.0 < mat.electron_mass < mat.hole_mass < 2.0


def test_lookup_is_case_insensitive_and_accepts_materials():
    assert get_material("cds") is MATERIALS["CdS"]
    assert get_material(" ZNSE ") is MATERIALS["ZnSe"]
    custom = Material("X", 1.0, -5.0, 0.1, 0.5, 5.0, 8.0)
    assert get_material(custom) is custom


def test_unknown_material_lists_the_known_ones():
    with pytest.raises(ValueError) as err:
        get_material("GaAs")
    msg = str(err.value)
    assert "GaAs" in msg
    for name in MATERIALS:
        assert name in msg


def test_alignments_follow_from_the_common_scale():
    # Well-known alignments (not inputs): CdSe/ZnS type I (both offsets confine the
    # carriers in CdSe), ZnTe/CdSe and CdTe/CdSe type II (staggered), CdS/ZnSe type II.
    o = band_offsets("CdSe", "ZnS")
    assert o["conduction"] > 0 and o["valence"] < 0
    o = band_offsets("ZnTe", "CdSe")
    assert o["conduction"] < 0 and o["valence"] < 0  # electron to the shell, hole in core
    o = band_offsets("CdTe", "CdSe")
    assert o["conduction"] < 0 and o["valence"] < 0


def test_material_is_frozen_and_validated():
    mat = get_material("CdSe")
    with pytest.raises(dataclasses.FrozenInstanceError):
        mat.band_gap = 1.0  # type: ignore[misc]
    with pytest.raises(ValueError, match="hole_mass"):
        Material("Bad", 1.0, -5.0, 0.1, -0.5, 5.0, 8.0)
    with pytest.raises(ValueError, match="epsilon kind"):
        mat.epsilon("optical")
    assert mat.epsilon("static") == mat.epsilon_static
    assert materials.__all__
