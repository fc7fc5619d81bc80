"""The photon field in a cavity: books, reductions, MC vs rate equations, threshold."""

import dataclasses
import numba
import numpy as np
import pytest

from ncgain import kinetics, models
from ncgain.kinetics import cavity, master_equation
from ncgain.models.state_table import build_state_table
from tests.conftest import Z_BOUND, assert_binomial, assert_within_noise

FILM = models.Film(absorption_coefficient=500.0, confinement_factor=0.5)
CAV = models.Cavity(photon_lifetime=5.0, channels=16, spontaneous_coupling=1e-3)
N_NC = 5_000
TIMES = [0.0, 40.0, 80.0, 120.0]
LASING = dict(generation_rate=[0.02])


@pytest.fixture(scope="module")
def lasing_mc():
    return kinetics.simulate_cavity("type-ii", FILM, CAV, TIMES, n_nanocrystals=N_NC, seed=3,
                                    **LASING)


@pytest.fixture(scope="module")
def lasing_twin():
    return kinetics.simulate_cavity("type-ii", FILM, CAV, TIMES, method="rate-equations",
                                    **LASING)


def test_exciton_books_close_exactly(lasing_mc):
    """(a) Sum of n changes by exactly pump + absorption - emission - decays (integers)."""
    ds = lasing_mc
    n = ds.attrs["n_nanocrystals"]
    stored = np.rint((ds.mean_excitons_t - ds.books_initial_excitons) * n).values
    terms = {k: np.rint(ds[f"books_{k}"] * n).values for k in
             ("pumped", "stimulated_absorption", "stimulated_emission", "spontaneous_into_field",
              "decay_other")}
    assert terms["stimulated_emission"][0, -1] > 500   # the field really acts
    balance = (terms["pumped"] + terms["stimulated_absorption"] - terms["stimulated_emission"]
               - terms["spontaneous_into_field"] - terms["decay_other"])
    np.testing.assert_array_equal(stored, balance)


@pytest.mark.parametrize("which", ["lasing_mc", "lasing_twin"])
def test_photon_books_close(which, request):
    """(a) Field: emitted - absorbed + spontaneous - output - lost inside = stored."""
    ds = request.getfixturevalue(which)
    b = ds.photon_books.sel
    stored = (b(photon_term="emitted") - b(photon_term="absorbed") + b(photon_term="spontaneous")
              - b(photon_term="output") - b(photon_term="lost_inside"))
    scale = float(b(photon_term="emitted").max())
    np.testing.assert_allclose(stored, b(photon_term="stored"), rtol=0, atol=1e-9 * scale)
    np.testing.assert_allclose(b(photon_term="stored"), ds.photons_total, rtol=1e-12, atol=0)


def test_counted_events_match_field_books(lasing_mc):
    """(a) The NCs' counted stimulated events match the field's books within Poisson noise."""
    ds = lasing_mc
    n = ds.attrs["n_nanocrystals"]
    for term, books in (("emitted", "stimulated_emission"), ("absorbed", "stimulated_absorption")):
        counted = ds[f"books_{books}"].isel(pump=0, time=-1).values
        field = ds.photon_books.sel(photon_term=term).isel(pump=0, time=-1).values
        assert abs(counted - field) <= Z_BOUND * np.sqrt(counted / n) + 1e-12, (term, counted,
                                                                               field)


def test_monte_carlo_matches_rate_equations(lasing_mc, lasing_twin):
    """(e) Populations agree within the exact binomial interval of N_NC NCs."""
    p_mc = lasing_mc.population.isel(pump=0).values
    p_re = lasing_twin.population.isel(pump=0).values
    assert_binomial(p_mc[1:], p_re[1:], N_NC, what="cavity populations")
    # The field itself is not compared here: during the relaxation oscillations of the
    # turn-on its value depends on the phase of the ringing, and no variance formula for
    # it is derived; it enters through the populations above and the books.


def test_halving_dt_changes_nothing_beyond_noise(lasing_mc):
    ds2 = kinetics.simulate_cavity("type-ii", FILM, CAV, TIMES, n_nanocrystals=N_NC, seed=3,
                                   dt=lasing_mc.attrs["dt_ps"] / 2, **LASING)
    p1 = lasing_mc.population.isel(pump=0, time=-1).values
    p2 = ds2.population.isel(pump=0, time=-1).values
    # two independent-in-effect estimates: std of the difference sqrt(2 p (1-p) / N)
    std = np.sqrt(2 * p1 * (1 - p1) / N_NC) + 1.0 / N_NC
    assert_within_noise(p2, p1, std, what="populations at dt/2 vs dt")


