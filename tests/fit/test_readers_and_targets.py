"""The file readers (netCDF, long-format CSV) and scalar targets."""

import math

import numpy as np
import pytest

from ncgain import fit as nfit
from ncgain import kinetics

from .conftest import TRUTH, small_dataset


def _write_csv(path, ds, *, energy_units="meV", scale=1e3, drop=None):
    rows = ["variable,mean_excitons [1],time [ns],energy [%s],value [1],sigma [1]"
            % energy_units]
    for i, n in enumerate(ds.mean_excitons.values):
        for j, t in enumerate(ds.time.values):
            for k, e in enumerate(ds.energy.values):
                if drop == (i, j, k):
                    continue
                rows.append(f"bleach,{n},{t / 1e3},{e * scale},{float(ds.bleach.values[i, j, k])!r},"
                            f"{float(ds.bleach_sigma.values[i, j, k])!r}")
    path.write_text("\n".join(rows) + "\n")


def test_csv_and_netcdf_read_into_the_same_blocks(tmp_path):
    ds = small_dataset()
    _write_csv(tmp_path / "ta.csv", ds)
    ds.to_netcdf(tmp_path / "ta.nc")
    from_csv = nfit.check_data(nfit.read_csv(tmp_path / "ta.csv"))
    from_nc = nfit.read_netcdf(tmp_path / "ta.nc")
    for a, b in zip(from_csv.blocks, from_nc.blocks):
        np.testing.assert_allclose(a.energies, b.energies, rtol=1e-12)
        np.testing.assert_allclose(a.times, b.times, rtol=1e-12)
        np.testing.assert_array_equal(a.values, b.values)
        np.testing.assert_array_equal(a.sigma, b.sigma)


def test_csv_errors(tmp_path):
    ds = small_dataset()
    path = tmp_path / "gap.csv"
    _write_csv(path, ds, drop=(0, 1, 2))
    with pytest.raises(ValueError, match="do not fill the grid"):
        nfit.read_csv(path)
    path = tmp_path / "nounits.csv"
    path.write_text("time,energy [eV],mean_excitons [1],value [1],sigma [1]\n1,2,0.5,0.1,0.01\n")
    with pytest.raises(ValueError, match="CSV column 'time' has no units"):
        nfit.read_csv(path, variable="bleach")
    with pytest.raises(ValueError, match="is not a file"):
        nfit.read_csv(tmp_path / "missing.csv")


def test_target_units_and_pulls():
    t = nfit.Target("biexciton_lifetime", 0.13, 0.01, "ns")
    assert math.isclose(t.canonical_value, 130.0) and abs(t.residual(TRUTH)) < 1e-9
    with pytest.raises(ValueError, match="sigma = 0 is outside the allowed range"):
        nfit.Target("exciton_energy", 2.054, 0, "eV")
    with pytest.raises(ValueError, match="Target exciton_energy has units = 'ps'"):
        nfit.Target("exciton_energy", 2.054, 0.01, "ps")
    with pytest.raises(ValueError, match="Target exciton_energy has no units"):
        nfit.Target("exciton_energy", 2.054, 0.01, None)
    with pytest.raises(ValueError, match="quantity = 'band_gap' is not known"):
        nfit.Target("band_gap", 2.0, 0.1, "eV")


def test_targets_enter_the_chi_square_and_constrain_a_field():
    # the bleach data say nothing about tau_x (delays 3 and 300 ps, tau_x 1.7 ns within a
    # 1 % range); a quoted single-exciton lifetime of 1.70 +- 0.002 ns pins it
    quoted = nfit.Target("tau_x", 1.70, 0.002, "ns")
    threshold = nfit.Target("gain_threshold", float(kinetics.gain_threshold(TRUTH, time=3.0)),
                            0.05, "1", options={"time": 3.0})
    result = nfit.fit(small_dataset(), TRUTH, {"delta_xx": (0.05, 0.15),
                                               "tau_x": (1690.0, 1710.0)},
                      targets=[quoted, threshold])
    assert "tau_x" not in result.undetermined
    assert math.isclose(result.stderr["tau_x"], 2.0, rel_tol=0.01)   # the target's sigma
    assert result.ndata == small_dataset().bleach.size + 2
    assert set(result.target_pulls) == {"tau_x", "gain_threshold time=3.0"}
    assert all(abs(p) < 1e-3 for p in result.target_pulls.values())
    assert "target tau_x: pull" in result.report()
