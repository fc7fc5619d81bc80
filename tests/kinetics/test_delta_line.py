"""A delta homogeneous line (gamma = 0) in the photon field: lase and ase on every preset.

With gamma below the channel spacing dE the field averages each line over the channel
(:func:`ncgain.kinetics.field._coupling.field_line`); gamma = 0 is then the channel's box,
and the results are continuous in gamma -> 0.
"""

import dataclasses

import numpy as np
import pytest
from scipy import special

from ncgain import kinetics, models
from ncgain.kinetics.field import _coupling as field
from ncgain.models import _registry
from ncgain.models.state_table import build_state_table

FILM = models.Film(absorption_coefficient=500.0, confinement_factor=0.5)
CAV = models.Cavity(photon_lifetime=5.0, channels=16, spontaneous_coupling=1e-3)
STRIPE = models.Stripe(length=0.02, slices=4, channels=16)
TIMES = [0.0, 40.0, 80.0]

#: A sample written from scratch: every field the user must give, the rest defaults
#: (homogeneous_linewidth = 0, a delta line).
SCRATCH = models.Sample(name="from scratch", exciton_energy=2.0, delta_xx=0.05, linewidth=0.05,
                        tau_x=2000.0, tau_xx=100.0, sigma_pump=3e-16, pump_energy=3.0)


def with_gamma(sample, gamma):
    """The sample with every homogeneous line (band edge, higher transitions) of width gamma."""
    return dataclasses.replace(sample, homogeneous_linewidth=gamma, higher_transitions=tuple(
        dataclasses.replace(t, width=gamma) for t in sample.higher_transitions))


SAMPLES = {name: with_gamma(_registry.preset(name), 0.0) for name in _registry.preset_names()}
SAMPLES["from-scratch"] = SCRATCH


def _finite(ds):
    """Every float is finite, except where ``nan_meaning`` documents NaN as "does not exist"
    (thresholds not reached, an empty XX band: kinetics.field.analysis); one convention
    (docs/reliability.md, "NaN"): no NaN sentence in a description."""
    for name, var in ds.variables.items():
        assert "NaN:" not in var.attrs.get("description", ""), name
        declared = str(var.attrs.get("nan_meaning", "")).startswith("does not exist: ")
        if var.dtype.kind == "f" and not declared:
            assert np.isfinite(var.values).all(), name


@pytest.mark.parametrize("method", ["rate-equations", "monte-carlo"])
@pytest.mark.parametrize("name", list(SAMPLES))
def test_lase_with_delta_line(name, method):
    sample = SAMPLES[name]
    assert sample.homogeneous_linewidth == 0.0
    ds = kinetics.simulate_cavity(sample, FILM, CAV, TIMES, generation_rate=[0.0, 0.02],
                                  method=method, n_nanocrystals=4000, seed=2)
    _finite(ds)
    # the pumped cavity holds photons, the unpumped one none
    assert float(ds.photons_total.isel(time=-1)[0]) == 0.0
    assert float(ds.photons_total.isel(time=-1)[1]) > 0.0


@pytest.mark.parametrize("method", ["rate-equations", "monte-carlo"])
@pytest.mark.parametrize("name", list(SAMPLES))
def test_ase_with_delta_line(name, method):
    sample = SAMPLES[name]
    ds = kinetics.simulate_stripe(sample, FILM, STRIPE, TIMES, mean_excitons=[0.5, 2.0],
                                  method=method, n_nanocrystals=2000, seed=2)
    _finite(ds)
    out = ds.edge_emission_integrated
    assert (out > 0).all()
    # more pump, more edge emission
    assert float(out.sum("channel")[1]) > float(out.sum("channel")[0])


