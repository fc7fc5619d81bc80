"""C.w. pumping: closed-form steady state, transient, Monte Carlo and thresholds."""

import dataclasses
import math

import numpy as np
import pytest
from scipy import linalg

from ncgain import kinetics, models
from ncgain.kinetics import cw, master_equation, observables
from ncgain.models import Film, Sample
from ncgain.models.state_table import build_state_table
from tests.conftest import assert_binomial, assert_within_noise, one_and_two_thread_outputs

TYPE_II = models.presets.TYPE_II_CDS_ZNSE
TYPE_I = models.presets.TYPE_I_CDSE
BASE = Sample(name="t", exciton_energy=2.0, delta_xx=0.0, linewidth=0.05, tau_x=1000.0,
              tau_xx=50.0, sigma_pump=1e-15, pump_energy=3.0, homogeneous_linewidth=0.0)


def mixture():
    small = dataclasses.replace(TYPE_II, exciton_energy=2.10, sigma_pump=1.2e-16, tau_xx=60.0,
                                delta_xx=0.12, tau_x=1200.0)
    large = dataclasses.replace(TYPE_II, exciton_energy=2.00, sigma_pump=4.0e-16, tau_xx=260.0,
                                delta_xx=0.09, homogeneous_linewidth=0.01)
    return dataclasses.replace(TYPE_II, components=((0.3, small), (0.7, large)))


def null_space_steady_state(sample, g, n_max):
    """Independent reference: the kernel of the generator (reflecting at n_max)."""
    table = build_state_table(sample, n_max)
    out = []
    for c in range(table.n_classes):
        up = np.full(n_max + 1, g * table.pump_scale[c])
        up[-1] = 0.0
        a = master_equation.generator(up[None], table.decay_rate[c][None])[0]
        v = linalg.null_space(a)[:, 0]
        out.append(v / v.sum())
    return np.array(out)


# ----------------------------------------------------------------------------- steady state

@pytest.mark.parametrize("sample", [TYPE_II, TYPE_I, mixture()], ids=["type-ii", "type-i", "mix"])
def test_closed_form_steady_state_is_the_generator_kernel(sample):
    for g in (1e-4, 3e-3, 0.05):
        ds = kinetics.simulate_cw(sample, [g], energies=[sample.exciton_energy])
        ref = null_space_steady_state(sample, g, int(ds.n_max))
        w = build_state_table(sample, int(ds.n_max)).class_weight
        np.testing.assert_allclose(ds.population.isel(generation_rate=0), w @ ref, atol=1e-9)
        assert float(ds.population.sum()) == pytest.approx(1.0, abs=1e-9)


def test_detailed_balance_ratios():
    table = build_state_table(TYPE_II, 12)
    p = cw.steady_state(table, [2e-3])[0, 0]
    np.testing.assert_allclose(p[1:] / p[:-1], 2e-3 / table.decay_rate[0, 1:], rtol=1e-10)


@pytest.mark.parametrize("sample", [TYPE_II, mixture()], ids=["type-ii", "mix"])
def test_transient_long_time_limit_is_the_steady_state(sample):
    g = [5e-4, 4e-3]
    late = 30 * max(sample.tau_x for _, sample in sample.size_classes())
    tr = kinetics.simulate_cw(sample, g, times=[0.0, 100.0, late])
    steady = kinetics.simulate_cw(sample, g, n_max=int(tr.n_max))
    np.testing.assert_allclose(tr.population.isel(time=-1), steady.population, atol=1e-9)
    np.testing.assert_allclose(tr.absorption.isel(time=-1), steady.absorption, atol=1e-9)
    # ... and it is a real transient: dark at t = 0, not yet steady at 100 ps.
    assert float(tr.mean_excitons.isel(time=0).max()) == 0.0
    assert float(abs(tr.population.isel(time=1) - steady.population).max()) > 0.05


