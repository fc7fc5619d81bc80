import dataclasses

import numpy as np
import pytest
import xarray as xr

from ncgain import kinetics
from ncgain import models


@pytest.fixture(scope="module", params=["monte-carlo", "master-equation"])
def ds(request):
    return kinetics.simulate_pulsed(models.presets.TYPE_II_CDS_ZNSE, [0.1, 0.5, 1.0, 2.0],
                                    [0.0, 3.0, 100.0, 1000.0], n_nanocrystals=20_000, seed=1,
                                    method=request.param)


def test_schema(ds):
    assert ds.population.dims == ("mean_excitons", "time", "excitons")
    for name in ("absorption", "bleach", "pl"):
        assert ds[name].dims == ("mean_excitons", "time", "energy")
    assert ds.mean_excitons_t.dims == ("mean_excitons", "time")
    for name in list(ds.data_vars) + list(ds.coords):
        assert ds[name].attrs.get("units") and ds[name].attrs.get("long_name"), name
        assert np.isfinite(ds[name].values).all(), name
    for key in ("sample", "method", "statistics", "seed", "n_nanocrystals", "ncgain_version"):
        assert key in ds.attrs
    assert kinetics.sample_from_dataset(ds) == models.presets.TYPE_II_CDS_ZNSE


def test_netcdf_round_trip(ds, tmp_path):
    path = tmp_path / "run.nc"
    ds.to_netcdf(path)
    with xr.open_dataset(path) as back:
        xr.testing.assert_identical(back.load(), ds)


def test_pump_fluence_coordinate(ds):
    # <N> = sigma j with j = F / (h nu): <N> = 1 at 2 mJ cm^-2 for the preset.
    assert float(ds.pump_fluence.sel(mean_excitons=1.0)) == pytest.approx(2.0, rel=1e-3)


def test_bleach_definition(ds):
    expected = (ds.alpha0 - ds.absorption) / ds.alpha0
    np.testing.assert_allclose(ds.bleach, expected.transpose(*ds.bleach.dims), rtol=1e-12)


def test_plot_labels_carry_units(ds):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots()
    ds.bleach.sel(time=3.0, mean_excitons=1.0).plot(ax=ax)
    assert ax.get_xlabel() == "photon energy [eV]"
    assert "[1]" in ax.get_ylabel()
    plt.close(fig)


# --------------------------------------------------------------------------- gain, decomposition

def test_gain_is_minus_absorption_with_its_own_name(ds):
    np.testing.assert_array_equal(ds.gain, -ds.absorption)
    assert ds.gain.attrs["long_name"] != ds.absorption.attrs["long_name"]
    assert "gain" in ds.gain.attrs["long_name"]


def test_gain_by_excitons_sums_to_gain(ds):
    assert ds.gain_by_excitons.dims == ("mean_excitons", "time", "excitons", "energy")
    total = ds.gain_by_excitons.sum("excitons").transpose(*ds.gain.dims)
    np.testing.assert_allclose(total, ds.gain, rtol=0, atol=1e-13)
    # Not vacuous: more than one exciton number contributes.
    share = abs(ds.gain_by_excitons).max(("mean_excitons", "time", "energy"))
    assert int((share > 1e-3).sum()) >= 3


@pytest.mark.parametrize("time", [0.0, 500.0])
def test_gain_by_excitons_by_hand(time):
    # Paper's single-excitation statistics: p1(t) = <N> exp(-t/tau_X) (Auger needs n >= 2),
    # p0 = 1 - p1. With g = 2, S = 0 and Gaussian lines the ensemble lines are
    # G(x) = exp(-x^2/Gamma^2) in units of alpha_0(peak):
    #   n = 0 absorbs G(E - E_X):                       gain_0 = -p0 G(E - E_X)
    #   n = 1 absorbs 1/2 G(E - E_X - Delta), emits 1/2 G(E - E_X):
    #                                                   gain_1 = p1 (G(E - E_X) - G(E - E_X - Delta)) / 2
    # The paper's two-channel band edge only (the preset's higher transition removed).
    s = dataclasses.replace(models.presets.TYPE_II_CDS_ZNSE, higher_transitions=())
    mean = np.array([0.3, 0.8])
    energies = np.linspace(s.exciton_energy - 0.1, s.exciton_energy + 0.15, 11)
    ds = kinetics.simulate_pulsed(s, mean, [time], energies=energies, statistics="single",
                                  method="master-equation")
    g = lambda x: np.exp(-(x / s.linewidth) ** 2)  # noqa: E731
    p1 = mean[:, None] * np.exp(-time / s.tau_x)
    gain_0 = -(1 - p1) * g(energies - s.exciton_energy)
    gain_1 = p1 * (g(energies - s.exciton_energy) - g(energies - s.exciton_energy - s.delta_xx)) / 2
    by_n = ds.gain_by_excitons.isel(time=0)
    np.testing.assert_allclose(by_n.sel(excitons=0), gain_0, rtol=0, atol=1e-12)
    np.testing.assert_allclose(by_n.sel(excitons=1), gain_1, rtol=0, atol=1e-12)
    np.testing.assert_allclose(by_n.sel(excitons=slice(2, None)), 0.0, atol=1e-15)
    np.testing.assert_allclose(ds.gain.isel(time=0), gain_0 + gain_1, rtol=0, atol=1e-12)