def test_bit_identical_for_any_thread_count():
    kw = dict(n_nanocrystals=3000, seed=11, generation_rate=[0.02])
    old = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        a = kinetics.simulate_cavity("type-ii", FILM, CAV, [0.0, 60.0], **kw)
        numba.set_num_threads(max(2, old))
        b = kinetics.simulate_cavity("type-ii", FILM, CAV, [0.0, 60.0], **kw)
    finally:
        numba.set_num_threads(old)
    for v in ("population", "photons", "books_stimulated_emission", "output_rate"):
        np.testing.assert_array_equal(a[v].values, b[v].values)


def test_field_off_pulsed_is_simulate_pulsed_exactly():
    """(d) Field off: each NC follows its simulate_pulsed trajectory (same draws)."""
    times = [0.0, 20.0, 130.0, 900.0]
    ds = kinetics.simulate_cavity("type-ii", FILM, CAV, times, mean_excitons=[1.5],
                                  n_nanocrystals=20_000, seed=5, field=False)
    ref = kinetics.simulate_pulsed("type-ii", [1.5], times, n_nanocrystals=20_000, seed=5,
                                   n_max=ds.attrs["n_max"], energy_bins=1)
    np.testing.assert_array_equal(np.rint(ds.population.values * 20_000),
                                  np.rint(ref.population.values * 20_000))


def test_field_off_cw_matches_master_equation():
    """(d) Field off, c.w.: populations = master equation with up rate G (within noise)."""
    g = 0.01
    times = np.array([0.0, 100.0, 400.0])
    ds = kinetics.simulate_cavity("type-i", FILM, CAV, times, generation_rate=[g],
                                  n_nanocrystals=20_000, seed=2, field=False)
    table = build_state_table(models.presets.TYPE_I_CDSE, ds.attrs["n_max"])
    up = np.zeros_like(table.decay_rate)
    up[:, :-1] = g * table.pump_scale[:, None]
    p0 = np.zeros((1, table.n_classes, table.n_max + 1))
    p0[..., 0] = 1.0
    exact = master_equation.propagate(p0, up, table.decay_rate, times)[0, :, 0]
    assert_binomial(ds.population.isel(pump=0).values, exact, 20_000, what="c.w. field off")
    assert float(ds.books_stimulated_emission.max()) == 0.0


def test_lasing_threshold_from_kink_matches_gain_threshold():
    """(c) The L-L kink (max log-log slope) lies at the steady-state gain threshold."""
    cav = models.Cavity(photon_lifetime=5.0, channels=16, spontaneous_coupling=1e-4)
    rates = np.geomspace(1.15e-3, 1.75e-3, 9)
    ds = kinetics.simulate_cavity("type-ii", FILM, cav, [0.0, 3000.0, 6000.0],
                                  generation_rate=rates, method="rate-equations")
    g_th = ds.attrs["gain_threshold_generation_rate_per_ps"]
    slope = np.diff(np.log(ds.output.values)) / np.diff(np.log(rates))
    i = int(np.argmax(slope))
    assert slope[i] > 10  # a real kink
    # the kink interval [rates[i], rates[i+1]] contains the threshold, up to one grid step
    step = np.log(rates[1] / rates[0])
    assert np.log(rates[i]) - step <= np.log(g_th) <= np.log(rates[i + 1]) + step
    # the threshold itself: no-field c.w. gain reaches the cavity loss
    problem = cavity.CavityProblem.build("type-ii", FILM, cav, [0.0, 1.0],
                                         generation_rate=[g_th], method="rate-equations")
    gain = cavity.steady_gain(problem, g_th)
    assert np.isclose(problem.kappa * gain.max(), problem.loss_rate, rtol=1e-8)
    # ... and equals the c.w. issue's cw_threshold at the cavity's loss and the same energy
    # (it integrates E_i exactly; the cavity bins E_i in 160 bins: rtol 1e-3)
    ref = kinetics.cw_threshold("type-ii", energy=ds.attrs["gain_threshold_energy_eV"],
                                loss=problem.loss_rate / problem.kappa)
    assert float(ref) == pytest.approx(g_th, rel=1e-3)
    # and the gain is clamped at the loss above threshold
    top = ds.net_gain.isel(pump=-1, time=-1).max().item()
    assert np.isclose(top, ds.attrs["loss_fraction_of_alpha0"], rtol=0.05)