def test_dark_sample_at_zero_pump():
    for method in ("master-equation", "monte-carlo"):
        for times in (None, [0.0, 500.0]):
            # One energy bin: every NC integrates the whole line (no sampling noise).
            ds = kinetics.simulate_cw(TYPE_II, [0.0], times, method=method,
                                      n_nanocrystals=2000, energy_bins=1)
            for name in ("population", "absorption", "bleach", "pl", "mean_excitons"):
                assert np.isfinite(ds[name]).all(), name
            assert float(ds.population.sel(excitons=0).min()) == 1.0
            np.testing.assert_allclose(ds.bleach, 0.0, atol=1e-12)
            np.testing.assert_allclose(ds.absorption - ds.alpha0, 0.0, atol=1e-12)


def test_high_pump_needs_and_gets_a_large_n_max():
    ds = kinetics.simulate_cw(TYPE_II, [10.0], energies=[2.1])
    assert int(ds.n_max) > 10
    bigger = kinetics.simulate_cw(TYPE_II, [10.0], energies=[2.1], n_max=int(ds.n_max) + 20)
    n = int(ds.n_max)
    assert float(bigger.population.isel(excitons=slice(n + 1, None)).sum()) <= 1e-10
    np.testing.assert_allclose(bigger.population.isel(excitons=slice(0, n + 1)),
                               ds.population, atol=1e-10)
    assert float(abs(bigger.absorption - ds.absorption).max()) < 1e-9
    assert np.isfinite(ds.absorption).all()


def test_dataset_schema_units_and_netcdf_round_trip(tmp_path):
    ds = kinetics.simulate_cw(mixture(), [1e-4, 1e-3], times=[0.0, 10.0])
    assert ds.population.dims == ("generation_rate", "time", "excitons")
    assert ds.absorption.dims == ("generation_rate", "time", "energy")
    for name in list(ds.data_vars) + list(ds.coords):
        assert "units" in ds[name].attrs and "long_name" in ds[name].attrs, name
    np.testing.assert_allclose(ds.pump_intensity, kinetics.pump_intensity(ds.generation_rate,
                                                                          mixture()))
    # Class c is pumped at G sigma_c / mean sigma: the per-class intensity is one number.
    sig = np.array([s.sigma_pump for _, s in mixture().size_classes()])
    w = np.array([w for w, _ in mixture().size_classes()])
    np.testing.assert_allclose(ds.class_generation_rate.isel(generation_rate=1),
                               1e-3 * sig / (w @ sig))
    ds.to_netcdf(tmp_path / "cw.nc")
    back = kinetics.sample_from_dataset(ds)
    assert back == mixture()
    steady = kinetics.simulate_cw(TYPE_II, [1e-3])
    assert "time" not in steady.dims and steady.mean_excitons.dims == ("generation_rate",)


def test_pump_intensity_conversion():
    i = kinetics.pump_intensity([0.0, 1e-3], TYPE_II)
    expected = 1e-3 * 1e12 * 3.0 * 1.602176634e-19 / TYPE_II.sigma_pump
    np.testing.assert_allclose(i, [0.0, expected], rtol=1e-12)
    np.testing.assert_allclose(kinetics.generation_rate_from_intensity(i, TYPE_II), [0, 1e-3],
                               rtol=1e-12)
    # The paper's estimate for type II: 2 mJ cm^-2 / 1.7 ns = 1.18e6 W cm^-2 <-> <N> = 1 per 1.7 ns.
    assert float(kinetics.pump_intensity(1 / 1700.0, TYPE_II)[0]) == pytest.approx(
        2e-3 / 1.7e-9, rel=1e-3)


# ----------------------------------------------------------------------------- bad input

@pytest.mark.parametrize("bad, match", [
    ([-1e-3], r"generation_rate = -0\.001 .*\[0, inf\)"),
    ([float("nan")], "generation_rate = nan"),
    ([float("inf")], "generation_rate = inf"),
    ([], "non-empty"),
    ([1e9], r"generation_rate = 1000000000\.0 1/ps is outside the allowed range \[0, "),
])
def test_bad_generation_rates(bad, match):
    with pytest.raises(ValueError, match=match):
        kinetics.simulate_cw(TYPE_II, bad)


