"""The lasing study (quick run): thresholds, clamping, narrowing, ringing, schema."""

import matplotlib
import numpy as np
import pytest

from ncgain import kinetics, models
from ncgain.kinetics import cavity as kcav
from ncgain.studies import lasing as study
from ncgain.studies import _report
from ncgain.studies._common import PROVENANCE
from tests.studies.conftest import quick_run

matplotlib.use("Agg")


PROGRESS_CALLS = []


@pytest.fixture(scope="module")
def ds():
    # run once per session with a recording progress callback (conftest.py)
    ds, calls = quick_run("lasing")
    PROGRESS_CALLS[:] = calls
    return ds


def test_progress_callback_fires_per_stage(ds):
    """Nothing sits silent: one call at the start, one per stage, ending at the total."""
    total = 2 * study._stages()
    assert PROGRESS_CALLS[0] == (0.0, total, "start")
    assert [c[0] for c in PROGRESS_CALLS] == list(range(total + 1))
    assert all(c[1] == total for c in PROGRESS_CALLS)
    assert any("steady states" in c[2] for c in PROGRESS_CALLS)


def test_schema_units_long_names_and_provenance(ds):
    for name, var in ds.variables.items():
        assert var.attrs.get("units"), name
        assert var.attrs.get("long_name"), name
    assert all(k in ds.attrs for k in PROVENANCE)
    assert ds.attrs["quick"] == 1 and ds.attrs["study"] == study.NAME
    assert set(ds.preset.values) == {"type-ii", "type-i"}


def test_cw_kink_is_the_gain_threshold_at_the_cavity_loss(ds):
    """Check (c): the L-L kink brackets the cavity gain threshold and cw_threshold."""
    for key in ds.preset.values:
        s = ds.sel(preset=key)
        half = float(s.kink_resolution)
        assert float(s.kink_slope) > 10          # a real kink, not a smooth curve
        # the steepest interval holds the steady-state gain threshold of the channels
        assert abs(np.log(float(s.kink_threshold / s.gain_threshold))) <= half * (1 + 1e-9)
        # ... and kinetics.cw_threshold at the cavity loss (gain at any energy, not only on
        # the channel grid): within one grid interval
        assert abs(np.log(float(s.kink_over_cw_threshold))) <= 2 * half
        # at the lasing channel's energy, cw_threshold (E_i exact) = the cavity's gain
        # threshold (E_i in ENERGY_BINS bins): the bins' error, < 1 %
        ref = kinetics.cw_threshold(str(key), energy=float(s.lasing_energy),
                                    loss=float(s.loss_fraction))
        assert float(ref) == pytest.approx(float(s.gain_threshold), rel=1e-2)
        # intensities: one conversion for all three
        sample = models.presets.get(str(key))
        assert float(s.kink_threshold_intensity) == pytest.approx(
            float(kinetics.pump_intensity(float(s.kink_threshold), sample)[0]), rel=1e-12)


@pytest.mark.parametrize("key", ["type-ii", "type-i"])
def test_energy_bins_are_converged(key):
    """ENERGY_BINS vs 160 bins: the gain threshold moves by < 1 %."""
    cav = study._cavity()
    g = []
    for bins in (study.ENERGY_BINS, 160):
        problem = kcav.CavityProblem.build(key, study.FILM, cav, [0.0, 1.0],
                                           generation_rate=[1e-3], method="rate-equations",
                                           energy_bins=bins)
        g.append(kinetics.cavity_gain_threshold(problem)[0])
    assert g[0] == pytest.approx(g[1], rel=1e-2)


def test_gain_is_clamped_at_the_loss_above_threshold(ds):
    for key in ds.preset.values:
        s = ds.sel(preset=key)
        assert float(s.steady_state_residual) <= kcav.STEADY_RTOL
        above = s.generation_rate > 1.05 * s.gain_threshold
        clamp = s.gain_over_loss_cw.where(above, drop=True)
        # kappa g = Lambda - S/Q: below the loss by the spontaneous feed only
        assert float(clamp.max()) < 1.0
        assert float(s.gain_clamping_deviation) < 1e-2
        # without the field the gain would run far past the loss
        assert float(s.gain_over_loss_no_field.isel(cw_level=-1)) > 1.5
        # below threshold there is no clamping: the weak field leaves the no-field gain
        low = s.generation_rate < 0.9 * s.gain_threshold
        below = s.gain_over_loss_cw.where(low, drop=True)
        assert float(below.max()) < 1.0
        np.testing.assert_allclose(below, s.gain_over_loss_no_field.where(low, drop=True),
                                   rtol=0, atol=1e-2)