def test_delta_line_is_the_limit_of_narrow_lines():
    """gamma = 1e-6 eV and gamma = 0 agree (rate equations, cavity and stripe).

    The channel-averaged line of width gamma differs from the channel's box only within
    ~gamma of the channel edges: a relative change ~gamma / dE = 1e-6 / 0.02 ~ 5e-5 of the
    coupling; the tolerance 1e-3 is 20 times that.
    """
    base = models.presets.TYPE_II_CDS_ZNSE
    runs = {}
    for g in (0.0, 1e-6):
        s = with_gamma(base, g)
        cav = kinetics.simulate_cavity(s, FILM, CAV, TIMES, generation_rate=[0.02],
                                       method="rate-equations")
        st = kinetics.simulate_stripe(s, FILM, STRIPE, TIMES, mean_excitons=[1.5])
        runs[g] = (cav, st)
    for v in ("photons_total", "mean_excitons_t"):
        a, b = runs[0.0][0][v].values, runs[1e-6][0][v].values
        np.testing.assert_allclose(b, a, rtol=1e-3, atol=1e-12, err_msg=v)
    for v in ("edge_emission_integrated", "net_gain"):
        a, b = runs[0.0][1][v].values, runs[1e-6][1][v].values
        np.testing.assert_allclose(b, a, rtol=1e-3, atol=1e-3 * np.abs(a).max(), err_msg=v)


def test_delta_line_couples_the_inhomogeneous_line_averaged_over_each_channel():
    """Unexcited absorption seen by channel k with gamma = 0: the Gaussian ensemble line
    averaged over the channel, (1/dE) int_cell exp(-(E-E_X)^2/w^2) / (sqrt(pi) w) dE."""
    s = SCRATCH
    table = build_state_table(s, 3)
    lines = field.transition_lines(table)
    channels = field.default_channels(s, table, 16)
    bins = field.energy_bins(table, 32)
    coef = field.spontaneous_coefficients(table, lines, 1e-3, channels)
    cp = field.coupling_matrices(table, lines, bins, channels, coef)
    got = np.einsum("b,bk->k", bins.mass[0], cp.absorb[0, 0]) * cp.a_peak
    de = channels[1] - channels[0]
    w = s.linewidth
    z = lambda e: (e - s.exciton_energy) / w
    exact = 0.5 * (special.erf(z(channels + de / 2)) - special.erf(z(channels - de / 2))) / de
    # quadrature: SUB_POINTS equal-mass points per bin; a bin straddling a channel edge
    # misplaces at most half a point's mass, 1 / (2 SUB_POINTS) of the bin
    tol = bins.mass[0].max() / (2 * field.SUB_POINTS) / de
    np.testing.assert_allclose(got, exact, rtol=0, atol=tol)
    assert np.abs(got - exact).max() < 0.1 * exact.max()


def test_mixed_widths_across_the_channel_spacing_monte_carlo_refuses_rate_equations_take():
    comp = with_gamma(SCRATCH, 0.0)
    wide = with_gamma(SCRATCH, 0.04)    # above dE / 2 ~ 0.008 eV; 0 below
    mixed = dataclasses.replace(SCRATCH, components=((0.5, comp), (0.5, wide)))
    # the Monte Carlo kernels evaluate one line rule per field
    with pytest.raises(ValueError, match="homogeneous_linewidth"):
        kinetics.simulate_cavity(mixed, FILM, CAV, TIMES, generation_rate=[0.02],
                                 method="monte-carlo", n_nanocrystals=1000)
    # the rate equations evaluate each line by its own width (field.line_cell): each
    # class's coupling is the one its class alone has on the same channels
    table = build_state_table(mixed, 4)
    channels = field.default_channels(mixed, table, 16)
    lines = field.transition_lines(table)
    bins = field.energy_bins(table, 24)
    cp = field.coupling_matrices(table, lines, bins, channels,
                                 field.spontaneous_coefficients(table, lines, 1e-3, channels))
    for c, alone in enumerate((comp, wide)):
        t1 = build_state_table(alone, 4)
        l1 = field.transition_lines(t1)
        c1 = field.coupling_matrices(t1, l1, field.energy_bins(t1, 24), channels,
                                     field.spontaneous_coefficients(t1, l1, 1e-3, channels))
        np.testing.assert_allclose(cp.em[c] * cp.a_peak, c1.em[0] * c1.a_peak, rtol=1e-12,
                                   atol=1e-12 * np.abs(c1.em[0] * c1.a_peak).max())
    ds = kinetics.simulate_cavity(mixed, FILM, CAV, TIMES, generation_rate=[0.02],
                                  method="rate-equations")
    assert np.isfinite(ds.output.values).all()
