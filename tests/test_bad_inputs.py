"""A table of bad inputs: each must raise a short ValueError naming what the user gave.

The count of this table is reported in docs/reliability.md.
"""

import dataclasses
import math

import numpy as np
import pytest

from ncgain import kinetics, models
from ncgain.kinetics import master_equation
from ncgain.models import Sample

BASE = dict(name="t", exciton_energy=2.0, delta_xx=0.1, linewidth=0.05, tau_x=1000.0,
            tau_xx=50.0, sigma_pump=1e-15, pump_energy=3.0)
S = Sample(**BASE)


def sample(**change):
    return lambda: Sample(**{**BASE, **change})


def pulsed(**change):
    args = dict(sample=S, mean_excitons=[0.5], times=[0.0], method="master-equation")
    args.update(change)
    return lambda: kinetics.simulate_pulsed(args.pop("sample"), args.pop("mean_excitons"),
                                            args.pop("times"), **args)


def threshold(**change):
    return lambda: kinetics.gain_threshold(S, **change)


def core_shell(**change):
    args = dict(core="CdS", shell="ZnSe", core_radius=1.6, shell_width=2.0)
    args.update(change)
    return lambda: Sample.from_core_shell(**args)


BAD = [
    # Sample fields: (call, name of the field the message must contain)
    (sample(name=""), "name"), (sample(name=5), "name"), (sample(name="x" * 10_000), "name"),
    (sample(exciton_energy=0.0), "exciton_energy"), (sample(exciton_energy=-2.0), "exciton_energy"),
    (sample(exciton_energy=math.nan), "exciton_energy"),
    (sample(exciton_energy=math.inf), "exciton_energy"),
    (sample(exciton_energy=2 + 0j), "exciton_energy"), (sample(exciton_energy="2"), "exciton_energy"),
    (sample(exciton_energy=None), "exciton_energy"), (sample(exciton_energy=[2.0]), "exciton_energy"),
    (sample(delta_xx=5.0), "delta_xx"), (sample(delta_xx=True), "delta_xx"),
    (sample(linewidth=0.0), "linewidth"), (sample(linewidth=-0.1), "linewidth"),
    (sample(linewidth=3.0), "linewidth"), (sample(tau_x=0.0), "tau_x"), (sample(tau_x=-1.0), "tau_x"),
    (sample(tau_x=1e10), "tau_x"), (sample(tau_xx=0.0), "tau_xx"), (sample(tau_xx=math.nan), "tau_xx"),
    (sample(sigma_pump=0.0), "sigma_pump"), (sample(sigma_pump=1.0), "sigma_pump"),
    (sample(pump_energy=0.0), "pump_energy"), (sample(pump_energy=1e3), "pump_energy"),
    (sample(homogeneous_linewidth=0.05), "homogeneous_linewidth"),
    (sample(homogeneous_linewidth=-0.01), "homogeneous_linewidth"),
    (sample(homogeneous_lineshape="voigt"), "homogeneous_lineshape"),
    (sample(homogeneous_lineshape=None), "homogeneous_lineshape"),
    (sample(degeneracy=0), "degeneracy"), (sample(degeneracy=9), "degeneracy"),
    (sample(degeneracy=2.5), "degeneracy"), (sample(degeneracy=True), "degeneracy"),
    (sample(stokes_shift=2.0), "stokes_shift"), (sample(radiative_scaling="cubic"), "radiative_scaling"),
    (sample(radiative_scaling=["linear"]), "radiative_scaling"),
    (sample(auger_scaling="fast"), "auger_scaling"), (sample(auger_scaling=1), "auger_scaling"),
    (sample(components=[1, 2]), "components"), (sample(components=[[0.5]]), "components"),
    (sample(components=[(0.5, S)]), "components"), (sample(components=[(0.0, S), (1.0, S)]), "components"),
    (sample(components=[(-0.5, S), (1.5, S)]), "components"), (sample(components="ab"), "components"),
    (sample(components=[(0.5 + 0j, S), (0.5, S)]), "components"),
    (sample(components=[(1.0, dataclasses.replace(S, degeneracy=3))]), "components"),
    (sample(description=3), "description"), (sample(description="d" * 100_000), "description"),
    # simulate_pulsed arguments
    (pulsed(mean_excitons=[-0.1]), "mean_excitons"), (pulsed(mean_excitons=[math.nan]), "mean_excitons"),
    (pulsed(mean_excitons=[51.0]), "mean_excitons"), (pulsed(mean_excitons=[]), "mean_excitons"),
    (pulsed(mean_excitons=[[0.5, 1.0]]), "mean_excitons"), (pulsed(mean_excitons=[0.5j]), "mean_excitons"),
    (pulsed(mean_excitons=[True]), "mean_excitons"), (pulsed(mean_excitons="0.5"), "mean_excitons"),
    (pulsed(mean_excitons=[None]), "mean_excitons"),
    (pulsed(mean_excitons=[1.5], statistics="single"), "mean_excitons"),
    (pulsed(times=[-1.0]), "times"), (pulsed(times=[3.0, 1.0]), "times"), (pulsed(times=[1.0, 1.0]), "times"),
    (pulsed(times=[math.inf]), "times"), (pulsed(times=[]), "times"), (pulsed(times=[1j]), "times"),
    (pulsed(times=np.linspace(1e6, 0, 10 ** 5)), "times"), (pulsed(times=np.zeros(2 * 10 ** 6)), "times"),
    (pulsed(energies=[-1.0, 2.0]), "energies"), (pulsed(energies=[0.0]), "energies"),
    (pulsed(energies=[2.1, 2.0]), "energies"), (pulsed(energies=[5.0]), "energies"),
    (pulsed(energies=[math.nan]), "energies"), (pulsed(energies=[2.0 + 0j]), "energies"),
    (pulsed(energies=np.linspace(1.9, 2.1, 400_000), mean_excitons=np.linspace(0, 1, 500),
            times=np.linspace(0, 1, 500)), "energies"),
    (pulsed(n_nanocrystals=0), "n_nanocrystals"), (pulsed(n_nanocrystals=1.5), "n_nanocrystals"),
    (pulsed(n_nanocrystals=10 ** 13), "n_nanocrystals"), (pulsed(n_nanocrystals=True), "n_nanocrystals"),
    (pulsed(seed=-1), "seed"), (pulsed(seed=2 ** 64), "seed"), (pulsed(seed="1"), "seed"),
    (pulsed(statistics="binomial"), "statistics"), (pulsed(method="exact"), "method"),
    (pulsed(n_max=1), "n_max"), (pulsed(n_max=201), "n_max"), (pulsed(n_max=2.0), "n_max"),
    (pulsed(mean_excitons=[5.0], n_max=3), "n_max"),
    (pulsed(energy_bins=0), "energy_bins"), (pulsed(energy_bins=1000), "energy_bins"),
    (pulsed(sample="type-x"), "type-x"), (pulsed(sample=42), "sample"),
    # gain_threshold arguments
    (threshold(time=-1.0), "time"), (threshold(time=1e13), "time"), (threshold(time=math.nan), "time"),
    (threshold(time=1j), "time"), (threshold(loss=-0.1), "loss"), (threshold(loss=11.0), "loss"),
    (threshold(energy="blue"), "energy"), (threshold(energy=-2.0), "energy"),
    (threshold(energy=9.0), "energy"), (threshold(max_mean_excitons=0.0), "max_mean_excitons"),
    (threshold(max_mean_excitons=100.0), "max_mean_excitons"), (threshold(method="guess"), "method"),
    (threshold(statistics=None), "statistics"),
    # from_core_shell
    (core_shell(core_radius=0.0), "core_radius"), (core_shell(core_radius=-1.0), "core_radius"),
    (core_shell(shell_width=-1.0), "shell_width"), (core_shell(core_radius=math.nan), "core_radius"),
    (core_shell(core="Unobtainium"), "Unobtainium"), (core_shell(size_dispersion=0.5), "size_dispersion"),
    (core_shell(n_size_classes=0), "n_size_classes"), (core_shell(grid_density=1e9), "grid_density"),
    (core_shell(grid_density=5.0), "grid_density"), (core_shell(tau_x_ref=-1.0), "tau_x_ref"),
    (core_shell(tau_x_ref=9e8, size_dispersion=0.1), "tau_x_ref"), (core_shell(colour=1), "colour"),
    # master_equation.propagate
    (lambda: master_equation.propagate([[[1 + 0j, 0]]], [[0, 0]], [[0, 1]], [1.0]), "initial"),
    (lambda: master_equation.propagate([[[1.0, 0]]], [[0, -1]], [[0, 1]], [1.0]), "up_rate"),
    (lambda: master_equation.propagate([[[1.0, 0]]], [[0, 0]], [[0, math.inf]], [1.0]), "down_rate"),
    (lambda: master_equation.propagate([[[1.0, 0]]], [[0, 0]], [[0, 1]], [[1.0]]), "times"),
    (lambda: master_equation.propagate([[[1.0, 0, 0]]], [[0, 0]], [[0, 1]], [1.0]), "initial"),
    # presets
    (lambda: models.presets.get("type-iii"), "type-iii"),
]


@pytest.mark.parametrize("call, names", BAD, ids=[f"{i}-{n}" for i, (_, n) in enumerate(BAD)])
def test_bad_input_is_refused_with_a_short_message_naming_it(call, names):
    with pytest.raises(ValueError) as info:
        call()
    msg = str(info.value)
    assert names in msg, msg
    assert len(msg) < 600 and "\n" not in msg


def test_table_size():
    # Reported in docs/reliability.md; update both together.
    assert len(BAD) == N_BAD_INPUTS


N_BAD_INPUTS = 121