def test_slope_efficiency_is_the_stimulated_share_of_the_extra_excitons(ds):
    """Photons out per extra exciton = stimulated share x (1/tau_c)/Lambda (books)."""
    for key in ds.preset.values:
        s = ds.sel(preset=key)
        clamped = float(s.slope_efficiency_clamped)
        for j in range(s.pump_range.size):
            fate = s.extra_exciton_fate.isel(pump_range=j).values
            assert fate.sum() == pytest.approx(1.0, abs=1e-9) and (fate > -1e-6).all()
            # a linear fit vs the secant of the range: equal up to the curve's deviation
            tol = 0.02 + 2 * float(s.linear_fit_deviation[j])
            assert float(s.slope_efficiency[j]) == pytest.approx(fate[0] * clamped, rel=tol)
        # no pump level gives more than one stimulated photon per extra exciton
        above = s.generation_rate > 1.05 * s.gain_threshold
        assert float(s.slope_efficiency_local.where(above, drop=True).max()) < clamped
        # the linear extrapolation just above threshold lies above the gain threshold
        assert float(s.linear_threshold) > float(s.gain_threshold)


def test_spectral_narrowing(ds):
    for key in ds.preset.values:
        s = ds.sel(preset=key)
        assert float(s.rms_width_above) < 0.5 * float(s.rms_width_below)
        assert float(s.fwhm_above) < 0.5 * float(s.fwhm_below)
        assert float(s.pulsed_fwhm_above) < 0.5 * float(s.pulsed_fwhm_below)


def test_turn_on_settles_at_the_root_solved_steady_state(ds):
    """Type II rings down within its window to the cavity_steady_state output."""
    s = ds.sel(preset="type-ii")
    assert float(s.ringing_end_over_steady) == pytest.approx(1.0, abs=2e-3)
    assert float(s.ringing_damping_rate) > 0 and int(s.ringing_peaks) >= 3


def test_turn_on_ringing_is_the_linearised_twins_mode(ds):
    """Type II: the measured ringing = an underdamped eigenmode of the linearised twin."""
    s = ds.sel(preset="type-ii")
    assert (s.steady_state_growth_rate < 0).all()
    assert float(s.ringing_period) == pytest.approx(float(s.linear_mode_period), rel=0.05)
    # the mode is chosen by its frequency; its damping is an independent check (the
    # measured peaks include the large first overshoots: 15 %)
    assert float(s.ringing_damping_rate) == pytest.approx(float(s.linear_mode_damping_rate),
                                                          rel=0.15)


def test_type_i_steady_state_is_unstable_and_the_laser_self_pulses(ds):
    s = ds.sel(preset="type-i")
    assert float(s.steady_state_growth_rate.sel(stability_pump=study.TURN_ON_PUMP)) > 0
    # its turn-on does not ring down: the spikes do not decay on the 1/growth scale
    assert float(s.ringing_damping_rate) < 0.1 * float(s.steady_state_growth_rate.max())
    assert int(s.ringing_peaks) >= 3


def test_pulsed_kink_lies_above_the_pulsed_gain_threshold(ds):
    for key in ds.preset.values:
        s = ds.sel(preset=key)
        # lasing needs the gain above the loss for a photon build-up time: not below it
        assert float(s.pulsed_kink) * np.exp(float(s.pulsed_kink_resolution)) >= \
            float(s.pulsed_gain_threshold)
        assert float(s.pulsed_kink_slope) > 2


def test_report_rows_and_notes_are_read_from_the_dataset(ds):
    rows = _report.study_rows(study, ds)
    assert len(rows) == 18
    text = " ".join(r["ncgain"] for r in rows)
    assert f"{float(ds.kink_threshold_intensity.sel(preset='type-ii')):.3g}" in text
    changed = ds.copy(deep=True)
    changed["kink_threshold_intensity"][0] = 1.234e9
    assert "1.23e+09" in " ".join(r["ncgain"] for r in _report.study_rows(study, changed))
    assert f"{float(ds.kink_over_cw_threshold.sel(preset='type-i')):.3f}" in _report.study_notes(study, ds)


def test_plot(ds):
    fig = study.plot(ds)
    assert len(fig.axes) == 6


def test_helpers():
    c, slope, half = study.kink([1.0, 2.0, 4.0, 8.0], [1.0, 2.0, 400.0, 800.0])
    assert c == pytest.approx(np.sqrt(8.0)) and half == pytest.approx(np.log(2) / 2)
    t = np.linspace(0, 1000, 20001)
    r = 1.0 + np.exp(-t / 200.0) * np.cos(2 * np.pi * t / 50.0)
    period, damping, _ = study.oscillation(t, r, 1.0)
    assert period == pytest.approx(50.0, rel=1e-3) and damping == pytest.approx(1 / 200, rel=1e-2)
    with pytest.raises(RuntimeError, match="no ringing"):
        study.oscillation(t, np.ones_like(t), 1.0)
