"""Synthetic transient-absorption data from a known Sample, and an independent Fisher matrix."""

import dataclasses
import functools

import numpy as np
import pytest
import xarray as xr

from ncgain import kinetics, models

TRUTH = models.presets.TYPE_II_CDS_ZNSE
#: the grid of the recovery tests: 3 <N> x 5 delays x 16 energies = 240 points
MEAN_EXCITONS = [0.3, 1.0, 2.5]
TIMES = [2.0, 10.0, 50.0, 200.0, 1000.0]
ENERGIES = np.linspace(1.98, 2.22, 16)
NOISE = 0.01
#: the varied fields, their bounds and the (deliberately wrong) start of the fit
VARY = {"delta_xx": (0.06, 0.15), "linewidth": (0.04, 0.09), "tau_xx": (60.0, 300.0)}
START = {"delta_xx": 0.09, "linewidth": 0.055, "tau_xx": 100.0}


def exact_bleach(sample, mean=MEAN_EXCITONS, times=TIMES, energies=ENERGIES):
    """The master-equation bleach (P, T, E) of ``sample`` on the test grid."""
    ds = kinetics.simulate_pulsed(sample, mean, times, energies=energies,
                                  method="master-equation")
    return ds.bleach.values


def noisy_dataset(seed, sample=TRUTH, noise=NOISE, clean=None):
    """The exact bleach plus Gaussian noise (fixed seed), with bleach_sigma, in the schema."""
    ds = kinetics.simulate_pulsed(sample, MEAN_EXCITONS, TIMES, energies=ENERGIES,
                                  method="master-equation")[["bleach"]]
    values = ds.bleach.values if clean is None else clean
    rng = np.random.default_rng(seed)
    ds["bleach"] = (ds.bleach.dims, values + noise * rng.standard_normal(values.shape),
                    {"units": "1"})
    ds["bleach_sigma"] = (ds.bleach.dims, np.full(values.shape, noise), {"units": "1"})
    return ds


def fisher_stderr(sample, fields, noise=NOISE, rel_step=1e-5):
    """1-sigma errors from the Fisher matrix J^T J / sigma^2, J by central differences.

    Computed here from kinetics.simulate_pulsed alone (not from ncgain.fit), so the fit's
    own covariance is checked against an independent estimate.
    """
    cols = []
    for name in fields:
        x = getattr(sample, name)
        h = rel_step * abs(x)
        up = exact_bleach(dataclasses.replace(sample, **{name: x + h}))
        down = exact_bleach(dataclasses.replace(sample, **{name: x - h}))
        cols.append(((up - down) / (2 * h)).ravel())
    jac = np.column_stack(cols) / noise
    cov = np.linalg.inv(jac.T @ jac)
    return dict(zip(fields, np.sqrt(np.diag(cov))))


@pytest.fixture(scope="session")
def clean_bleach():
    return exact_bleach(TRUTH)


@pytest.fixture(scope="session")
def start_sample():
    return dataclasses.replace(TRUTH, **START)


def small_dataset():
    """A 2 <N> x 2 delays x 6 energies bleach dataset with constant sigma (fast checks).

    Simulated once; each call returns a deep copy.
    """
    return _small_dataset().copy(deep=True)


@functools.lru_cache(maxsize=1)
def _small_dataset():
    ds = kinetics.simulate_pulsed(TRUTH, [0.5, 1.5], [3.0, 300.0],
                                  energies=np.linspace(2.0, 2.2, 6),
                                  method="master-equation")[["bleach"]]
    ds["bleach_sigma"] = xr.full_like(ds.bleach, 0.01)
    ds.bleach_sigma.attrs = {"units": "1"}
    return ds
