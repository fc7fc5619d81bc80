"""Monte Carlo stripe: vs its rate-equation twin, books, field off, threads, step size.

Tolerances are derived from the sample size (``tests.conftest``): populations per slice
by the exact binomial interval of the slice's NCs; the edge emission by the delta method
(its gradient with respect to the slices' occupations, times their multinomial covariance;
for the time integral the Minkowski bound sd(int F dt) <= int sd(F) dt); counted
stimulated events against the light's own expectation by Poisson noise.

The twin runs at 96 energy bins: at the default 32 its binning error in the stimulated
quantities of this regime is ~5 % (96 vs 192 bins: 0.5 %), larger than the noise.
"""

import dataclasses
import json

import numba
import numpy as np
import pytest

from ncgain import kinetics, models
from ncgain.kinetics import stripe as stripe_mod
from ncgain.kinetics.field import stripe_monte_carlo, stripe_twin
from tests.conftest import Z_BOUND, assert_binomial, assert_within_noise

FILM = models.Film(absorption_coefficient=2000.0, confinement_factor=0.5, loss=10.0)
# alpha_0 Gamma_c L = 40: the peak channel's time-integrated edge emission is ~100x its
# unamplified spontaneous emission at <N> = 1.5 (ASE with gain depletion by the light)
STRIPE = models.Stripe(length=0.04, slices=4, channels=12, spontaneous_coupling=1e-3)
N_SLICE = 10_000
BINS = 96
TIMES = [0.0, 20.0, 100.0, 300.0]
PUMP = dict(mean_excitons=[1.5])
MC = dict(method="monte-carlo", n_nanocrystals=N_SLICE, energy_bins=BINS, **PUMP)


@pytest.fixture(scope="module")
def mc():
    return kinetics.simulate_stripe("type-ii", FILM, STRIPE, TIMES, seed=4, **MC)


@pytest.fixture(scope="module")
def twin(mc):
    """The rate equations on a dense time grid (for the Minkowski bound) and the Dataset."""
    dense = np.union1d(np.linspace(0.0, TIMES[-1], 151), TIMES)
    kw = dict(mean_excitons=PUMP["mean_excitons"], fluence=None, generation_rate=None,
              method="rate-equations", n_max=mc.attrs["n_max"], n_nanocrystals=N_SLICE,
              seed=0, dt=None, field_on=True, energy_bins=BINS)
    problem = stripe_mod._StripeProblem.build("type-ii", FILM, STRIPE, dense, **kw)
    rec = stripe_twin.rate_equations(problem, 0, rtol=1e-8)
    ds = kinetics.simulate_stripe("type-ii", FILM, STRIPE, TIMES, method="rate-equations",
                                  n_max=mc.attrs["n_max"], energy_bins=BINS, rtol=1e-8, **PUMP)
    return problem, dense, rec, ds


def edge_sd(problem, p, n):
    """Delta-method standard deviation of the edge flux (C,) from occupations p (J, n_p).

    Channels are independent in the light kernel, so dF_k/dp_{j,cell} = dF_k/da_{j,k}
    Gamma_c alpha_0 net[cell, k] + dF_k/ds_{j,k} sp[cell, k] / (2 v_g), with a, s the
    slice's gain coefficient and source; each slice's occupation is multinomial over n NCs.
    """
    gain = np.ascontiguousarray(problem.gam_a0 * (p @ problem.net) - problem.film.loss)
    src = np.ascontiguousarray((p @ problem.sp) / (2 * problem.v_g))
    n_sl, nch = gain.shape

    def edge(a, s):
        both, out = np.empty((n_sl, nch)), np.empty(nch)
        stripe_mod._light_kernel(a, s, problem.dz, both, out)
        return problem.v_g * out

    var = np.zeros(nch)
    for j in range(n_sl):
        da, ds = np.zeros_like(gain), np.zeros_like(src)
        da[j], ds[j] = 1e-3, 1.0
        d_a = (edge(gain + da, src) - edge(gain - da, src)) / 2e-3
        d_s = edge(gain, src + ds) - edge(gain, src)          # exactly linear in s
        g = d_a[None, :] * problem.gam_a0 * problem.net + d_s[None, :] * problem.sp \
            / (2 * problem.v_g)                                 # (n_p, C)
        var += ((p[j][:, None] * g ** 2).sum(axis=0) - (p[j] @ g) ** 2) / n
    return np.sqrt(np.maximum(var, 0.0))