def test_bad_other_input():
    with pytest.raises(ValueError, match="times must be strictly increasing"):
        kinetics.simulate_cw(TYPE_II, [1e-3], times=[10.0, 5.0])
    with pytest.raises(ValueError, match="times = -1.0"):
        kinetics.simulate_cw(TYPE_II, [1e-3], times=[-1.0])
    with pytest.raises(ValueError, match="n_max = 2 is too small"):
        kinetics.simulate_cw(TYPE_II, [0.1], n_max=2)
    with pytest.raises(ValueError, match="method"):
        kinetics.simulate_cw(TYPE_II, [0.1], method="euler")
    with pytest.raises(ValueError, match="pump_intensity = -5.0"):
        kinetics.generation_rate_from_intensity(-5.0, TYPE_II)
    with pytest.raises(ValueError, match="energies = 5.0"):
        kinetics.simulate_cw(TYPE_II, [0.1], energies=[5.0])


def test_no_steady_state_without_auger_above_the_largest_decay_rate():
    s = dataclasses.replace(BASE, auger_scaling="none")   # largest decay rate k_rad(2)
    g_max = cw.max_generation_rate(s)
    assert g_max < s.radiative_rate(2)   # k(n >= 2) = k_rad(2): no steady state above it
    kinetics.simulate_cw(s, [0.5 * g_max])
    with pytest.raises(ValueError, match=r"outside the allowed range \[0, "):
        kinetics.simulate_cw(s, [s.radiative_rate(2)])


# ----------------------------------------------------------------------------- Monte Carlo

def compare(sample, g, times, *, n_nanocrystals, seed, bins=4):
    """MC = exact within the exact binomial / spectral standard errors."""
    mc = kinetics.simulate_cw(sample, g, times, method="monte-carlo",
                              n_nanocrystals=n_nanocrystals, seed=seed, energy_bins=bins)
    me = kinetics.simulate_cw(sample, g, times, energies=mc.energy.values, n_max=int(mc.n_max))
    assert_binomial(mc.population, me.population, n_nanocrystals, what="population")
    problem = cw.CwProblem.build(sample, g, times, energies=mc.energy.values,
                                 n_max=int(mc.n_max), energy_bins=bins, method="monte-carlo",
                                 n_nanocrystals=n_nanocrystals)
    exact = dataclasses.replace(problem, method="master-equation").exact_occupation()
    occ = np.repeat(exact, bins, axis=-1) / bins
    var_a, var_pl = observables.spectra_variance(occ, problem.kernels, n_nanocrystals)
    k = problem.kernels
    one_a = np.abs(k.absorption).max(axis=(0, 1, 2)) / k.alpha0_peak / n_nanocrystals
    one_pl = np.abs(k.pl).max(axis=(0, 1, 2)) / n_nanocrystals
    shape = mc.absorption.shape
    assert_within_noise(mc.absorption, me.absorption, np.sqrt(var_a).reshape(shape),
                        what="absorption", floor=one_a)
    assert_within_noise(mc.pl, me.pl, np.sqrt(var_pl).reshape(shape), what="pl", floor=one_pl)
    return mc, me


@pytest.mark.parametrize("sample", [TYPE_II, TYPE_I], ids=["type-ii", "type-i"])
def test_monte_carlo_steady_state_matches_closed_form(sample):
    mc, me = compare(sample, [0.0, 3e-4, 2e-3, 0.03], None, n_nanocrystals=30_000, seed=7)
    assert float(mc.burn_in_time.isel(generation_rate=0)) == 0.0
    assert (mc.burn_in_time.isel(generation_rate=slice(1, None)) > 0).all()


def test_monte_carlo_steady_state_size_class_mixture():
    compare(mixture(), [5e-4, 5e-3], None, n_nanocrystals=30_000, seed=3)


