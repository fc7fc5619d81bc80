import dataclasses
import math

import numpy as np
import pytest

from ncgain import kinetics
from ncgain import models
from ncgain.models import Sample

BASE = Sample(name="t", exciton_energy=2.0, delta_xx=0.0, linewidth=0.05, tau_x=1000.0,
              tau_xx=50.0, sigma_pump=1e-15, pump_energy=3.0, homogeneous_linewidth=0.0)


@pytest.mark.parametrize("ratio", [0.25, 0.5, 1.0, 1.5, 2.0, 3.0])
def test_single_statistics_reproduce_paper_formula(ratio):
    s = dataclasses.replace(BASE, delta_xx=ratio * BASE.linewidth)
    th = kinetics.gain_threshold(s, statistics="single")
    assert th == pytest.approx(models.single_exciton_threshold(s.delta_xx, s.linewidth), abs=1e-4)


def test_formula_holds_for_any_gaussian_homogeneous_width():
    # With Gaussian lines only the ensemble width enters (docs/theory.md).
    s = dataclasses.replace(BASE, delta_xx=0.05, homogeneous_linewidth=0.03)
    assert kinetics.gain_threshold(s, statistics="single") == pytest.approx(
        models.single_exciton_threshold(0.05, 0.05), abs=1e-4)


def test_no_interaction_single_statistics_never_gain():
    # Delta = 0 and p1 <= 1: at best transparency (alpha = 0), never gain.
    assert math.isinf(kinetics.gain_threshold(BASE, statistics="single"))


def test_poisson_no_interaction_root():
    th = kinetics.gain_threshold(BASE)
    assert th == pytest.approx(models.poisson_threshold_no_interaction(), abs=1e-4)
    assert th == pytest.approx(1.14619, abs=1e-4)


def test_loss_raises_threshold_and_any_energy_lowers_it():
    s = models.presets.TYPE_II_CDS_ZNSE
    base = kinetics.gain_threshold(s)
    assert kinetics.gain_threshold(s, loss=0.2) > base
    assert kinetics.gain_threshold(s, energy="any") <= base


def test_monte_carlo_threshold_agrees_with_master_equation():
    s = dataclasses.replace(BASE, delta_xx=0.08)
    exact = kinetics.gain_threshold(s, statistics="single")
    mc = kinetics.gain_threshold(s, statistics="single", method="monte-carlo",
                                 n_nanocrystals=400_000, seed=3)
    # At fixed seed the MC threshold solves p1_hat(<N>) = p1_th; p1_hat has binomial
    # standard error sqrt(p (1-p) / N) ~ 7.4e-4 and d<N>/dp1 = 1 here.
    assert abs(mc - exact) < 6 * math.sqrt(exact * (1 - exact) / 400_000)


@pytest.mark.parametrize("kwargs, fragment", [
    ({"time": -1.0}, "time = -1.0"),
    ({"time": float("nan")}, "time = nan"),
    ({"loss": -0.1}, "loss = -0.1"),
    ({"statistics": "bose"}, "statistics = 'bose'"),
    ({"method": "exact"}, "method = 'exact'"),
    ({"energy": "peak"}, "energy = 'peak'"),
    ({"energy": 5.0}, "energy = 5.0 eV is outside the allowed range"),
    ({"max_mean_excitons": 2.0, "statistics": "single"}, "max_mean_excitons = 2.0"),
])
def test_invalid_arguments(kwargs, fragment):
    with pytest.raises(ValueError) as info:
        kinetics.gain_threshold(models.presets.TYPE_II_CDS_ZNSE, **kwargs)
    assert fragment in str(info.value)


def test_criterion_states_the_loss():
    s = models.presets.TYPE_II_CDS_ZNSE
    assert kinetics.gain_threshold(s).criterion == f"alpha(E, t) < 0 at E = {s.exciton_energy:g} eV"
    assert (kinetics.gain_threshold(s, loss=0.05, energy="any").criterion
            == "alpha(E, t) < -0.05 alpha_0(peak) at any E of the default grid")