def stimulated_sd(problem, p, n):
    """Delta-method sd of the stimulated-emission rate per NC of the stripe, G(p) (1/ps).

    G = kappa / J sum_j p_j . (em u_j): direct in p_j and through the light u_j (both
    directions, slice centres), which depends on every slice's gain coefficient a and
    source s; d u / d a by central differences, d u / d s exactly (linear), one slice at a
    time (channels are independent).
    """
    gain = np.ascontiguousarray(problem.gam_a0 * (p @ problem.net) - problem.film.loss)
    src = np.ascontiguousarray((p @ problem.sp) / (2 * problem.v_g))
    n_sl, nch = gain.shape

    def light(a, s):
        both, out = np.empty((n_sl, nch)), np.empty(nch)
        stripe_mod._light_kernel(a, s, problem.dz, both, out)
        return both

    u = light(gain, src)
    dg_du = problem.kappa / n_sl * (p @ problem.em)           # (J, C): dG / du_{j', k}
    var = 0.0
    for j in range(n_sl):
        da, ds = np.zeros_like(gain), np.zeros_like(src)
        da[j], ds[j] = 1e-3, 1.0
        du_da = (light(gain + da, src) - light(gain - da, src)) / 2e-3   # (J', C)
        du_ds = light(gain, src + ds) - u
        via_a = (dg_du * du_da).sum(axis=0)                    # (C,): dG / da_{j, k}
        via_s = (dg_du * du_ds).sum(axis=0)
        g = problem.kappa / n_sl * (problem.em @ u[j]) + problem.gam_a0 * problem.net @ via_a \
            + problem.sp @ via_s / (2 * problem.v_g)           # (n_p,): dG / dp_{j, cell}
        var += ((p[j] * g ** 2).sum() - (p[j] @ g) ** 2) / n
    return np.sqrt(max(var, 0.0))


def test_stimulated_emission_matches_the_twin(mc, twin):
    """(a) Counted stimulated emission vs the twin: Poisson + Minkowski-bounded light noise.

    A loose bound (~22 % of the count per standard error here; independent seeds scatter by
    ~16 %): it catches gross errors of the coupling (a missing factor, a wrong channel); the
    tight checks of the stimulated events are the counted-vs-light test below and the edge
    emission above.
    """
    problem, dense, rec, ds = twin
    n_all = mc.attrs["n_nanocrystals_total"]
    sds = np.array([stimulated_sd(problem, np.maximum(o, 0.0), N_SLICE)
                    for o in rec["occupation"]])
    counted = mc.books_stimulated_emission.isel(pump=0).values
    exact = ds.books_stimulated_emission.isel(pump=0).values
    for i, t in enumerate(TIMES[1:], start=1):
        upto = dense <= t
        sd = np.sqrt(exact[i] / n_all) + np.trapezoid(sds[upto], dense[upto])
        assert_within_noise(counted[i], exact[i], sd, what=f"stimulated emission to {t} ps")


def test_populations_per_slice_match_the_twin(mc, twin):
    """(a) Each slice's populations lie in the exact binomial interval of its N_SLICE NCs."""
    _, _, _, ds = twin
    assert_binomial(mc.slice_population.isel(pump=0).values[1:],
                    ds.slice_population.isel(pump=0).values[1:], N_SLICE,
                    what="stripe slice populations")


def test_edge_emission_matches_the_twin(mc, twin):
    """(a) Edge flux at the record times and its time integral, delta-method tolerance."""
    problem, dense, rec, ds = twin
    occ = rec["occupation"]                                     # (T_dense, J, n_p)
    amp = (ds.edge_emission_integrated / ds.edge_emission_unamplified).max().item()
    assert amp > 30                                             # real ASE, not spontaneous
    for t in TIMES[1:]:
        i = int(np.searchsorted(dense, t))
        sd = edge_sd(problem, np.maximum(occ[i], 0.0), N_SLICE)
        assert_within_noise(mc.edge_emission.sel(time=t).isel(pump=0).values,
                            ds.edge_emission.sel(time=t).isel(pump=0).values, sd,
                            what=f"edge emission at {t} ps")
    sds = np.array([edge_sd(problem, np.maximum(o, 0.0), N_SLICE) for o in occ])
    bound = np.trapezoid(sds, dense, axis=0)                    # Minkowski: sd of the integral
    assert_within_noise(mc.edge_emission_integrated.isel(pump=0).values,
                        ds.edge_emission_integrated.isel(pump=0).values, bound,
                        what="time-integrated edge emission")


