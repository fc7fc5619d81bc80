"""What ase/lase report (kinetics.field.analysis): thresholds, lines, index coordinates."""

import numpy as np
import pytest
import xarray as xr

from ncgain import kinetics, models
from ncgain.kinetics.field import analysis

FILM = models.Film.close_packed()
STRIPE = models.Stripe(length=0.04, slices=6, channels=16, spontaneous_coupling=1e-4)
# both bands cross the ASE criterion between 2 and 4 mJ cm^-2 (a 16 mJ cm^-2 point, the
# stiffest solve, cost two thirds of the fixture and checked nothing more)
FLUENCE = [0.5, 1.0, 2.0, 4.0, 8.0]
CAV = models.Cavity(quality_factor=2000.0, spontaneous_coupling=1e-3, channels=32)
RATES = np.geomspace(1e-4, 0.1, 10)


@pytest.fixture(scope="module")
def ase():
    # the analysis of a given dataset is tested: the slices as requested (max_slice_gain=inf;
    # the slicing's accuracy is tests/kinetics/test_stripe_slices.py's)
    return kinetics.simulate_stripe("type-ii", FILM, STRIPE, [0.0, 10.0, 100.0, 1000.0],
                                    fluence=FLUENCE, max_slice_gain=float("inf"))


#: The cavity's E_i bins here: these tests check what the analysis reports, not the bins'
#: convergence (40 bins move the kink by < 1e-12 and the slope efficiency by 3e-4 against
#: the default 160, at a third of the cost; tests/studies/test_lasing.py checks the bins).
ENERGY_BINS = 40


@pytest.fixture(scope="module")
def lase():
    return kinetics.simulate_cavity("type-ii", FILM, CAV, np.linspace(0.0, 400.0, 9),
                                    generation_rate=RATES, method="rate-equations",
                                    average_from=200.0, energy_bins=ENERGY_BINS)


def test_crossing_is_exact_for_a_power_law():
    p = np.geomspace(0.1, 10.0, 7)
    a = (p / 0.7) ** 3                     # reaches 10 at p = 0.7 * 10**(1/3)
    assert analysis.crossing(p, a, 10.0) == pytest.approx(0.7 * 10 ** (1 / 3), rel=1e-12)
    assert np.isnan(analysis.crossing(p, a, 1e9))          # never reached
    assert np.isnan(analysis.crossing(p, a * 1e6, 10.0))   # reached at the lowest pump


def test_ase_thresholds_bracket_the_criterion(ase):
    amp = ase.ase_amplification
    for band in ("X", "XX"):
        t = float(ase.ase_threshold_fluence.sel(band=band))
        assert np.isfinite(t)
        a = amp.sel(band=band).values
        i = int(np.searchsorted(FLUENCE, t))
        assert a[i - 1] < analysis.ASE_AMPLIFICATION <= a[i]
        # <N> at threshold is sigma_pump F / (hbar omega), as the pump coordinates
        ratio = ase.mean_excitons.values[0] / ase.pump_fluence.values[0]
        assert float(ase.ase_threshold_mean_excitons.sel(band=band)) == pytest.approx(t * ratio)
    first = ase.attrs["first_ase_band"]
    thr = ase.ase_threshold_fluence
    assert float(thr.sel(band=first)) == float(thr.min())
    # peak energies lie in their bands
    split = 2.054 + 0.106 / 2
    assert (ase.ase_peak_energy.sel(band="X") < split).all()
    assert (ase.ase_peak_energy.sel(band="XX") >= split).all()
    assert (ase.ase_fwhm > 0).all()


def test_single_band_when_the_xx_shift_is_unresolved():
    # whether the XX band is resolved is the sample's (|Delta_XX| >= Gamma / 2), not the
    # solve's: the slices as requested, as in the ase fixture
    ds = kinetics.simulate_stripe("type-i", FILM, STRIPE, [0.0, 100.0], fluence=[1.0, 4.0],
                                  max_slice_gain=float("inf"))
    assert np.isnan(ds.ase_threshold_fluence.sel(band="XX"))
    assert np.isnan(ds.ase_peak_energy.sel(band="XX")).all()


