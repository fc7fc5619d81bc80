"""Parameters the data cannot determine are reported, never given a false precision."""

import math

import numpy as np

from ncgain import fit as nfit
from ncgain import kinetics

from .conftest import TRUTH, small_dataset


def test_parameter_without_effect_is_a_flat_direction():
    # the two-channel band edge has no thermally occupied sublevels: temperature changes
    # nothing, so its Jacobian column is zero
    result = nfit.fit(small_dataset(), TRUTH, {"delta_xx": (0.05, 0.15),
                                               "temperature": (200.0, 400.0)})
    assert set(result.undetermined) == {"temperature"}
    assert "flat direction" in result.undetermined["temperature"]
    assert result.stderr["temperature"] == math.inf
    assert math.isfinite(result.stderr["delta_xx"]) and result.stderr["delta_xx"] < 1e-3
    text = result.report()
    assert "not determined by the data" in text and "undetermined" in text


def test_degenerate_pair_is_reported_together():
    # fluence data: <N> = pump_scale * sigma_pump F / (h nu) depends on the product only
    ds = kinetics.simulate_pulsed(TRUTH, fluence=[1.0, 3.0], times=[3.0, 300.0],
                                  energies=np.linspace(2.0, 2.2, 6),
                                  method="master-equation")[["bleach"]]
    ds = ds.swap_dims(mean_excitons="pump_fluence").drop_vars("mean_excitons")
    ds["bleach_sigma"] = ds.bleach * 0 + 0.01
    ds.bleach_sigma.attrs["units"] = "1"
    sigma = TRUTH.sigma_pump
    result = nfit.fit(ds, TRUTH, {"sigma_pump": (0.5 * sigma, 2 * sigma)},
                      nuisances={"pump_scale": (0.5, 2.0)})
    assert set(result.undetermined) == {"sigma_pump", "pump_scale"}
    assert "together with pump_scale" in result.undetermined["sigma_pump"]
    assert all(result.stderr[k] == math.inf for k in ("sigma_pump", "pump_scale"))
    # the product is what the data fix: it is recovered
    product = result.values["sigma_pump"] * result.values["pump_scale"]
    assert math.isclose(product, sigma, rel_tol=1e-4)


def test_weakly_constrained_parameter_reports_sigma_beyond_its_bounds():
    # delays of 3 and 300 ps cannot measure a 1,700 ps single-exciton lifetime to within a
    # 1 % bound range: the data leave it to the bounds
    result = nfit.fit(small_dataset(), TRUTH, {"delta_xx": (0.05, 0.15),
                                               "tau_x": (1690.0, 1710.0)})
    assert "tau_x" in result.undetermined
    assert "exceeds the bound range" in result.undetermined["tau_x"]
    assert "delta_xx" not in result.undetermined
