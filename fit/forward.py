"""The forward model of a fit: a Sample and the nuisances -> the model on the data's grid.

The kinetics come from the exact master equation by default, through
:class:`ncgain.kinetics.PulsedGrid` (bit-identical to :func:`ncgain.kinetics.simulate_pulsed`
with ``method="master-equation"``; built once per sample and probe grid and reused while
only nuisances change), or from the Monte Carlo of ``simulate_pulsed`` at a fixed seed. Three nuisances a measurement needs are applied around it:

* ``pump_scale`` multiplies the pump level: <N> = pump_scale * <N>_nominal, where
  <N>_nominal is the data's ``mean_excitons`` or ``sigma_pump F / (h nu)`` for a
  ``pump_fluence`` (so for fluence data ``pump_scale`` is the uncertainty of sigma_pump;
  vary one of the two, not both).
* ``time_zero`` (ps): the pump arrives at delay t0, so the model is read at t - t0.
* ``irf_fwhm`` (ps): the measured signal is the model convolved with a Gaussian instrument
  response of this full width at half maximum. Before the pump (t - t0 - u < 0) nothing is
  excited: the bleach and PL are 0 and the absorption is the unexcited alpha_0 (the gain
  -alpha_0). The convolution splits at the pump arrival: the pre-pump part is the constant
  times the Gaussian's tail probability, the post-pump part a Gauss-Legendre sum over the
  Gaussian's +-5 sigma window (:data:`IRF_NODES` nodes).
* ``amplitude_<variable>`` scales one variable (PL in arbitrary units needs it).

``time_zero`` and ``irf_fwhm`` may also be given per variable (``time_zero_pl``,
``irf_fwhm_pl``: the PL of a streak camera has its own zero and its own ~30 ps response).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
from scipy import special

from ncgain import kinetics, models

from .data import DataBlock, FitData

__all__ = ["NUISANCES", "IRF_NODES", "ForwardModel", "nuisance_names"]

#: nuisance -> (default value, units, description)
NUISANCES = {
    "pump_scale": (1.0, "1", "multiplies the nominal pump level <N> (or sigma_pump F / h nu)"),
    "time_zero": (0.0, "ps", "delay at which the pump arrives"),
    "irf_fwhm": (0.0, "ps", "FWHM of the Gaussian instrument response"),
    "amplitude": (1.0, "1", "scale of one variable's model (PL in arbitrary units)"),
}
#: valid range of each nuisance (low, high)
NUISANCE_RANGES = {"pump_scale": (1e-6, 1e6), "time_zero": (-1e6, 1e6),
                   "irf_fwhm": (0.0, 1e6), "amplitude": (-1e12, 1e12)}
#: Gauss-Legendre nodes of the post-pump part of the IRF convolution
IRF_NODES = 16
#: half-width of the IRF window, in Gaussian standard deviations
IRF_WINDOW = 5.0
#: grids (one per sample and energy grid) and IRF weight sets kept between evaluations
GRID_CACHE = 4
IRF_CACHE = 64
_FWHM_PER_SIGMA = 2.0 * math.sqrt(2.0 * math.log(2.0))


def nuisance_names(variables) -> dict[str, tuple[str, str | None]]:
    """Every nuisance name allowed for the fitted ``variables`` -> (kind, variable).

    Parameters
    ----------
    variables : iterable of str
        The fitted variables (``bleach``, ``pl``, ...).

    Returns
    -------
    dict
        ``"pump_scale"``, ``"time_zero"``, ``"irf_fwhm"`` (variable None: all variables),
        ``"time_zero_<v>"``, ``"irf_fwhm_<v>"``, ``"amplitude_<v>"`` for each variable.
    """
    out = {"pump_scale": ("pump_scale", None), "time_zero": ("time_zero", None),
           "irf_fwhm": ("irf_fwhm", None)}
    for v in variables:
        for kind in ("time_zero", "irf_fwhm", "amplitude"):
            out[f"{kind}_{v}"] = (kind, v)
    return out


def _pre_pump(block: DataBlock, alpha0: np.ndarray) -> np.ndarray:
    """The value of the variable before the pump (nothing excited), shape (E,)."""
    if block.name == "absorption":
        return alpha0
    if block.name == "gain":
        return -alpha0
    return np.zeros_like(alpha0)           # bleach, pl


class ForwardModel:
    """The model on the grid of :class:`~ncgain.fit.data.FitData`.

    Parameters
    ----------
    data : FitData
        The checked data (their grids are used, not their values).
    method : {"master-equation", "monte-carlo"}
        The kinetics of :func:`ncgain.kinetics.simulate_pulsed`.
    n_nanocrystals, seed, statistics :
        Passed to :func:`ncgain.kinetics.simulate_pulsed` (the Monte Carlo's ensemble and
        its fixed seed; the pump statistics).
    """

    def __init__(self, data: FitData, *, method="master-equation", n_nanocrystals=200_000,
                 seed=0, statistics="poisson"):
        if method not in kinetics.METHODS:
            raise ValueError(f"method = {method!r} is not one of {kinetics.METHODS}")
        self.data = data
        self.method = method
        self.n_nanocrystals = n_nanocrystals
        self.seed = seed
        self.statistics = statistics
        self.n_evaluations = 0
        self._grids: list = []          # (sample, energies key, PulsedGrid), newest last
        self._irf_cache: dict = {}
        x, w = np.polynomial.legendre.leggauss(IRF_NODES)
        self._gl_nodes, self._gl_weights = x, w

    def nuisance(self, values: dict, kind: str, variable: str) -> float:
        """The value of nuisance ``kind`` for ``variable``: its own, the global one, or the default.

        Parameters
        ----------
        values : dict
            Nuisance name -> value.
        kind : str
            A key of :data:`NUISANCES`.
        variable : str
            The fitted variable.

        Returns
        -------
        float
        """
        own = f"{kind}_{variable}"
        if own in values:
            return float(values[own])
        if kind != "amplitude" and kind in values:
            return float(values[kind])
        return float(NUISANCES[kind][0])

    def _grid(self, sample: models.Sample, energies: np.ndarray,
              max_mean: float) -> kinetics.PulsedGrid:
        """The precomputed master equation of ``sample`` at ``energies`` (kept while the
        sample is unchanged: nuisance-only steps and the variables of one sample share it)."""
        key = energies.tobytes()
        for s, k, grid in self._grids:
            if k == key and s == sample:
                return grid
        grid = kinetics.PulsedGrid(sample, energies, statistics=self.statistics,
                                   max_mean_excitons=max_mean)
        self._grids = [(s, k, g) for s, k, g in self._grids if s == sample][-(GRID_CACHE - 1):]
        self._grids.append((sample, key, grid))
        return grid

    def _irf(self, times: np.ndarray, t0: float, sigma_t: float):
        """:meth:`_times_and_weights` of ``times - t0``, cached per (times, t0, sigma_t)."""
        key = (times.tobytes(), t0, sigma_t)
        if key not in self._irf_cache:
            if len(self._irf_cache) >= IRF_CACHE:
                self._irf_cache.clear()
            self._irf_cache[key] = self._times_and_weights(times - t0, sigma_t)
        return self._irf_cache[key]

    def __getstate__(self):
        # worker processes get the data and settings, not the caches
        state = self.__dict__.copy()
        state["_grids"], state["_irf_cache"] = [], {}
        return state

    def _times_and_weights(self, s: np.ndarray, sigma_t: float):
        """Model times needed for data times ``s`` (= t - t0) and the convolution weights.

        Returns
        -------
        times : ndarray, the sorted distinct times >= 0 to simulate
        index : ndarray (T, K) of int, into ``times``
        weight : ndarray (T, K), the post-pump weights
        pre : ndarray (T,), the weight of the pre-pump (unexcited) value
        """
        if sigma_t <= 0.0:
            post = s >= 0.0
            t = np.where(post, s, 0.0)[:, None]
            weight = post.astype(float)[:, None]
            pre = 1.0 - post
        else:
            a = -IRF_WINDOW * sigma_t
            b = np.minimum(s, IRF_WINDOW * sigma_t)
            span = np.maximum(b - a, 0.0)
            u = a + 0.5 * (self._gl_nodes[None, :] + 1.0) * span[:, None]      # IRF offsets
            gauss = np.exp(-0.5 * (u / sigma_t) ** 2) / (sigma_t * math.sqrt(2 * math.pi))
            weight = 0.5 * span[:, None] * self._gl_weights[None, :] * gauss
            t = np.maximum(s[:, None] - u, 0.0)
            # the Gaussian's mass where the pump has not yet arrived (u > s)
            pre = 0.5 * special.erfc(s / (sigma_t * math.sqrt(2.0)))
            # normalize the window's mass (the +-5 sigma truncation, 6e-7) into the post part
            total = weight.sum(axis=1) + pre
            weight = weight / np.where(total > 0, total, 1.0)[:, None]
            pre = pre / np.where(total > 0, total, 1.0)
            weight = np.where(span[:, None] > 0, weight, 0.0)
        times, index = np.unique(t.ravel(), return_inverse=True)
        return times, index.reshape(t.shape), weight, pre

    def evaluate_block(self, block: DataBlock, sample: models.Sample,
                       values: dict) -> np.ndarray:
        """The model of one variable on its grid, shape (P, T, E).

        Parameters
        ----------
        block : DataBlock
        sample : models.Sample
        values : dict
            Nuisance name -> value (missing ones take their defaults).

        Returns
        -------
        ndarray
            The model in the variable's units, finite.

        Raises
        ------
        ValueError
            If the simulation refuses the sample or the grid (for example probe energies
            where this sample's alpha_0 vanishes).
        """
        scale = self.nuisance(values, "pump_scale", block.name)
        if block.pump == "mean_excitons":
            mean = scale * block.pump_values
        else:
            mean = scale * kinetics.mean_excitons_from_fluence(block.pump_values, sample)
        t0 = self.nuisance(values, "time_zero", block.name)
        sigma_t = self.nuisance(values, "irf_fwhm", block.name) / _FWHM_PER_SIGMA
        times, index, weight, pre = self._irf(block.times, t0, sigma_t)
        if self.method == "master-equation":
            out = self._grid(sample, block.energies, float(np.max(mean))).evaluate(
                mean, times, variables=(block.name, "alpha0"))
            model, alpha0 = out[block.name], out["alpha0"]          # (P, times, E), (E,)
        else:
            ds = kinetics.simulate_pulsed(sample, mean_excitons=mean, times=times,
                                          energies=block.energies, method=self.method,
                                          n_nanocrystals=self.n_nanocrystals, seed=self.seed,
                                          statistics=self.statistics)
            model, alpha0 = ds[block.name].values, ds["alpha0"].values
        self.n_evaluations += 1
        conv = np.einsum("ptke,tk->pte", model[:, index, :], weight)
        conv += pre[None, :, None] * _pre_pump(block, alpha0)[None, None, :]
        return self.nuisance(values, "amplitude", block.name) * conv

    def evaluate(self, sample: models.Sample, values: dict) -> list[np.ndarray]:
        """The model of every fitted variable, in the order of ``data.blocks``.

        Parameters
        ----------
        sample : models.Sample
        values : dict
            Nuisance name -> value.

        Returns
        -------
        list of ndarray
        """
        return [self.evaluate_block(b, sample, values) for b in self.data.blocks]


def apply_fields(sample: models.Sample, fields: dict) -> models.Sample:
    """``sample`` with the given numeric fields replaced (validated by Sample).

    Parameters
    ----------
    sample : models.Sample
    fields : dict
        Field name -> float.

    Returns
    -------
    models.Sample
    """
    return dataclasses.replace(sample, **{k: float(v) for k, v in fields.items()})
