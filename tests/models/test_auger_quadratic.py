"""The "quadratic" Auger law k_A(n) = (n^2 / 4) k_A(2): rates and the master equation."""

import dataclasses

import numpy as np
import pytest

from ncgain import kinetics
from ncgain.kinetics import master_equation
from ncgain.models import Sample, build_state_table
from ncgain.models.bandedge import AUGER_SCALINGS

S = Sample(name="q", exciton_energy=2.0, delta_xx=0.1, linewidth=0.05, tau_x=1000.0,
           tau_xx=50.0, sigma_pump=1e-15, pump_energy=3.0, auger_scaling="quadratic",
           tau_xx_meaning="auger")   # tau_xx is the Auger time itself here
TIMES = np.array([0.0, 1.0, 5.0, 20.0, 100.0, 1000.0])


def test_every_existing_law_keeps_its_name():
    assert {"statistical", "pairwise", "none", "quadratic"} <= set(AUGER_SCALINGS)


def test_rates_match_the_closed_form():
    # Closed form: k_A(n) = n^2 / 4 / tau_A for n >= 2, 0 for n = 0, 1.
    k = [S.auger_rate(n) for n in range(8)]
    expected = [0.0, 0.0] + [n * n / 4.0 / S.tau_xx for n in range(2, 8)]
    assert k == pytest.approx(expected, rel=1e-15, abs=0)
    # n = 2 matches the biexciton: tau_2 : tau_3 : tau_4 = 1 : 4/9 : 1/4 (Auger only).
    assert k[2] == 1.0 / S.tau_xx
    assert [k[2] / k[n] for n in (3, 4)] == pytest.approx([4 / 9, 1 / 4], rel=1e-15)
    # Differs from the statistical law above n = 2 (4.5 vs 2.25 at n = 3).
    stat = dataclasses.replace(S, auger_scaling="statistical")
    assert stat.auger_rate(3) / S.auger_rate(3) == pytest.approx(2.0, rel=1e-15)


def test_total_lifetime_meaning_derives_the_same_auger_time():
    # tau_xx_meaning="total": tau_A = 1 / (1/tau_xx - k_rad(2)), whatever the law above n = 2.
    s = dataclasses.replace(S, tau_xx_meaning="total")
    assert 1.0 / (s.radiative_rate(2) + s.auger_rate(2)) == pytest.approx(50.0, rel=1e-13)
    assert s.auger_rate(4) == pytest.approx(4.0 * s.auger_rate(2), rel=1e-15)


def test_state_table_carries_the_law():
    t = build_state_table(S, 6)
    rad = np.array([S.radiative_rate(n) for n in range(7)])
    aug = np.array([S.auger_rate(n) for n in range(7)])
    assert np.allclose(t.decay_rate[0], rad + aug, rtol=1e-15, atol=0)


def test_master_equation_triexciton_cascade_closed_form():
    # A NC starting with 3 excitons: p3 = e^{-k3 t},
    # p2 = k3/(k2-k3) (e^{-k3 t} - e^{-k2 t}), with k_n from the quadratic law.
    t = build_state_table(S, 3)
    down = t.decay_rate[:, :4]
    k2, k3 = down[0, 2], down[0, 3]
    assert k3 == pytest.approx(S.radiative_rate(3) + 9 / 4 / S.tau_xx, rel=1e-15)
    p = master_equation.propagate(np.array([[[0.0, 0.0, 0.0, 1.0]]]), np.zeros((1, 4)),
                                  down, TIMES)[0, :, 0]
    assert np.allclose(p[:, 3], np.exp(-k3 * TIMES), rtol=1e-12, atol=1e-300)
    assert np.allclose(p[:, 2], k3 / (k2 - k3) * (np.exp(-k3 * TIMES) - np.exp(-k2 * TIMES)),
                       rtol=1e-10, atol=1e-15)
    assert np.allclose(p.sum(axis=1), 1.0, rtol=1e-13)


def test_simulate_pulsed_mean_decay_follows_the_law():
    # d<N>/dt = -sum_n p_n (k_rad(n) + k_A(n)): the law enters the pulsed master equation.
    ds = kinetics.simulate_pulsed(S, [3.0], np.linspace(0.0, 2.0, 201),
                                  method="master-equation")
    p = ds["population"].isel(mean_excitons=0).values
    n = np.arange(p.shape[1])
    k = np.array([S.radiative_rate(i) + S.auger_rate(i) for i in n])
    mean = p @ n
    rate = -(p * k).sum(axis=1)
    slope = np.gradient(mean, ds["time"].values)
    # Central differences on a 0.01 ps grid: error ~ h^2 |d3<N>/dt3| / 6, far below 1e-3.
    assert np.allclose(slope[1:-1], rate[1:-1], rtol=1e-3)
    stat = kinetics.simulate_pulsed(dataclasses.replace(S, auger_scaling="statistical"),
                                    [3.0], [2.0], method="master-equation")
    # The cubic statistical law empties the multiexcitons faster.
    assert float((stat["population"].isel(time=0) * n).sum()) < mean[-1]


def test_charged_nanocrystals_reject_the_neutral_only_law():
    with pytest.raises(ValueError, match="auger_scaling = 'quadratic'.*neutral"):
        dataclasses.replace(S, resident_electrons=1)


def test_toml_and_json_round_trip(tmp_path):
    path = tmp_path / "q.toml"
    path.write_text(S.to_toml())
    assert Sample.from_toml(path) == S
    assert Sample.from_json(S.to_json()).auger_scaling == "quadratic"
    path.write_text('preset = "type-ii"\nauger_scaling = "quadratic"\n')
    assert Sample.from_toml(path).auger_scaling == "quadratic"