@pytest.mark.parametrize("which", ["ase", "lase"])
def test_every_dimension_has_an_index_and_files_carry_conventions(which, request, tmp_path):
    ds = request.getfixturevalue(which)
    assert set(ds.dims) <= set(ds.indexes)
    assert ds.attrs["Conventions"] == "CF-1.10"
    assert ds.channel.values.tolist() == ds.channel_energy.values.tolist()
    pump = "pump_fluence" if which == "ase" else "pump_intensity"
    value = float(ds[pump][3])
    assert ds.sel({pump: value}).pump.item() == ds.pump.values[3]
    path = tmp_path / "out.nc"
    ds.to_netcdf(path)
    back = xr.open_dataset(path)
    assert back.attrs["Conventions"] == "CF-1.10"
    assert set(back.dims) <= set(back.indexes)
    for name, var in ds.variables.items():
        assert len(var.attrs.get("long_name", "")) <= 40, name
        assert var.attrs.get("units") is not None, name


def test_lasing_summary(lase):
    assert float(lase.quality_factor) == pytest.approx(2000.0, rel=1e-12)
    assert float(lase.spontaneous_coupling) == 1e-3
    assert float(lase.photon_lifetime) == pytest.approx(CAV.lifetime(
        0.5 * float(lase.channel_energy[0] + lase.channel_energy[-1])), rel=1e-12)
    # no lasing below the no-field gain threshold; across the kink interval the output
    # jumps by orders of magnitude (beta = 1e-3: a jump ~1/beta)
    kink = float(lase.kink_threshold_generation_rate)
    gain_thr = lase.attrs["gain_threshold_generation_rate_per_ps"]
    step = RATES[1] / RATES[0]
    assert kink > gain_thr / np.sqrt(step)
    i = int(np.searchsorted(RATES, kink))
    out = lase.output.values
    assert out[i] / out[i - 1] > 100
    # the kink's segment is the steepest (one expression for both sides: log(a) - log(b)
    # and log(a / b) differ in the last bit)
    slopes = np.diff(np.log(out))
    assert np.argmax(slopes) == i - 1
    assert float(lase.kink_threshold_intensity) == pytest.approx(
        kink * float(lase.pump_intensity[0] / lase.generation_rate[0]), rel=1e-9)
    # its uncertainty: the pump grid's bracket, the two pump points of the steepest segment
    bounds = lase.kink_threshold_generation_rate_bounds
    assert bounds.dims == ("bound",) and list(lase.bound.values) == ["lower", "upper"]
    np.testing.assert_array_equal(bounds.values, RATES[i - 1:i + 1])
    assert bounds.attrs["units"] == "ps-1" and len(bounds.attrs["long_name"]) <= 40
    assert lase.kink_threshold_generation_rate.attrs["bounds"] == bounds.name
    assert kink == pytest.approx(np.sqrt(bounds.values.prod()), rel=1e-12)
    f = float(lase.kink_threshold_factor)
    np.testing.assert_allclose(bounds.values, [kink / f, kink * f], rtol=1e-12)
    np.testing.assert_array_equal(lase.kink_threshold_intensity_bounds.values,
                                  lase.pump_intensity.values[i - 1:i + 1])
    # slope efficiency: a photon fraction, and the top of the L-L curve's slope
    eta = float(lase.slope_efficiency)
    assert 0 < eta < 1
    assert eta == pytest.approx((out[-1] - out[-2]) / (RATES[-1] - RATES[-2]))
    # the lasing line is a channel of the grid; its width at least about one channel
    assert float(lase.lasing_energy) in lase.channel_energy.values
    assert float(lase.lasing_fwhm) > 0.5 * float(lase.channel_spacing)


def test_pulsed_lasing_reports_in_mean_excitons_and_fluence():
    ds = kinetics.simulate_cavity("type-ii", FILM, CAV, [0.0, 50.0, 200.0],
                                  mean_excitons=[0.2, 0.5, 1.0, 2.0, 4.0],
                                  method="rate-equations", energy_bins=ENERGY_BINS)
    assert "kink_threshold_mean_excitons" in ds and "kink_threshold_fluence" in ds
    k = float(ds.kink_threshold_mean_excitons)
    bounds = ds.kink_threshold_mean_excitons_bounds.values
    if np.isfinite(k):
        assert float(ds.kink_threshold_fluence) == pytest.approx(
            k * float(ds.pump_fluence[0] / ds.mean_excitons[0]), rel=1e-9)
        assert bounds[0] < k < bounds[1] and set(bounds) <= set(ds.mean_excitons.values)
    else:   # no kink: no bracket either, and nan_meaning says so
        assert np.isnan(bounds).all()
    for name in ("kink_threshold_mean_excitons_bounds", "kink_threshold_fluence_bounds"):
        assert ds[name].attrs["nan_meaning"] == "does not exist: no kink"
        assert "NaN" not in ds[name].attrs["description"]
    assert ds.kink_threshold_fluence_bounds.attrs["units"] == "mJ cm-2"