def test_counted_stimulated_events_match_the_light(mc):
    """(a) The NCs' counted stimulated events = the light's expectation within Poisson noise."""
    n_all = mc.attrs["n_nanocrystals_total"]
    assert mc.books_stimulated_emission.isel(pump=0, time=-1).item() * n_all > 200
    for term in ("stimulated_emission", "stimulated_absorption", "spontaneous_into_field"):
        counted = mc[f"books_{term}"].isel(pump=0).values
        expected = mc.field_books.sel(field_term=term).isel(pump=0).values
        assert_within_noise(counted, expected, np.sqrt(expected / n_all) + 1.0 / n_all,
                            what=f"counted vs expected {term}")


@pytest.mark.parametrize("which", ["mc", "twin"])
def test_exciton_books_close(which, request):
    """(b) pumped + stim. absorbed - stim. emitted - decayed = stored (MC: exact integers)."""
    ds = request.getfixturevalue(which)
    ds = ds if which == "mc" else ds[3]
    terms = {k: ds[f"books_{k}"].isel(pump=0).values for k, _ in stripe_mod.BOOK_TERMS}
    stored = (ds.mean_excitons_t - ds.books_initial_excitons).isel(pump=0).values
    balance = (terms["pumped"] + terms["stimulated_absorption"] - terms["stimulated_emission"]
               - terms["spontaneous_into_field"] - terms["decay_other"])
    if which == "mc":
        n_all = ds.attrs["n_nanocrystals_total"]
        assert terms["stimulated_emission"][-1] * n_all > 200      # the light really acts
        np.testing.assert_array_equal(np.rint(stored * n_all), np.rint(balance * n_all))
        np.testing.assert_allclose(stored * n_all, np.rint(stored * n_all), atol=1e-6)
    else:
        np.testing.assert_allclose(stored, balance, rtol=0, atol=1e-6)


def test_field_off_slices_are_simulate_pulsed_exactly():
    """(c) Field off: slice j's NCs are simulate_pulsed's NCs j n ... (j+1) n - 1, bit for bit.

    simulate_pulsed has no first-NC argument, so slice j's counts are the difference of the
    counts of (j+1) n and j n NCs (NC i draws the same stream in both).
    """
    n, times = 3000, [0.0, 20.0, 130.0, 900.0]
    ds = kinetics.simulate_stripe("type-ii", FILM, STRIPE, times, method="monte-carlo",
                                  n_nanocrystals=n, seed=5, field=False, **PUMP)
    assert float(ds.books_stimulated_emission.max()) == 0.0
    assert float(ds.edge_emission.max()) == 0.0
    counts = np.rint(ds.slice_population.isel(pump=0).values * n)          # (T, J, S)
    cum = [np.zeros_like(counts[:, 0])]
    for j in range(1, STRIPE.slices + 1):
        ref = kinetics.simulate_pulsed("type-ii", PUMP["mean_excitons"], times,
                                       n_nanocrystals=j * n, seed=5, n_max=ds.attrs["n_max"],
                                       energy_bins=1)
        cum.append(np.rint(ref.population.isel(mean_excitons=0).values * j * n))
    for j in range(STRIPE.slices):
        np.testing.assert_array_equal(counts[:, j], cum[j + 1] - cum[j])


def test_bit_identical_for_one_and_two_threads():
    """(d) Same seed: identical output for 1 and 2 Numba threads."""
    kw = dict(MC, n_nanocrystals=2000, seed=11, energy_bins=32)
    old = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        a = kinetics.simulate_stripe("type-ii", FILM, STRIPE, [0.0, 30.0], **kw)
        numba.set_num_threads(max(2, old))
        b = kinetics.simulate_stripe("type-ii", FILM, STRIPE, [0.0, 30.0], **kw)
    finally:
        numba.set_num_threads(old)
    for v in ("slice_population", "edge_emission", "edge_emission_integrated",
              "books_stimulated_emission", "field_books"):
        np.testing.assert_array_equal(a[v].values, b[v].values)