@pytest.mark.parametrize("key, rate", [("type-ii", 0.02), ("type-i", 0.01)])
def test_root_solved_steady_state_is_the_transients_long_time_limit(key, rate):
    """cavity_steady_state (no transient) = the twin's state after 6 ns of c.w. pumping."""
    ds = kinetics.simulate_cavity(key, FILM, CAV, [0.0, 3000.0, 6000.0], generation_rate=[rate],
                                  method="rate-equations", energy_bins=40)
    problem = cavity.CavityProblem.build(key, FILM, CAV, [0.0, 1.0], generation_rate=[rate],
                                         method="rate-equations", energy_bins=40)
    ss = cavity.cavity_steady_state(problem)
    assert ss["residual"].max() <= cavity.STEADY_RTOL
    # the slowest mode of the linearised twin decays at -growth_rate: after 6 ns the
    # transient is within exp(growth_rate * 6000) of the steady state (relative)
    growth = cavity.cavity_small_signal(problem, rate, ss)["growth_rate"]
    assert growth < 0
    tol = 10 * np.exp(growth * 6000.0) + 1e-6
    np.testing.assert_allclose(ds.photons.isel(pump=0, time=-1), ss["photons"][0], rtol=tol,
                               atol=tol * ss["photons"].max())
    np.testing.assert_allclose(ds.population.isel(pump=0, time=-1),
                               ss["occupation"][0].sum(axis=(0, 2)), rtol=0, atol=tol)
    # at a steady state the field's net gain is the loss minus the spontaneous feed
    k = int(np.argmax(ss["photons"][0]))
    assert problem.kappa * ss["net_gain"][0, k] < problem.loss_rate


def test_steady_state_without_pump_is_dark_and_bad_rates_raise():
    problem = cavity.CavityProblem.build("type-ii", FILM, CAV, [0.0, 1.0],
                                         generation_rate=[0.01], method="rate-equations")
    ss = cavity.cavity_steady_state(problem, [0.0])
    assert ss["photons"].max() == 0.0 and ss["occupation"][0, :, 0].sum() == pytest.approx(1.0)
    with pytest.raises(ValueError, match="rates"):
        cavity.cavity_steady_state(problem, [-1.0])
    pulsed = cavity.CavityProblem.build("type-ii", FILM, CAV, [0.0, 1.0], mean_excitons=[1.0],
                                        method="rate-equations")
    with pytest.raises(ValueError, match="c.w."):
        cavity.cavity_steady_state(pulsed)


@pytest.mark.parametrize("kwargs, match", [
    (dict(cavity=dict(quality_factor=0.5)), "quality_factor"),
    (dict(cavity=dict(photon_lifetime=-1.0)), "photon_lifetime"),
    (dict(cavity=dict(photon_lifetime=1.0, spontaneous_coupling=0.0)), "spontaneous_coupling"),
    (dict(cavity=dict(photon_lifetime=1.0, spontaneous_coupling=1.5)), "spontaneous_coupling"),
    (dict(cavity=dict(photon_lifetime=1.0, channel_range=(1.0, 1.2))), "channel_range"),
    (dict(dt=5.0), "dt"),
    (dict(n_nanocrystals=10 ** 9), "n_nanocrystals"),
    (dict(generation_rate=[-1.0]), "generation_rate"),
    (dict(energy_bins=4), "energy_bins"),
])
def test_bad_input_raises(kwargs, match):
    cav_kw = kwargs.pop("cavity", dict(photon_lifetime=1.0))
    kw = dict(generation_rate=[0.01])
    kw.update(kwargs)
    with pytest.raises(ValueError, match=match):
        kinetics.simulate_cavity("type-ii", FILM, models.Cavity(**cav_kw), [0.0, 10.0], **kw)


def test_negative_film_loss_and_stripe_length_raise():
    with pytest.raises(ValueError, match="loss"):
        models.Film(absorption_coefficient=100.0, loss=-1.0)
    with pytest.raises(ValueError, match="length"):
        models.Stripe(length=-0.1)


def test_top_state_is_reflecting_for_stimulated_absorption():
    # A higher transition without Stark shift absorbs at the channels from every n,
    # also from the top state n_max: neither method may carry NCs beyond it (the
    # Monte Carlo wrote past its arrays, the twin leaked probability).
    sample = dataclasses.replace(models.presets.TYPE_II_CDS_ZNSE, higher_transitions=(
        models.HigherTransition(offset=0.12, strength=1.0, width=0.02),))
    film = models.Film.close_packed()
    cav = models.Cavity(quality_factor=2500.0, channels=16, spontaneous_coupling=1e-4)
    kw = dict(mean_excitons=[2.5], n_max=3)
    problem = cavity.CavityProblem.build(sample, film, cav, [0.0, 300.0], **kw)
    assert problem.lines.abs_strength[:, -1].max() == 0.0
    assert problem.lines.abs_strength[:, 0].max() > 0.0   # the line is there below n_max
    # 100 ps (the Monte Carlo's cost is its ~260 steps per ps): with absorption from n_max
    # put back, the twin leaks 1.2e-3 and the stripe 1.2e-4 of probability by then (the
    # bounds below are 1e-9), and the Monte Carlo (seed 5) loses an NC or stops on its own
    # histogram check, as over 300 ps
    times = [0.0, 50.0, 100.0]
    twin = kinetics.simulate_cavity(sample, film, cav, times, method="rate-equations", **kw)
    np.testing.assert_allclose(twin.population.sum("excitons"), 1.0, rtol=0, atol=1e-9)
    mc = kinetics.simulate_cavity(sample, film, cav, times, n_nanocrystals=3_000, seed=5, **kw)
    # integer counts over NCs: every NC stays in the histogram, exactly
    np.testing.assert_array_equal(np.rint(mc.population.sum("excitons") * 3_000), 3_000)
    stripe = kinetics.simulate_stripe(sample, film, models.Stripe(length=0.04, slices=3,
                                                                  channels=12), times, **kw)
    np.testing.assert_allclose(stripe.slice_population.sum("excitons"), 1.0, rtol=0, atol=1e-9)


