"""The validated cavity problem: :class:`CavityProblem`, plain arrays for both methods.

Built once per call of :func:`~ncgain.kinetics.simulate_cavity` from the sample, the
film and the :class:`~ncgain.models.Cavity`; the twin (:mod:`.cavity_twin`), the Monte
Carlo (:mod:`.cavity_monte_carlo`), the c.w. steady states (:mod:`.cavity_steady`),
their small-signal analysis (:mod:`.cavity_small_signal`), the no-field threshold
(:mod:`.cavity_threshold`) and the dataset (:mod:`.cavity_dataset`) read it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ncgain.models import Film, Sample
from ncgain.models.resonator import Cavity, SPEED_OF_LIGHT_CM_PER_PS
from ncgain.models.state_table import StateTable

from .. import memory
from ..inputs import _check_int, validate_times
from . import _coupling as field
from ._common import (BYTES_PER_NC, N_ENERGY_BINS, _check_photon_inputs, _initial, _min_steps,
                     _rate_table_bytes, _resolve_pump, _resolve_step, _up_rate)

__all__ = ["CavityProblem", "CAVITY_METHODS"]


CAVITY_METHODS = ("monte-carlo", "rate-equations")


# ----------------------------------------------------------------------------- the problem

def _check_size(method, pump_name, n_pumps, times, table, energy_bins, n_nanocrystals, dt,
                field_on, channels):
    """Peak memory and work of the run, refused before the coupling matrices exist."""
    n_channels = channels.size
    n_states = table.n_classes * (table.n_max + 1) * energy_bins
    dims = {pump_name: n_pumps, "times": times.size,
            "energy_bins": energy_bins, "n_max": table.n_max, "channels": n_channels}
    mc = method == "monte-carlo"
    if mc:
        dims["n_nanocrystals"] = n_nanocrystals
    memory.check_fits(memory.cavity_bytes(
        method=method, n_pumps=n_pumps, n_times=times.size, n_states=n_states,
        n_channels=n_channels, n_nanocrystals=n_nanocrystals, nc_bytes=BYTES_PER_NC,
        rate_tables=_rate_table_bytes(table, channels) if mc else 0.0),
        dims, what="simulate_cavity")
    if mc:
        steps = max(times.size, _min_steps(times, dt) if field_on else 1)
        memory.check_work(float(n_nanocrystals) * n_pumps * steps, "NC-steps",
                          {"n_nanocrystals": n_nanocrystals,
                           pump_name: n_pumps, "steps (times / dt)": steps},
                          what="simulate_cavity")
    # the coupling matrices (both methods), and every right-hand side of the rate equations
    memory.check_work(float(1 if mc else n_pumps) * n_states * (n_channels + 100),
                      "state-channels", {**({} if mc else {pump_name: n_pumps}),
                                         "energy_bins": energy_bins, "n_max": table.n_max,
                                         "channels": n_channels}, what="simulate_cavity")


@dataclass(frozen=True, eq=False)
class CavityProblem:
    """A validated cavity problem: plain arrays for both methods."""

    sample: Sample
    film: Film
    cavity: Cavity
    table: StateTable
    lines: field.TransitionLines
    bins: field.EnergyBins
    channels: np.ndarray
    coupling: field.CouplingMatrices
    spont_coef: np.ndarray
    kappa: float
    loss_rate: float          # Lambda, 1/ps
    output_rate: float        # 1/tau_c, 1/ps
    times: np.ndarray
    dt: float
    pump_kind: str            # "cw" or "pulsed"
    pump: np.ndarray          # generation rates (1/ps) or <N>
    n_nanocrystals: int
    seed: int
    field_on: bool
    average_from: float

    @classmethod
    def build(cls, sample, film, cavity, times, *, generation_rate=None, mean_excitons=None,
              n_nanocrystals=100_000, seed=0, method="monte-carlo", dt=None, field_on=True,
              n_max=None, average_from=None, energy_bins=N_ENERGY_BINS):
        sample = _check_photon_inputs(sample, film, cavity, Cavity, "cavity", method,
                                      CAVITY_METHODS, field_on)
        n_nanocrystals = _check_int("n_nanocrystals", n_nanocrystals, 1, 10 ** 9)
        seed = _check_int("seed", seed, 0, 2 ** 63 - 1)
        times = validate_times(times)
        if (generation_rate is None) == (mean_excitons is None):
            raise ValueError("give exactly one of generation_rate (c.w., excitons per NC per ps) "
                             "and mean_excitons (pulsed, <N> after the pulse)")
        g = sample.degeneracy
        kind, pump, n_max, table = _resolve_pump(
            sample, generation_rate=generation_rate, mean_excitons=mean_excitons, n_max=n_max,
            n_draws=n_nanocrystals)
        energy_bins = _check_int("energy_bins", energy_bins, 8, 2000)
        lines = field.transition_lines(table)
        if method == "monte-carlo":
            field.require_one_width_per_class(table, lines)
        channels = field.default_channels(sample, table, cavity.channels, cavity.channel_range)
        beta = cavity.spontaneous_coupling
        spont_coef = field.spontaneous_coefficients(table, lines, beta, channels)
        bins = field.energy_bins(table, energy_bins)
        kap = field.kappa(film, cavity.group_index)
        e_c = float(np.mean(channels))
        out_rate = 1.0 / cavity.lifetime(e_c)
        loss_rate = out_rate + SPEED_OF_LIGHT_CM_PER_PS / cavity.group_index * film.loss
        # The fastest rates: the field's loss, a NC's decay or pump.
        up_max = float(pump.max() * table.pump_scale.max()) if kind == "cw" else 0.0
        # NC events are exact within a step; dt bounds how far the populations move
        # under a frozen field: photon loss, the decay of states up to n = g, the pump.
        r_fast = max(loss_rate, float(table.decay_rate[:, :g + 1].max()), up_max)
        dt = _resolve_step(dt, r_fast, field_on=field_on, t_last=times[-1],
                           fastest="photon loss, NC decay or pump")
        if average_from is None:
            average_from = float(times[-1]) / 2 if times.size > 1 else 0.0
        else:
            given = average_from
            real = not isinstance(given, (bool, np.bool_)) and isinstance(
                given, (int, float, np.integer, np.floating))
            average_from = float(given) if real else float("nan")
            if not (np.isfinite(average_from) and 0 <= average_from < times[-1]):
                raise ValueError(f"average_from = {given!r:.60} ps is outside the allowed "
                                 f"range [0, {times[-1]:g}) ps")
        _check_size(method, "generation_rate" if kind == "cw" else "mean_excitons", pump.size,
                    times, table, energy_bins, n_nanocrystals, dt, field_on, channels)
        coupling = field.coupling_matrices(table, lines, bins, channels, spont_coef)
        return cls(sample, film, cavity, table, lines, bins, channels, coupling, spont_coef, kap,
                   loss_rate, out_rate, times, dt, kind, pump, n_nanocrystals, seed,
                   bool(field_on), average_from)

    # -- pump ----------------------------------------------------------------------------

    def up_rate(self, k: int) -> np.ndarray:
        """Up rates (K, S) for pump value k (c.w.: G pump_scale below n_max)."""
        return _up_rate(self.table, self.pump_kind, self.pump[k])

    def initial(self, k: int) -> np.ndarray:
        """Initial p[c, n] for pump value k (c.w.: ground state; pulsed: Poisson)."""
        return _initial(self.table, self.pump_kind, self.pump[k])
