"""The photon field's rate equations with a line width per line (xx_absorption_width set).

A sample whose X <-> XX line is broader than its X line (the calibration study fits
``xx_absorption_width`` up to 60 meV) used to be refused by ``simulate_stripe`` and
``simulate_cavity``: the field took one homogeneous width per class. The rate equations
now evaluate each line with its own width; the Monte Carlo kernels still tabulate one
line shape per class and say so.
"""

import dataclasses

import numpy as np
import pytest

from ncgain import kinetics, models

FILM = models.Film.close_packed()
BROAD_XX = dataclasses.replace(models.presets.TYPE_II_CDS_ZNSE, xx_absorption_width=0.04)
STRIPE = models.Stripe(length=0.04, slices=2, channels=24)


def _net_gain_error(sample, energy_bins):
    """Largest |field net gain + master-equation alpha/alpha_0(peak)| at 3 ps, field off."""
    ds = kinetics.simulate_stripe(sample, FILM, STRIPE, [0.0, 3.0], mean_excitons=[1.5],
                                  field=False, energy_bins=energy_bins)
    ref = kinetics.simulate_pulsed(sample, [1.5], [3.0], energies=ds.channel_energy.values,
                                   method="master-equation")
    gain = ds.net_gain.sel(time=3.0).values.ravel()
    return float(np.abs(gain + ref.absorption.sel(time=3.0).values.ravel()).max())


def test_rate_equation_gain_converges_to_the_exact_spectra_with_per_line_widths():
    # With the field off the field's net gain is sum_n p_n (emission - absorption) on its
    # E_i bins; the bins' midpoint rule converges as 1/B^2 to the master equation's
    # spectra, which the pulsed code computes with each line's own width (observables).
    # A width taken from the wrong line would leave an error that does not converge.
    coarse, fine = _net_gain_error(BROAD_XX, 80), _net_gain_error(BROAD_XX, 320)
    assert fine < coarse / 10 and fine < 1e-4
    # the X <-> XX width matters at this resolution: the spectra of the sample without it
    ds = kinetics.simulate_pulsed(BROAD_XX, [1.5], [3.0], method="master-equation")
    narrow = kinetics.simulate_pulsed(dataclasses.replace(BROAD_XX, xx_absorption_width=None),
                                      [1.5], [3.0], energies=ds.energy.values,
                                      method="master-equation")
    assert float(np.abs(ds.absorption - narrow.absorption).max()) > 100 * fine


def test_monte_carlo_field_names_its_limit_and_the_rate_equations_run():
    with pytest.raises(ValueError, match=r"emission line 0 of state n = 2 .* 0\.04 eV; "
                                         r"method='monte-carlo' .* use method='rate-equations'"):
        kinetics.simulate_stripe(BROAD_XX, FILM, STRIPE, [0.0, 3.0], mean_excitons=[1.0],
                                 method="monte-carlo", n_nanocrystals=1000)
    ds = kinetics.simulate_stripe(BROAD_XX, FILM, STRIPE, [0.0, 100.0, 1000.0],
                                  fluence=[1.0, 4.0])
    assert np.isfinite(ds.edge_emission_integrated.values).all()
    assert np.isfinite(ds.ase_amplification.values).all()
    cav = models.Cavity(quality_factor=1000.0, spontaneous_coupling=1e-3, channels=24)
    lase = kinetics.simulate_cavity(BROAD_XX, FILM, cav, [0.0, 100.0],
                                    mean_excitons=[0.5, 2.0], method="rate-equations",
                                    energy_bins=40)
    assert np.isfinite(lase.output.values).all() and (lase.output.values >= 0).all()
