"""The cavity Monte Carlo's rate tables and kernels against exact evaluations."""

import dataclasses

import numba
import numpy as np
import pytest

from ncgain import kinetics, models
from ncgain.kinetics import cavity
from ncgain.kinetics.field import _coupling as field
from ncgain.kinetics.field import _kernels as _field_kernels
from ncgain.kinetics.field._rates import (RATE_GRID_STEP, StimulatedRates, spontaneous_bound,
                                          uniform_step)

FILM = models.Film(absorption_coefficient=500.0, confinement_factor=0.5)
CAV = models.Cavity(photon_lifetime=5.0, channels=64, spontaneous_coupling=1e-3)
LORENTZ = dataclasses.replace(models.presets.TYPE_II_CDS_ZNSE, homogeneous_lineshape="lorentzian")


def _problem(sample):
    return cavity.CavityProblem.build(sample, FILM, CAV, [0.0, 10.0], generation_rate=[0.02],
                                      n_nanocrystals=1000)


def _exact(problem, photons, strength, offset, c, n, energy):
    """sum_l s_l sum_k h(E_k - E - o_l) P_k, the rate per unit scale, directly."""
    tab = problem.table
    out = np.zeros(energy.size)
    for s_l, o_l in zip(strength[c, n], offset[c, n]):
        if s_l > 0:
            h = field.homogeneous(problem.channels[None, :] - (energy[:, None] + o_l),
                                  tab.homogeneous_width[c], tab.lineshape)
            out += s_l * (h @ photons)
    return out


