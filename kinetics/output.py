"""xarray output: one schema for both methods, units and long names everywhere."""

from __future__ import annotations

import json

import numpy as np
import xarray as xr

from ncgain import models

from . import observables

__all__ = ["pulsed_dataset", "sample_from_dataset"]

COORD_ATTRS = {
    "mean_excitons": {"units": "1", "long_name": "mean excitons per NC after the pulse, <N>"},
    "time": {"units": "ps", "long_name": "time after the pump pulse"},
    "energy": {"units": "eV", "long_name": "photon energy"},
    "excitons": {"units": "1", "long_name": "number of excitons in a NC, n"},
    "pump_fluence": {"units": "mJ cm-2", "long_name": "pump fluence giving <N>"},
}


def pulsed_dataset(problem, mean_excitons, occupation, *, method: str,
                   n_events: int | None) -> xr.Dataset:
    """Wrap an occupation tensor P[m, t, c, n, b] of ``problem`` as the public dataset.

    Parameters
    ----------
    problem : PulsedProblem
        The prepared problem (sample, state table, times, energies, line kernels).
    mean_excitons : ndarray, shape (M,)
        Mean exciton numbers ⟨N⟩ right after the pulse.
    occupation : ndarray, shape (M, T, K, n_max + 1, B)
        Probabilities (master equation) or count fractions (Monte Carlo) of the states.
    method : {"monte-carlo", "master-equation"}
        How ``occupation`` was obtained; stored as an attribute.
    n_events : int or None
        Number of Monte Carlo jumps (None for the master equation); an attribute.

    Returns
    -------
    xarray.Dataset
        The dataset :func:`ncgain.kinetics.simulate_pulsed` returns, every variable
        with ``units`` and ``long_name``, the sample and run parameters as attributes.
    """
    from .pulsed import pump_fluence  # local: pulsed imports this module lazily

    alpha, pl = observables.spectra(occupation, problem.kernels)
    alpha0 = observables.unexcited_absorption(problem.table, problem.energies) \
        / problem.kernels.alpha0_peak
    bleach = (alpha0[None, None, :] - alpha) / alpha0[None, None, :]
    population = occupation.sum(axis=(2, 4))
    n = np.arange(problem.table.n_max + 1)
    coords = {
        "mean_excitons": ("mean_excitons", np.asarray(mean_excitons, float),
                          COORD_ATTRS["mean_excitons"]),
        "time": ("time", problem.times, COORD_ATTRS["time"]),
        "energy": ("energy", problem.energies, COORD_ATTRS["energy"]),
        "excitons": ("excitons", n, COORD_ATTRS["excitons"]),
        "pump_fluence": ("mean_excitons", pump_fluence(mean_excitons, problem.sample),
                         COORD_ATTRS["pump_fluence"]),
    }
    dims_s = ("mean_excitons", "time", "energy")
    data_vars = {
        "population": (("mean_excitons", "time", "excitons"), population,
                       {"units": "1", "long_name": "fraction of NCs holding n excitons"}),
        "mean_excitons_t": (("mean_excitons", "time"), population @ n,
                            {"units": "1", "long_name": "mean excitons per NC at time t"}),
        "absorption": (dims_s, alpha,
                       {"units": "1", "long_name": "absorption alpha / alpha_0(peak)"}),
        "bleach": (dims_s, bleach,
                   {"units": "1", "long_name": "normalized bleaching -dalpha/alpha_0"}),
        "pl": (dims_s, pl, {"units": "ps-1 eV-1",
                            "long_name": "spontaneous emission per NC (photons per ps per eV)"}),
        "alpha0": (("energy",), alpha0,
                   {"units": "1", "long_name": "unexcited absorption alpha_0 / alpha_0(peak)"}),
    }
    attrs = {
        "title": f"ncgain pulsed excitation: {problem.sample.name}",
        "sample": problem.sample.to_json(),
        "sample_name": problem.sample.name,
        "method": method,
        "statistics": problem.statistics,
        "seed": problem.seed,
        "n_nanocrystals": problem.n_nanocrystals,
        "n_max": problem.table.n_max,
        "energy_bins": problem.energy_bins if method == "monte-carlo" else 1,
        "alpha0_peak_energy_eV": observables.absorption_peak(problem.table)[0],
        "ncgain_version": models.package_version(),
        "random_streams": "counter-based SplitMix64, one stream per NC (seed, NC index)",
        "conventions": "units: eV, ps, nm, cm2, mJ cm-2",
    }
    if n_events is not None:
        attrs["n_events"] = int(n_events)
    for name, value in (("alpha", alpha), ("pl", pl), ("bleach", bleach)):
        if not np.all(np.isfinite(value)):  # a bug, never an input problem (inputs are checked)
            raise RuntimeError(f"non-finite values in {name}")
    return xr.Dataset(data_vars=data_vars, coords=coords, attrs=attrs)


def sample_from_dataset(ds: xr.Dataset) -> models.Sample:
    """The :class:`~ncgain.models.Sample` stored in a dataset's attributes.

    Parameters
    ----------
    ds : xarray.Dataset
        A dataset written by :func:`ncgain.kinetics.simulate_pulsed` (or read back
        from its netCDF file).

    Returns
    -------
    Sample
        The sample the dataset was computed for.

    Raises
    ------
    KeyError
        If the dataset has no ``sample`` attribute.
    ValueError
        If the attribute does not describe a valid sample.
    """
    return models.Sample.from_dict(json.loads(ds.attrs["sample"]))