def test_monte_carlo_transient_matches_master_equation():
    compare(mixture(), [1e-3, 0.02], [0.0, 20.0, 300.0, 3000.0], n_nanocrystals=30_000,
            seed=4)


def test_monte_carlo_is_reproducible():
    a = kinetics.simulate_cw(TYPE_II, [1e-3], method="monte-carlo", n_nanocrystals=3000, seed=9)
    b = kinetics.simulate_cw(TYPE_II, [1e-3], method="monte-carlo", n_nanocrystals=3000, seed=9)
    c = kinetics.simulate_cw(TYPE_II, [1e-3], method="monte-carlo", n_nanocrystals=3000, seed=10)
    assert a.identical(b)
    assert not np.array_equal(a.population.values, c.population.values)


@pytest.mark.parametrize("sample", [TYPE_II, TYPE_I, mixture()], ids=["type-ii", "type-i", "mix"])
@pytest.mark.parametrize("g", [1e-5, 1e-3, 0.1])
def test_burn_in_forgets_the_dark_start(sample, g):
    n_nc = 10 ** 6
    table = build_state_table(sample, 30)
    t_burn = cw.burn_in_time(table, g, n_nc)
    up = np.zeros_like(table.decay_rate) + g * table.pump_scale[:, None]
    up[:, -1] = 0.0      # reflecting at n_max = 30 (far above any occupied state here)
    dark = np.eye(31)[None, None, 0].repeat(table.n_classes, 1)
    steady = cw.steady_state(table, [g])[0]
    p = master_equation.propagate(dark, up, table.decay_rate, [0.1 * t_burn, t_burn])[0]
    tv = 0.5 * np.abs(p - steady[None]).sum(axis=-1).max(axis=-1)
    assert tv[1] <= cw.BURN_IN_BIAS / n_nc
    # The spectral bound is not loose by orders of magnitude: a tenth of the burn-in
    # is not enough.
    assert tv[0] > cw.BURN_IN_BIAS / n_nc


# ----------------------------------------------------------------------------- thresholds

def test_threshold_single_exciton_limit_is_two_over_tau_x():
    # Delta >> Gamma at E_X: only unexcited NCs absorb (strength 1) and singly excited
    # ones emit (1/2): gain when p1/2 > p0, and p1/p0 = G tau_X (detailed balance), so
    # G_th = 2 / tau_X whatever the Auger time.
    for tau_xx in (10.0, 1000.0):
        s = dataclasses.replace(BASE, delta_xx=0.6, tau_xx=tau_xx,
                                tau_xx_meaning="auger")   # Delta = 12 Gamma; tau_xx = tau_A
        th = kinetics.cw_threshold(s)
        assert th == pytest.approx(2.0 / s.tau_x, rel=1e-5)
        assert th.quantity == "generation_rate" and th.units == "1/ps" and th.time is None
        assert th.energy == pytest.approx(s.exciton_energy)


@pytest.mark.parametrize("law, kappa", [("einstein", 2.0), ("statistical", 4.0)])
def test_threshold_no_interaction_no_auger_closed_form(law, kappa):
    # Delta = 0, Auger off: k(1) = 1/tau_X, k(n >= 2) = kappa/tau_X (kappa = 2 for the
    # Einstein law min(n, g), 4 for min(n, g)^2). At E_X singly excited NCs are transparent
    # and n >= 2 emit with strength 1, so alpha(E_X) ~ p0 - P(n >= 2)
    # = p0 [1 - x (x/kappa) / (1 - x/kappa)], x = G tau_X: zero at x^2 + x - kappa = 0.
    s = dataclasses.replace(BASE, auger_scaling="none", radiative_scaling=law)
    assert s.radiative_rate(2) * s.tau_x == kappa
    th = kinetics.cw_threshold(s)
    assert th * s.tau_x == pytest.approx((math.sqrt(1.0 + 4.0 * kappa) - 1.0) / 2.0, rel=1e-5)