# --------------------------------------------------------------------------- standard errors

SE = ("population_se", "absorption_se", "gain_se", "bleach_se", "pl_se")


def test_standard_errors_share_the_schema(ds):
    for name in SE:
        base = ds[name.removesuffix("_se")]
        assert ds[name].dims == base.dims and ds[name].attrs["units"] == base.attrs["units"]
        assert (ds[name] >= 0).all()
    if ds.attrs["method"] == "master-equation":
        for name in SE:
            assert float(abs(ds[name]).max()) == 0.0, name
    else:
        np.testing.assert_array_equal(ds.gain_se, ds.absorption_se)
        np.testing.assert_allclose(ds.bleach_se, ds.absorption_se / ds.alpha0, rtol=1e-15)
        assert float(ds.absorption_se.max()) > 0 and float(ds.pl_se.max()) > 0


def test_population_standard_error_is_binomial():
    s = models.presets.TYPE_II_CDS_ZNSE
    args = (s, [0.5, 2.0], [0.0, 100.0])
    mc = kinetics.simulate_pulsed(*args, n_nanocrystals=5000, seed=3)
    me = kinetics.simulate_pulsed(*args, method="master-equation", n_max=int(mc.n_max),
                                  energies=mc.energy.values)
    p = me.population.values
    np.testing.assert_allclose(mc.population_se, np.sqrt(p * (1 - p) / 5000), rtol=1e-12,
                               atol=1e-17)


def test_spectral_standard_errors_match_the_scatter_over_seeds():
    # K independent runs: the sample variance of each spectrum point, divided by the
    # reported se^2, is chi2(K-1)/(K-1); checked with an exact chi-square interval.
    from scipy import stats

    from tests.conftest import ALPHA
    s = models.presets.TYPE_II_CDS_ZNSE
    k, n_nc = 60, 3000
    energies = np.linspace(2.0, 2.2, 5)
    runs = [kinetics.simulate_pulsed(s, [1.0], [3.0], energies=energies, n_nanocrystals=n_nc,
                                     seed=seed, energy_bins=4) for seed in range(k)]
    for name in ("absorption", "pl", "bleach"):
        values = np.array([r[name].values[0, 0] for r in runs])
        se = runs[0][f"{name}_se"].values[0, 0]
        for r in runs[1:]:   # the exact standard error does not depend on the seed
            np.testing.assert_array_equal(r[f"{name}_se"].values[0, 0], se)
        ratio = values.var(axis=0, ddof=1) / se ** 2
        lo = stats.chi2.ppf(ALPHA / 2, k - 1) / (k - 1)
        hi = stats.chi2.isf(ALPHA / 2, k - 1) / (k - 1)
        assert ((ratio > lo) & (ratio < hi)).all(), (name, ratio, lo, hi)


# --------------------------------------------------------------------------- CF and pint

def test_cf_conventions(ds):
    assert ds.attrs["Conventions"] == "CF-1.10"


def test_units_quantify_with_pint_through_cf_xarray(ds):
    import cf_xarray.units as cf_units   # the test extra installs both: no skip
    import pint_xarray  # noqa: F401  (registers the .pint accessor)
    q = ds.pint.quantify(unit_registry=cf_units.units)
    ureg = cf_units.units
    assert q.pl.pint.units == ureg.Unit("1/(ps*eV)")
    assert q.absorption.pint.units == ureg.Unit("dimensionless")
    assert q.gain_by_excitons.pint.units == ureg.Unit("dimensionless")
    assert q.pump_fluence.pint.units == ureg.Unit("mJ/cm^2")
    assert q.energy.pint.units == ureg.Unit("eV") and q.time.pint.units == ureg.Unit("ps")
    # A unit-aware computation: fluence in J m^-2.
    in_si = q.pump_fluence.pint.to("J/m^2")
    np.testing.assert_allclose(in_si.pint.magnitude, ds.pump_fluence.values * 10.0)
    back = q.pint.dequantify()
    for name in ds.variables:
        assert back[name].attrs["units"]


def test_master_equation_progress_bar_changes_nothing(capsys):
    s = models.presets.TYPE_I_CDSE
    times = np.geomspace(0.1, 1e4, 20)
    quiet = kinetics.simulate_pulsed(s, [0.5, 2.0], times, method="master-equation")
    assert capsys.readouterr().err == ""
    shown = kinetics.simulate_pulsed(s, [0.5, 2.0], times, method="master-equation",
                                     progress=True)
    assert "master-equation" in capsys.readouterr().err
    # Chunks of record times may choose other scaling steps of exp(A t): rounding only.
    assert quiet.attrs == shown.attrs
    for name in quiet.variables:
        np.testing.assert_allclose(shown[name], quiet[name], rtol=1e-12, atol=1e-15,
                                   err_msg=name)