def test_halving_dt_changes_nothing_beyond_noise(mc, twin):
    """(e) dt/2: slice populations and edge flux agree within the noise of two runs."""
    problem, dense, rec, _ = twin
    ds2 = kinetics.simulate_stripe("type-ii", FILM, STRIPE, TIMES, seed=4,
                                   dt=mc.attrs["dt_ps"] / 2, **MC)
    assert int(ds2.attrs["n_steps"][1:-1]) > int(mc.attrs["n_steps"][1:-1])
    p1 = mc.slice_population.isel(pump=0, time=-1).values
    p2 = ds2.slice_population.isel(pump=0, time=-1).values
    # two estimates, independent in effect: std of the difference sqrt(2 p (1 - p) / N)
    assert_within_noise(p2, p1, np.sqrt(2 * p1 * (1 - p1) / N_SLICE) + 1.0 / N_SLICE,
                        what="slice populations at dt/2 vs dt")
    sd = edge_sd(problem, np.maximum(rec["occupation"][-1], 0.0), N_SLICE)
    assert_within_noise(ds2.edge_emission.isel(pump=0, time=-1).values,
                        mc.edge_emission.isel(pump=0, time=-1).values, np.sqrt(2) * sd,
                        what="edge emission at dt/2 vs dt")


def test_cw_monte_carlo_matches_the_twin():
    """c.w. pumping: slice populations binomial, pumped excitons Poisson around the twin."""
    n, times, pump = 3000, [0.0, 40.0, 200.0], dict(generation_rate=[0.01])
    ds = kinetics.simulate_stripe("type-ii", FILM, STRIPE, times, method="monte-carlo",
                                  n_nanocrystals=n, seed=1, **pump)
    ref = kinetics.simulate_stripe("type-ii", FILM, STRIPE, times, n_max=ds.attrs["n_max"],
                                   rtol=1e-8, **pump)
    assert_binomial(ds.slice_population.isel(pump=0).values[1:],
                    ref.slice_population.isel(pump=0).values[1:], n, what="c.w. slices")
    # each NC's up events form a Poisson process of rate G (top state never reached here):
    # the count over all NCs has variance = mean
    n_all = ds.attrs["n_nanocrystals_total"]
    exact = ref.books_pumped.isel(pump=0).values
    assert_within_noise(ds.books_pumped.isel(pump=0).values, exact,
                        np.sqrt(exact / n_all) + 1.0 / n_all, what="c.w. pumped excitons")


@pytest.mark.parametrize("kwargs, match", [
    (dict(method="kinetic"), "method"),
    (dict(n_nanocrystals=0), "n_nanocrystals"),
    (dict(n_nanocrystals=2.5), "n_nanocrystals"),
    (dict(seed=-1), "seed"),
    (dict(dt=100.0), "dt"),
    (dict(dt=-1.0), "dt"),
    (dict(energy_bins=0), "energy_bins"),
    (dict(field="no"), "field"),
    (dict(n_nanocrystals=10 ** 9), "n_nanocrystals"),   # memory: ~88 GB of NC state
])
def test_bad_input_raises_before_work(kwargs, match):
    kw = dict(method="monte-carlo", mean_excitons=[1.0])
    kw.update(kwargs)
    with pytest.raises(ValueError, match=match):
        kinetics.simulate_stripe("type-ii", FILM, STRIPE, [0.0, 10.0], **kw)


def test_dt_error_names_the_allowed_range():
    with pytest.raises(ValueError, match=r"dt = 100.0 ps is outside the allowed range \(0, "):
        kinetics.simulate_stripe("type-ii", FILM, STRIPE, [0.0, 10.0], method="monte-carlo",
                                 mean_excitons=[1.0], dt=100.0)


def test_stalled_run_far_beyond_saturation_stops(monkeypatch):
    """Gamma_c alpha_0 L = 300 at <N> = 3: the explicit light stalls; RuntimeError, no hang."""
    monkeypatch.setattr(stripe_monte_carlo, "STALL_STEPS", 30)
    hot = models.Stripe(length=0.3, slices=4, channels=8)
    with pytest.raises(RuntimeError, match="method='rate-equations'"):
        kinetics.simulate_stripe("type-ii", FILM, hot, [0.0, 5.0], method="monte-carlo",
                                 mean_excitons=[3.0], n_nanocrystals=100, seed=1)


