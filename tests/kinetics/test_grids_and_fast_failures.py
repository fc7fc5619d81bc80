"""Physical grids and fast, actionable failures (issue 12, item 6)."""

import dataclasses

import numpy as np
import pytest
from scipy import stats

from ncgain import kinetics, models
from ncgain.kinetics import excitation
from ncgain.models import Sample
from ncgain import cli

BASE = dict(name="t", exciton_energy=2.0, delta_xx=0.1, linewidth=0.05, tau_x=1e3,
            tau_xx=50.0, sigma_pump=1e-15, pump_energy=3.0)


def test_default_grid_has_positive_photon_energies_for_wide_lines():
    s = Sample(**{**BASE, "exciton_energy": 0.05, "linewidth": 1.0})
    ds = kinetics.simulate_pulsed(s, [0.5], [0.0], method="master-equation")
    assert ds.energy.min() > 0
    assert np.isfinite(ds.bleach).all()


@pytest.mark.parametrize("energies", [[-1.0, 2.0], [0.0, 2.0]])
def test_user_energies_must_be_positive(energies):
    with pytest.raises(ValueError, match="energies = .* photon energies are positive"):
        kinetics.simulate_pulsed(Sample(**BASE), [0.5], [0.0], energies=energies)


def test_default_grid_resolves_a_very_narrow_line():
    s = Sample(**{**BASE, "linewidth": 1e-6, "homogeneous_lineshape": "lorentzian",
                  "homogeneous_linewidth": 1e-6})
    ds = kinetics.simulate_pulsed(s, [0.5], [0.0], method="master-equation")
    # The unexcited peak (normalized to 1) is on the grid (it was 0.034 on the 241-point
    # grid, spacing 4e-4 eV), and the bleach there is the exact p1 + 2 p2 ... value.
    assert float(ds.alpha0.max()) == pytest.approx(1.0, abs=1e-3)
    k = int(np.argmax(ds.alpha0.values))
    p = stats.poisson.pmf([0, 1], 0.5)
    # Delta_XX >> width: at E_X an empty NC absorbs 1, one exciton emits 1/2 (its
    # absorption sits at E_X + Delta_XX), n >= 2 emit only at E_X + Delta_XX:
    # alpha / alpha_0 = p0 - p1 / 2.
    assert float(ds.bleach[0, 0, k]) == pytest.approx(1 - p[0] + p[1] / 2, abs=1e-6)


@pytest.mark.parametrize("mean", [1e-3, 0.5, 3.0, 30.0, 400.0])
@pytest.mark.parametrize("n_nc", [1, 10 ** 6])
def test_required_n_max_bisection_equals_the_linear_search(mean, n_nc):
    tol = excitation.allowed_tail(n_nc)
    n = 2
    while stats.poisson.sf(n, mean) > tol:
        n += 1
    assert excitation.required_n_max(mean, 2, n_nc) == n


def test_mixture_with_extreme_pump_scales_is_fast_and_names_user_inputs():
    p = models.presets.TYPE_II_CDS_ZNSE
    a = dataclasses.replace(p, sigma_pump=1e-22, name="a")
    b = dataclasses.replace(p, sigma_pump=1e-12, name="b")
    mix = dataclasses.replace(p, components=((0.9, a), (0.1, b)))
    th = kinetics.gain_threshold(mix)           # used to step n_max one at a time
    assert th > 0
    with pytest.raises(ValueError) as info:
        kinetics.simulate_pulsed(mix, [30.0], [0.0], method="master-equation")
    msg = str(info.value)
    assert msg.startswith("mean_excitons") and "sigma_pump" in msg
    assert "n_max =" not in msg


def test_core_shell_bounds_and_derived_errors_name_the_inputs():
    with pytest.raises(ValueError, match=r"grid_density = 1000000000.0 per nm .* \[20, 10000\]"):
        Sample.from_core_shell("CdS", "ZnSe", 1.6, 2.0, grid_density=1e9)
    with pytest.raises(ValueError, match="tau_x_ref"):
        Sample.from_core_shell("CdS", "ZnSe", 1.6, 2.0, tau_x_ref=9e8, size_dispersion=0.1)


def test_error_messages_are_short():
    times = np.linspace(1e6, 0, 1_000_000)
    with pytest.raises(ValueError) as info:
        kinetics.simulate_pulsed(Sample(**BASE), [0.5], times)
    assert len(str(info.value)) < 300 and "times" in str(info.value)
    with pytest.raises(ValueError) as info:
        kinetics.simulate_pulsed(Sample(**BASE), ["x"] * 10_000, [0.0])
    assert len(str(info.value)) < 300


def test_cli_long_value_list_error_is_one_short_line(tmp_path, capsys):
    assert cli.main(["simulate", "--mean-excitons", "1", "--times", "1000:0:1000000",
                     "--quiet", "--out", str(tmp_path / "x.nc")]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and len(err) < 500 and "times" in err
    assert cli.main(["simulate", "--mean-excitons", "1", "--times", "0:1:100000000",
                     "--quiet", "--out", str(tmp_path / "x.nc")]) == 2
    assert "count must be in [1, 1000000]" in capsys.readouterr().err