def test_steady_state_and_small_signal_validate_their_rates():
    film = models.Film.close_packed()
    cav = models.Cavity(quality_factor=2500.0, channels=8, spontaneous_coupling=1e-4)
    base = cavity.CavityProblem.build("type-ii", film, cav, [0.0, 1.0], generation_rate=[1e-3],
                                      method="rate-equations", energy_bins=16)
    for bad, match in (([], "non-empty"), ([-1e-3], "outside the allowed range"),
                       ([np.nan], "outside the allowed range"), (["x"], "rates"),
                       ([0.3], "n_max")):      # n_max of G = 1e-3 cannot hold G = 0.3
        with pytest.raises(ValueError, match=match):
            cavity.cavity_steady_state(base, bad)
    two = cavity.cavity_steady_state(base, [5e-4, 1e-3])
    with pytest.raises(ValueError, match="leading dimension 1"):
        cavity.cavity_small_signal(base, 1e-3, two)
    one = {k: v[:1] for k, v in two.items()}            # the state at G = 5e-4
    with pytest.raises(ValueError, match="not the steady state"):
        cavity.cavity_small_signal(base, 1e-3, one)
    assert np.isfinite(cavity.cavity_small_signal(base, 5e-4, one)["growth_rate"])
    with pytest.raises(ValueError, match="one generation rate"):
        cavity.cavity_small_signal(base, [1e-3, 2e-3])


@pytest.mark.parametrize("method", ["rate-equations", "monte-carlo"])
def test_single_record_time_is_the_initial_state(method):
    # issue 20: times=[0.0] raised in the rate equations (solve_ivp on an empty span)
    film = models.Film(absorption_coefficient=2000.0, confinement_factor=0.5)
    cav = models.Cavity(photon_lifetime=2.0, channels=8)
    kw = dict(mean_excitons=[1.0], method=method, n_nanocrystals=2000, seed=3)
    one = kinetics.simulate_cavity("type-ii", film, cav, [0.0], **kw)
    two = kinetics.simulate_cavity("type-ii", film, cav, [0.0, 5.0], **kw)
    assert one.sizes["time"] == 1
    for name in ("population", "photons", "net_gain"):
        # the solver's t = 0 record is y0 up to its rounding (the Monte Carlo's: exact)
        assert np.allclose(one[name].values[:, 0], two[name].values[:, 0], rtol=1e-12,
                           atol=1e-15), name
    assert float(one.photons_total.max()) == 0.0
def test_pulsed_high_q_step_guard_keeps_counted_events_on_the_fields_books():
    """A pulsed high-Q run cycles each NC dozens of times (stimulated emission and
    absorption in a strong frozen field): the step is guarded by each NC's stimulated
    rate (as in the stripe), and the counted events match the field's books."""
    from ncgain.kinetics.field import _common, cavity_monte_carlo
    n = 20_000
    cav = models.Cavity(photon_lifetime=2000.0, channels=16, spontaneous_coupling=1e-3)
    problem = cavity.CavityProblem.build("type-ii", models.Film.close_packed(), cav,
                                         [0.0, 5.0, 20.0], mean_excitons=[6.0],
                                         n_nanocrystals=n, seed=5)
    rec = cavity_monte_carlo.monte_carlo(problem, 0)
    assert 0.5 * _common.MAX_TURNOVER_STEP < rec["max_stimulated_turnover"] \
        <= _common.MAX_TURNOVER_STEP * (1 + 1e-9)           # the guard bound this run
    counted = rec["cumulative"][-1]                          # per NC: pump, abs, em, ...
    field = rec["photon_books"][-1]                          # emitted, absorbed, ...
    assert counted[2] > 30                                   # dozens of cycles per NC
    for term, c, f in (("emitted", counted[2], field[0]), ("absorbed", counted[1], field[1])):
        assert abs(c - f) <= Z_BOUND * np.sqrt(c / n), (term, c, f)
