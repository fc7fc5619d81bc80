"""The photon field of a sample with narrow lines: Delta_XX >> Gamma (type II, Gamma of meV).

The XX line then lies where alpha_0 has fallen below MIN_RELATIVE_ALPHA0 of its peak, and
the channels between the X and XX lines receive no spontaneous emission to float
precision. Both used to fail: the default channels were refused ("outside the band"), and
one dark channel's 0/0 made every band's amplification, and so its ASE threshold, NaN.
"""

import dataclasses

import numpy as np
import pytest

from ncgain import kinetics, models
from ncgain.kinetics import observables
from ncgain.kinetics.field import analysis
from ncgain.kinetics.field._coupling import default_channels

#: Type II with a 3 meV ensemble width (1 meV homogeneous): Delta_XX = 35 Gamma.
NARROW = dataclasses.replace(models.presets.TYPE_II_CDS_ZNSE, linewidth=0.003,
                             homogeneous_linewidth=0.001, higher_transitions=())
FILM = models.Film.close_packed()
STRIPE = models.Stripe(length=0.04, slices=6, channels=32)
FLUENCE = [0.1, 1.0, 2.0, 3.0]


def _table(sample):
    return models.build_state_table(sample, sample.degeneracy)


def test_gain_range_holds_the_resolvable_range_and_every_line():
    for sample in (models.presets.TYPE_II_CDS_ZNSE, models.presets.TYPE_I_CDSE, NARROW):
        table = _table(sample)
        r_lo, r_hi = observables.resolvable_range(table)
        g_lo, g_hi = observables.gain_range(table)
        assert g_lo <= r_lo and g_hi >= r_hi
        # the XX emission line +-3 ensemble widths (E_X + Delta_XX - Stokes shift, 3 Gamma)
        xx = sample.exciton_energy + sample.delta_xx - sample.stokes_shift
        assert g_hi >= xx + 3 * sample.linewidth - 1e-9
    table = _table(NARROW)
    assert observables.resolvable_range(table)[1] < NARROW.exciton_energy + NARROW.delta_xx


def test_default_channels_of_a_narrow_sample_reach_its_xx_line():
    table = _table(NARROW)
    grid = default_channels(NARROW, table, 32)
    xx = NARROW.exciton_energy + NARROW.delta_xx
    assert grid[0] < NARROW.exciton_energy and grid[-1] > xx
    # a range the user gives is still checked against the gain range, by name
    g_lo, g_hi = observables.gain_range(table)
    with pytest.raises(ValueError, match=r"channel_range = \(2\.0000, 2\.3000\) eV is outside "
                                         r"the allowed range"):
        default_channels(NARROW, table, 8, (2.0, 2.3))
    assert g_hi < 2.3


@pytest.fixture(scope="module")
def narrow_ase():
    return kinetics.simulate_stripe(NARROW, FILM, STRIPE, [0.0, 10.0, 100.0, 1000.0],
                                    fluence=FLUENCE)


def test_dark_channels_have_no_amplification_and_do_not_hide_a_band(narrow_ase):
    ds = narrow_ase
    unamplified = ds.edge_emission_unamplified.values
    dark = unamplified == 0.0
    assert dark[:, 0].sum() == 0 and dark.any()     # the test needs dark channels
    amp = analysis.channel_amplification(ds).values
    assert np.isnan(amp[dark]).all() and np.isfinite(amp[~dark]).all()
    assert ds.edge_emission_integrated.values[dark].max() == 0.0    # no light where none is born
    # each band's amplification is the largest over its emitting channels
    x_band, xx_band = analysis._bands(NARROW, ds.channel_energy.values)
    for band, mask in (("X", x_band), ("XX", xx_band)):
        expected = [a[mask & ~d].max() for a, d in zip(amp, dark)]
        np.testing.assert_array_equal(ds.ase_amplification.sel(band=band).values, expected)
    # the XX band's ASE threshold is found (it was NaN) and brackets its crossing
    xx = ds.ase_amplification.sel(band="XX").values
    threshold = float(ds.ase_threshold_fluence.sel(band="XX"))
    i = int(np.argmax(xx >= analysis.ASE_AMPLIFICATION))
    assert i > 0 and FLUENCE[i - 1] < threshold <= FLUENCE[i]
    for name in ("ase_amplification", "ase_peak_energy", "ase_fwhm"):
        assert np.isfinite(ds[name].values).all(), name


def test_a_narrow_sample_lases_in_a_cavity():
    cav = models.Cavity(quality_factor=1000.0, spontaneous_coupling=1e-3, channels=32)
    ds = kinetics.simulate_cavity(NARROW, FILM, cav, [0.0, 100.0],
                                  mean_excitons=[0.5, 1.0, 2.0], method="rate-equations",
                                  energy_bins=40)
    assert np.isfinite(ds.output.values).all() and (ds.output.values >= 0).all()
    # the lasing line is the XX line (single-exciton gain at E_X needs <N> ~ 2 here)
    assert abs(float(ds.lasing_energy) - (NARROW.exciton_energy + NARROW.delta_xx)) < 0.01