@pytest.mark.parametrize("sample", ["type-ii", "type-i", LORENTZ])
@pytest.mark.parametrize("field_shape", ["one-mode", "broad"])
def test_folded_rates_within_their_interpolation_bound(sample, field_shape):
    """Every (class, n) rate of the folded tables is within the stated bound of the exact sum."""
    problem = _problem(sample)
    tab, lines = problem.table, problem.lines
    rng = np.random.default_rng(4)
    c = 0
    energy = tab.exciton_energy[c] + tab.inhomogeneous_width[c] * rng.standard_normal(4000) \
        / np.sqrt(2)
    photons = (np.eye(problem.channels.size)[problem.channels.size // 2]
               if field_shape == "one-mode" else rng.random(problem.channels.size))
    base = np.zeros_like(tab.decay_rate)
    rates = StimulatedRates(tab, lines, problem.channels, 1.0, energy.min(), energy.max(), base)
    rates.update(photons)
    errors, peak = [], 0.0
    for n in range(tab.n_max + 1):
        for which, s, o in ((rates.em, lines.em_strength, lines.em_offset),
                            (rates.absorb, lines.abs_strength, lines.abs_offset)):
            exact = _exact(problem, photons, s, o, c, n, energy)
            errors.append(np.abs(rates.interpolate(which, c, n, energy) - exact).max())
            peak = max(peak, exact.max())
        total = rates.interpolate(rates.total, c, n, energy)
        np.testing.assert_allclose(total, rates.interpolate(rates.em, c, n, energy)
                                   + rates.interpolate(rates.absorb, c, n, energy),
                                   rtol=1e-12, atol=1e-15 * peak)
    assert peak > 0
    # two stacked linear interpolations of a line of curvature <= 2 h(0) / w^2
    assert rates.relative_error_bound == pytest.approx(0.5 * RATE_GRID_STEP ** 2)
    assert max(errors) <= rates.relative_error_bound * peak
    # ... and the bound lies below the Monte Carlo noise of 1e7 NCs (1 / sqrt(1e7))
    assert rates.relative_error_bound < 1 / np.sqrt(1e7)


@pytest.mark.parametrize("sample", ["type-ii", LORENTZ])
def test_spontaneous_bound_bounds_the_rate_into_the_channels(sample):
    """The exact total spontaneous rate into the channels never exceeds the kernel's bound."""
    problem = _problem(sample)
    tab, lines = problem.table, problem.lines
    bound = spontaneous_bound(tab, problem.spont_coef, problem.channels)
    width = field.channel_widths(problem.channels)
    energy = np.linspace(problem.channels[0] - 0.6, problem.channels[-1] + 0.2, 3001)
    for n in range(1, tab.n_max + 1):
        total = _exact(problem, width, problem.spont_coef, lines.em_offset, 0, n, energy)
        assert total.max() <= bound[0, n]
        assert bound[0, n] <= 1.2 * total.max()     # and is not uselessly loose


def _kernel_state(problem, n_nc, seed):
    """Initial NC arrays of the cavity Monte Carlo (as in CavityProblem.monte_carlo)."""
    from scipy import special
    tab = problem.table
    key = np.uint64(kinetics._kernels.seed_key(seed))
    st = dict(cls=np.empty(n_nc, np.uint8), n=np.empty(n_nc, np.uint8), e=np.empty(n_nc),
              clock=np.empty(n_nc), counter=np.empty(n_nc, np.uint32))
    init = np.zeros((tab.n_classes, tab.n_max + 1))
    init[:, :3] = [0.5, 0.3, 0.2]
    _field_kernels._field_init(key, n_nc, np.cumsum(tab.class_weight), np.cumsum(init, axis=1),
                               st["cls"], st["n"], st["e"], st["clock"], st["counter"],
                               np.zeros(1, np.int64))
    st["e"] = tab.exciton_energy[st["cls"]] + tab.inhomogeneous_width[st["cls"]] \
        * special.ndtri(st["e"]) / np.sqrt(2)
    return key, st


def _run_steps(problem, key, st, photons, n_steps, dt, parts):
    tab, cp = problem.table, problem.coupling
    kk, s, b = cp.em.shape[:3]
    nch = problem.channels.size
    up = problem.up_rate(0)
    dn = np.ascontiguousarray(tab.decay_rate)
    rates = StimulatedRates(tab, problem.lines, problem.channels,
                            problem.kappa / cp.a_peak / st["n"].size, st["e"].min(),
                            st["e"].max(), up + dn)
    p_bar = photons * st["n"].size
    rates.update(p_bar)
    bound = spontaneous_bound(tab, problem.spont_coef, problem.channels)
    counts = np.zeros((1, kk, s, b), np.int64)
    _field_kernels._field_histogram(st["cls"], st["e"], st["n"], problem.bins.lo,
                                    problem.bins.inv_width, counts)
    counts = counts[0]
    n_ev = np.zeros((parts, 5), np.int64)
    ph = np.zeros((3, parts, nch), np.int64)
    for _ in range(n_steps):
        delta = np.zeros((parts, kk, s, b), np.int64)
        _field_kernels._field_step(
            key, 0, dt, True, st["cls"], st["e"], st["n"], st["clock"], st["counter"], up, dn,
            rates.em, rates.absorb, rates.total, rates.e0, rates.inv_dx,
            problem.lines.em_strength, problem.lines.em_offset, problem.lines.abs_strength,
            problem.lines.abs_offset, problem.spont_coef, bound, problem.channels,
            uniform_step(problem.channels), p_bar,
            field.channel_widths(problem.channels), tab.homogeneous_width,
            rates.line_code, problem.bins.lo, problem.bins.inv_width, n_ev, ph[0],
            ph[1], ph[2], delta)
        counts += delta.sum(axis=0)
    return counts, n_ev.sum(axis=0), ph.sum(axis=1)


def test_field_step_histogram_deltas_and_any_partition():
    """Deltas keep the (class, n, bin) histogram exact; parts and threads change nothing."""
    problem = _problem("type-ii")
    photons = np.full(problem.channels.size, 0.5)   # photons per NC: a strong field
    outs = []
    old = numba.get_num_threads()
    try:
        for threads, parts in ((1, 1), (max(2, old), 7)):
            numba.set_num_threads(threads)
            key, st = _kernel_state(problem, 3000, seed=9)
            counts, events, photons_out = _run_steps(problem, key, st, photons, 20, 0.25, parts)
            full = np.zeros((1,) + counts.shape, np.int64)
            _field_kernels._field_histogram(st["cls"], st["e"], st["n"], problem.bins.lo,
                                            problem.bins.inv_width, full)
            np.testing.assert_array_equal(counts, full[0])
            assert events[1] > 100 and events[2] > 100    # stimulated events happen
            outs.append((st["n"].copy(), st["clock"].copy(), events, photons_out))
    finally:
        numba.set_num_threads(old)
    for a, b in zip(*outs):
        np.testing.assert_array_equal(a, b)


def test_gaussian_recurrence_equals_direct_line_shape():
    """The channel-pick recurrence reproduces h at every channel to rounding, any centre."""
    channels = np.linspace(1.90, 2.25, 64)
    step = uniform_step(channels)
    assert step > 0 and uniform_step(np.r_[channels[:-1], 2.26]) == 0.0
    width = 0.02
    for center in (1.7, 1.9, 2.0123, 2.25, 2.6):
        buf = np.zeros(channels.size)
        _field_kernels._add_gaussian(buf, channels[0], step, center, 0.7, width)
        exact = 0.7 * field.homogeneous(channels - center, width, "gaussian")
        np.testing.assert_allclose(buf, exact, rtol=1e-11, atol=1e-300)
    # and the pick itself: same channel as with the direct evaluation for every u
    weights = np.random.default_rng(0).random(channels.size)
    gaussian = field.LINE_CODES[("gaussian", False)]   # sampled at the channel centres
    offsets, strengths = np.array([0.0, 0.2]), np.array([1.0, 0.5])
    for u in np.linspace(0.001, 0.999, 400):
        k_rec = _field_kernels._pick_channel(u, 1.98, offsets, strengths, channels, weights,
                                             width, gaussian, np.empty(64), step)
        k_dir = _field_kernels._pick_channel(u, 1.98, offsets, strengths, channels, weights,
                                             width, gaussian, np.empty(64), 0.0)
        assert k_rec == k_dir
