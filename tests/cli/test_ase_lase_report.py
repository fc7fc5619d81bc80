"""``ncgain ase`` reports per band what a paper reports; ``lase`` its method's assumptions."""

import json
import math
import re

import numpy as np
import pytest
import xarray as xr

from ncgain import cli, kinetics, models
from ncgain.kinetics.field.analysis import ASE_AMPLIFICATION

TYPE_II = models.presets.TYPE_II_CDS_ZNSE
FLUENCE = [1.0, 2.0, 4.0, 8.0]


def test_ase_prints_per_band_thresholds_peak_width_and_first_band(tmp_path, capsys):
    out = tmp_path / "ase.nc"
    # The report against its own dataset, not the slice refinement (the default 0.7 and
    # its line: test_ase_reports_the_solves_slicing_and_takes_max_slice_gain below): the
    # requested 4 slices as they are (~2 s instead of ~28 s of sub-slices).
    assert cli.main(["ase", "--fluence", ",".join(map(str, FLUENCE)), "--slices", "4",
                     "--channels", "16", "--max-slice-gain", "inf", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert "it/s" not in captured.err and "ps/s" not in captured.err   # no bar: not a tty
    text = captured.out
    per_n = float(kinetics.pump_fluence(1.0, TYPE_II))
    with xr.open_dataset(out) as ds:
        amp = (ds.edge_emission_integrated / ds.edge_emission_unamplified).values
        e = ds.channel_energy.values
    split = TYPE_II.exciton_energy + TYPE_II.delta_xx / 2
    found = {}
    for band, sel in (("X", e < split), ("XX", e >= split)):
        m = re.search(rf"^  {band} band: ASE threshold ([0-9.e+-]+) mJ cm\^-2 \(<N> = "
                      rf"([0-9.e+-]+)\); at the largest pump peak ([0-9.]+) eV, FWHM (\d+) meV",
                      text, re.M)
        assert m, (band, text)
        f_th, n_th, peak, fwhm = map(float, m.groups())
        band_amp = amp[:, sel].max(axis=1)
        k = int(np.argmax(band_amp >= ASE_AMPLIFICATION))   # first fluence at/above ASE
        assert band_amp[k] >= ASE_AMPLIFICATION and (k == 0 or band_amp[k - 1] < 10)
        assert (FLUENCE[k - 1] if k else 0.0) <= f_th <= FLUENCE[k]
        # both printed to 4 significant digits: each off by at most 5e-4 relative
        assert math.isclose(n_th, f_th / per_n, rel_tol=1e-3)
        assert e[sel].min() <= peak <= e[sel].max() and fwhm > 0
        found[band] = f_th
    first = min(found, key=found.get)
    assert f"first band to reach ASE: {first}" in text
    assert ("NOTE: the reverse of the paper" in text) == (first == "XX")
    lines = text.split("assumptions:", 1)[1]
    assert "Monte Carlo" not in lines and "method: mean-field rate equations" in lines
    assert "stripe: L = 0.04 cm, 4 slices" in lines


def test_lase_lists_only_the_assumptions_of_the_method_and_pump_that_ran():
    import json

    from ncgain.cli import field
    from ncgain.kinetics.field.cavity_dataset import ASSUMPTIONS
    ds = xr.Dataset(attrs={"assumptions": json.dumps(ASSUMPTIONS)})
    assert any(a.startswith("Monte Carlo") for a in ASSUMPTIONS)   # the library lists it
    rate = field._library_assumptions(ds, "rate-equations", pulsed=False)
    assert not any("Monte Carlo" in a for a in rate)
    assert any(a.startswith("c.w. pump") for a in rate)
    mc = field._library_assumptions(ds, "monte-carlo", pulsed=True)
    assert any(a.startswith("Monte Carlo") for a in mc)
    assert not any(a.startswith("c.w. pump") for a in mc)


def test_assumptions_flag_a_lase_intensity_above_the_photostability_limit():
    from ncgain.cli._assumptions import assumption_lines
    from ncgain.studies._photostability import PHOTOSTABILITY_LIMIT
    film = models.Film.close_packed()
    g = np.array([1e-3, 2e-3])
    intensity = kinetics.cavity.intensity_from_generation_rate(g, TYPE_II)
    lines = assumption_lines(TYPE_II, method="rate-equations", film=film, intensity=intensity)
    top = float(np.max(intensity))
    assert top > PHOTOSTABILITY_LIMIT
    assert lines[-1].startswith(f"WARNING: pump intensity {top:.3g} W cm^-2 is "
                                f"{top / PHOTOSTABILITY_LIMIT:.3g}x the photostability limit")
    low = assumption_lines(TYPE_II, method="rate-equations", film=film, intensity=[1e3])
    assert low[-1].startswith("pump intensity at most 1e+03 W cm^-2, within the")


FROM_SCRATCH = """name = "my gamma-0 sample"
exciton_energy = 2.05
delta_xx = 0.08
linewidth = 0.05
tau_x = 2000.0
tau_xx = 100.0
sigma_pump = 3e-16
pump_energy = 3.0
"""   # homogeneous_linewidth left at its default 0: a delta homogeneous line


@pytest.mark.parametrize("method, fluence", [
    ([], "1,4"), (["--method", "monte-carlo", "--n-nanocrystals", "500"], "0.5,1.5")])
def test_ase_on_a_from_scratch_gamma_0_sample(tmp_path, capsys, method, fluence):
    toml = tmp_path / "g0.toml"
    toml.write_text(FROM_SCRATCH)
    assert models.Sample.from_file(toml).homogeneous_linewidth == 0.0
    out = tmp_path / "g0.nc"
    assert cli.main(["ase", "--sample", str(toml), "--fluence", fluence, "--slices", "2",
                     "--channels", "8", "--times", "0,30,300", *method, "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert re.search(r"^  X band: ", text, re.M) and re.search(r"^  XX band: ", text, re.M)
    assert "first band to reach ASE" in text or "no band reaches ASE" in text
    assert "homogeneous gaussian gamma = 0 eV (a delta line)" in text
    assert ("Monte Carlo" in text.split("assumptions:", 1)[1]) == bool(method)
    with xr.open_dataset(out) as ds:
        assert "ase_threshold_fluence" in ds and ds.attrs["Conventions"]


def test_few_slices_monte_carlo_runs_and_its_limit_is_one_line(tmp_path, capsys, monkeypatch):
    # Issue 20: 2 slices at 4 mJ cm^-2 (a dz = 29 per slice) stalled with a RuntimeError;
    # the Monte Carlo now runs on sub-slices and reports the 2 requested ones.
    toml = tmp_path / "g0.toml"
    toml.write_text(FROM_SCRATCH)
    args = ["ase", "--sample", str(toml), "--fluence", "4", "--slices", "2", "--channels", "8",
            "--times", "0,30", "--method", "monte-carlo", "--n-nanocrystals", "500"]
    assert cli.main([*args, "--out", str(tmp_path / "ok.nc")]) == 0
    with xr.open_dataset(tmp_path / "ok.nc") as ds:
        assert ds.sizes["slice"] == 2 and json.loads(ds.attrs["sub_slices"]) == [8]
    capsys.readouterr()
    # A run that still stops (here forced: the stall check after 30 steps) is one line.
    from ncgain.kinetics.field import stripe_monte_carlo
    monkeypatch.setattr(stripe_monte_carlo, "STALL_STEPS", 30)
    monkeypatch.setattr(stripe_monte_carlo, "STALL_FRACTION", 1.0)
    assert cli.main([*args, "--out", str(tmp_path / "x.nc")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "use method='rate-equations'" in err[0]
    assert not (tmp_path / "x.nc").exists()


def test_lase_on_a_from_scratch_gamma_0_sample_reports_the_l_l_analysis(tmp_path, capsys):
    toml = tmp_path / "g0.toml"
    toml.write_text(FROM_SCRATCH)
    out = tmp_path / "lase.nc"
    assert cli.main(["lase", "--sample", str(toml), "--q", "2500", "--generation-rate",
                     "1e-3,4e-3", "--times", "0,1000", "--channels", "8",
                     "--out", str(out)]) == 0
    text = capsys.readouterr().out
    with xr.open_dataset(out) as ds:
        assert f"L-L kink threshold: {float(ds.kink_threshold_intensity):.4g} W cm^-2" in text
        assert f"slope efficiency: {float(ds.slope_efficiency):.4g} (quantum)" in text
        assert f"lasing line: {float(ds.lasing_energy):.4f} eV" in text
        assert (f"cavity: tau_c = {float(ds.photon_lifetime):.4g} ps, Q = 2500, beta = 0.001"
                in text)
    lines = text.split("assumptions:", 1)[1].strip().splitlines()
    assert not any("Monte Carlo" in line for line in lines)   # a rate-equation run
    assert lines[-1].strip().startswith("WARNING: pump intensity")   # ~1e7 W cm^-2 > 1e4


def test_ase_reports_the_solves_slicing_and_takes_max_slice_gain(tmp_path, capsys):
    args = ["ase", "--preset", "type-ii", "--fluence", "4", "--slices", "2", "--channels", "8",
            "--times", "0,30,100"]
    assert cli.main([*args, "--out", str(tmp_path / "a.nc")]) == 0
    out = capsys.readouterr().out
    line = next(s for s in out.splitlines() if "slices of the solve" in s)
    # 4 mJ cm^-2 is above both bands' ASE criterion: a threshold below the grid, said so
    # (not "no ASE"), and which band comes first is not resolved
    with xr.open_dataset(tmp_path / "a.nc") as ds:
        for band in ("X", "XX"):
            assert float(ds.ase_amplification.sel(band=band)[0]) >= ASE_AMPLIFICATION
            assert np.isnan(ds.ase_threshold_fluence.sel(band=band))
    assert out.count("ASE already at the lowest pump 4 mJ cm^-2") == 2
    assert "no ASE within" not in out and "not resolved: X, XX already above" in out
    with xr.open_dataset(tmp_path / "a.nc") as ds:
        m = json.loads(ds.attrs["sub_slices"])[0]
        assert m > 1 and f"up to {m} " in line and "(max_slice_gain = 0.7)" in line
        assert "discretization error <=" in line
    assert cli.main([*args, "--max-slice-gain", "inf", "--out", str(tmp_path / "b.nc")]) == 0
    assert "NOT converged in slices" in capsys.readouterr().out
    with xr.open_dataset(tmp_path / "b.nc") as ds:
        assert json.loads(ds.attrs["sub_slices"]) == [1]
    assert cli.main([*args, "--max-slice-gain", "-1", "--out", str(tmp_path / "c.nc")]) == 2
    err = capsys.readouterr().err
    assert "max_slice_gain = -1.0 is outside the allowed range" in err and len(err.splitlines()) == 1


def test_ase_workers_gives_the_one_process_file_and_is_validated(tmp_path, capsys):
    args = ["ase", "--preset", "type-ii", "--fluence", "1,4", "--slices", "2", "--channels",
            "8", "--times", "0,30,100", "--no-progress"]
    assert cli.main([*args, "--out", str(tmp_path / "one.nc")]) == 0
    assert cli.main([*args, "--workers", "2", "--out", str(tmp_path / "two.nc")]) == 0
    one_text = capsys.readouterr().out
    with xr.open_dataset(tmp_path / "one.nc") as one, xr.open_dataset(tmp_path / "two.nc") as two:
        xr.testing.assert_identical(two.load(), one.load())      # bit for bit
    assert "largest amplification" in one_text
    assert cli.main([*args, "--workers", "2", "--method", "monte-carlo",
                     "--out", str(tmp_path / "mc.nc")]) == 2
    err = capsys.readouterr().err
    assert "workers = 2 applies to method='rate-equations' only" in err
    assert len(err.splitlines()) == 1 and not (tmp_path / "mc.nc").exists()
    with pytest.raises(SystemExit) as exc:                      # argparse: a usage error
        cli.main([*args, "--workers", "0", "--out", str(tmp_path / "zero.nc")])
    assert exc.value.code == 2 and "--workers" in capsys.readouterr().err
