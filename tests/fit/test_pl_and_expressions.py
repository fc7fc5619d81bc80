"""PL in arbitrary units beside the bleach (own IRF, amplitude), and expression parameters."""

import math

import numpy as np
import pytest
import xarray as xr

from ncgain import fit as nfit

from .conftest import TRUTH, small_dataset


def test_pl_in_arbitrary_units_with_its_own_irf_fitted_beside_the_bleach():
    # PL of a streak camera: arbitrary units (amplitude_pl), its own 30 ps response
    # (irf_fwhm_pl), on its own grid; fitted together with the bleach of small_dataset()
    energies = np.linspace(1.96, 2.2, 7)
    delays = np.array([-100.0, 0.0, 30.0, 100.0, 300.0, 1000.0])
    template = xr.Dataset(
        {"pl": (("mean_excitons", "time", "energy"), np.zeros((1, delays.size, energies.size)),
                {"units": "a.u."})},
        coords={"mean_excitons": ("mean_excitons", [1.0], {"units": "1"}),
                "time": ("time", delays, {"units": "ps"}),
                "energy": ("energy", energies, {"units": "eV"})})
    block = nfit.check_data(template, sigma=1.0).blocks[0]
    truth = {"irf_fwhm_pl": 30.0, "amplitude_pl": 5e4}
    clean = nfit.ForwardModel(nfit.FitData((block,), {})).evaluate_block(block, TRUTH, truth)
    # 100 ps before the pump is 7.9 IRF sigma: nothing yet
    assert np.all(clean[:, 0, :] < 1e-12 * clean.max())
    sigma = 0.01 * clean.max()
    rng = np.random.default_rng(2)
    ta = small_dataset()
    pl = template.copy()
    pl["pl"] = template.pl.copy(data=clean + sigma * rng.standard_normal(clean.shape))
    pl["pl_sigma"] = pl.pl * 0 + sigma
    pl.pl_sigma.attrs["units"] = "a.u."
    result = nfit.fit([ta, pl], TRUTH, {"tau_xx": (60.0, 300.0)},
                      nuisances={"irf_fwhm_pl": (5.0, 80.0), "amplitude_pl": (1e3, 1e6)})
    assert not result.undetermined, result.report()
    for name, value in truth.items():
        assert abs(result.values[name] - value) <= 3 * result.stderr[name], name
    assert result.units["irf_fwhm_pl"] == "ps"
    assert result.ndata == ta.bleach.size + pl.pl.size
    # the two variables' grids differ: the PL's coordinates carry its name
    assert result.curves.pl_model.dims == ("mean_excitons_pl", "time_pl", "energy_pl")
    assert np.isfinite(result.curves.pl_residual).all()


def test_expression_parameter_follows_and_propagates():
    result = nfit.fit(small_dataset(), TRUTH, {"delta_xx": (0.05, 0.15),
                                               "stokes_shift": "0.1 * delta_xx"})
    assert math.isclose(result.values["stokes_shift"], 0.1 * result.values["delta_xx"])
    assert math.isclose(result.sample.stokes_shift, result.values["stokes_shift"])
    assert math.isclose(result.stderr["stokes_shift"], 0.1 * result.stderr["delta_xx"],
                        rel_tol=1e-4)
    assert result.nvarys == 1 and "(expression)" in result.report()


def test_bad_expression_refused():
    with pytest.raises(ValueError, match=r"vary\['stokes_shift'\] = '0.1 \* no_such_parameter' "
                                         r"is not a valid expression of the parameters "
                                         r"\['delta_xx'\]"):
        nfit.fit(small_dataset(), TRUTH, {"delta_xx": (0.05, 0.15),
                                          "stokes_shift": "0.1 * no_such_parameter"})