@pytest.mark.parametrize("sample", [TYPE_II, TYPE_I, mixture()], ids=["type-ii", "type-i", "mix"])
@pytest.mark.parametrize("energy, loss", [(None, 0.0), ("any", 0.05)])
def test_threshold_against_brute_force(sample, energy, loss):
    """An independent evaluation: generator kernel + spectra on a dense G grid."""
    th = kinetics.cw_threshold(sample, energy=energy, loss=loss)
    n_max = 12
    table = build_state_table(sample, n_max)
    energies = (observables.default_energies(table) if energy == "any"
                else np.array([sample.exciton_energy]))
    kernels = observables.line_kernels(table, energies, 1)

    def net(g):
        p = null_space_steady_state(sample, g, n_max) * table.class_weight[:, None]
        alpha, _ = observables.spectra(p[None, None, :, :, None], kernels)
        return float(alpha.min()) + loss

    assert net(th * (1 - 1e-4)) > 0 > net(th * (1 + 1e-4))
    for g in np.geomspace(1e-3 * th, th * (1 - 1e-4), 60):   # no earlier crossing
        assert net(g) > 0


def test_threshold_loss_and_film():
    base = kinetics.cw_threshold(TYPE_II)
    film = Film(absorption_coefficient=5000.0, confinement_factor=0.5, loss=250.0)
    with_film = kinetics.cw_threshold(TYPE_II, film=film)
    assert with_film == kinetics.cw_threshold(TYPE_II, loss=0.1)
    assert with_film > base
    assert "film" in with_film.criterion
    with pytest.raises(ValueError, match="either loss"):
        kinetics.cw_threshold(TYPE_II, loss=0.1, film=film)


def test_threshold_errors():
    with pytest.raises(kinetics.NoGainError, match="no steady-state net gain"):
        kinetics.cw_threshold(TYPE_II, loss=5.0)
    with pytest.raises(ValueError, match="energy = 9.0"):
        kinetics.cw_threshold(TYPE_II, energy=9.0)
    with pytest.raises(ValueError, match="energy = 'red'"):
        kinetics.cw_threshold(TYPE_II, energy="red")
    with pytest.raises(ValueError, match="loss = -0.1"):
        kinetics.cw_threshold(TYPE_II, loss=-0.1)
    with pytest.raises(ValueError, match="max_generation_rate = "):
        kinetics.cw_threshold(TYPE_II, max_generation_rate=float("nan"))
    # A search range that ends below the threshold finds no gain.
    with pytest.raises(kinetics.NoGainError):
        kinetics.cw_threshold(TYPE_II, max_generation_rate=1e-4)


def test_chunk_size_does_not_change_output(monkeypatch):
    a = kinetics.simulate_cw(mixture(), [1e-3, 0.01], [0.0, 50.0, 500.0], method="monte-carlo",
                             n_nanocrystals=20_001, seed=5)
    monkeypatch.setattr(cw, "CHUNK_SIZE", 4_096)
    b = kinetics.simulate_cw(mixture(), [1e-3, 0.01], [0.0, 50.0, 500.0], method="monte-carlo",
                             n_nanocrystals=20_001, seed=5)
    assert a.identical(b)


_THREADS_SCRIPT = """
import hashlib, numba
from ncgain import kinetics, models
s = models.presets.TYPE_I_CDSE
h = hashlib.sha256()
for times in (None, [0.0, 30.0, 3000.0]):
    ds = kinetics.simulate_cw(s, [3e-4, 0.02], times, method="monte-carlo",
                              n_nanocrystals=40_001, seed=77)
    for name in ("population", "absorption", "pl"):
        h.update(ds[name].values.tobytes())
print(numba.get_num_threads(), h.hexdigest(), ds.attrs["n_events"])
"""


def test_bit_identical_for_one_and_two_threads():
    out = one_and_two_thread_outputs(_THREADS_SCRIPT)
    assert out["1"] == out["2"]