# -------------------------------------------------------------------- sub-slices (issue 20)
# A 2-slice stripe of a from-scratch gamma = 0 sample at 4 mJ cm^-2 (the issue's "ncgain ase
# --method monte-carlo with few slices"): a dz = 29 per slice at t = 0; unrefined, one slice
# saturated to transparency in its neighbour's light held the step at ~1e-9 ps (stall).
FEW = models.Stripe(length=0.04, slices=2, channels=8, spontaneous_coupling=1e-4)
G0 = models.Sample(name="g0", exciton_energy=2.05, delta_xx=0.08, linewidth=0.05,
                   tau_x=2000.0, tau_xx=100.0, sigma_pump=3e-16, pump_energy=3.0)


def _gain_length(film, stripe, **pump):
    """(Gamma_c alpha_0 max_k g_k - alpha_loss) dz of one slice at t = 0 (pulsed)."""
    kw = dict(mean_excitons=None, fluence=None, generation_rate=None)
    kw.update(pump)
    pr = stripe_mod._StripeProblem.build(
        G0, film, stripe, [0.0, 1.0], method="monte-carlo", n_max=None, n_nanocrystals=500,
        seed=0, dt=None, field_on=True, energy_bins=32, **kw)
    p0 = (pr.initial(0)[:, :, None] * pr.bins.mass[:, None, :]
          * pr.table.class_weight[:, None, None]).reshape(-1)
    return pr, (pr.gam_a0 * float((p0 @ pr.net).max()) - pr.film.loss) * pr.dz


def test_sub_slices_start_just_above_the_limit():
    film = models.Film.close_packed()
    _, a_dz = _gain_length(film, FEW, mean_excitons=[1.0])
    a = a_dz / FEW.length * FEW.slices                       # cm^-1
    limit = stripe_monte_carlo.MAX_SLICE_GAIN
    for factor, expected in [(0.99, 1), (1.01, 2), (2.99, 3)]:
        st = models.Stripe(length=factor * limit / a * FEW.slices, slices=FEW.slices,
                           channels=8, spontaneous_coupling=1e-4)
        pr, got = _gain_length(film, st, mean_excitons=[1.0])
        assert got == pytest.approx(factor * limit, rel=1e-9)
        assert stripe_monte_carlo.sub_slices(pr, 0) == expected
    # the field off never refines; at most one sub-slice per NC
    pr, a_dz = _gain_length(film, FEW, fluence=[4.0])
    assert stripe_monte_carlo.sub_slices(pr, 0) == np.ceil(a_dz / limit) > 2
    off = dataclasses.replace(pr, field_on=False)
    assert stripe_monte_carlo.sub_slices(off, 0) == 1
    few_ncs = dataclasses.replace(pr, n_nanocrystals=2)
    assert stripe_monte_carlo.sub_slices(few_ncs, 0) == 2


def test_few_slices_run_on_sub_slices_and_report_the_requested_ones():
    film = models.Film.close_packed()
    _, a_dz = _gain_length(film, FEW, fluence=[4.0])
    assert 28 < a_dz <= 32                                   # 8 sub-slices of a dz <= 4
    kw = dict(fluence=[4.0], method="monte-carlo", seed=3)
    ds = kinetics.simulate_stripe(G0, film, FEW, [0.0, 30.0], n_nanocrystals=480, **kw)
    assert json.loads(ds.attrs["sub_slices"]) == [8]
    assert ds.sizes["slice"] == 2
    # the same NCs (global indices, streams) on 16 requested slices of 480 / 8: the same run
    fine = dataclasses.replace(FEW, slices=16)
    ref = kinetics.simulate_stripe(G0, film, fine, [0.0, 30.0], n_nanocrystals=60, **kw)
    assert json.loads(ref.attrs["sub_slices"]) == [1]
    assert np.array_equal(ds.edge_emission.values, ref.edge_emission.values)
    assert np.array_equal(ds.edge_emission_integrated.values,
                          ref.edge_emission_integrated.values)
    assert ds.attrs["n_steps"] == ref.attrs["n_steps"]
    coarse = ref.slice_population.values.reshape(1, 2, 2, 8, -1).mean(axis=3)
    assert np.allclose(ds.slice_population.values, coarse, rtol=0, atol=1e-15)
    assert np.allclose(ds.population.values, ref.population.values, rtol=0, atol=1e-15)
