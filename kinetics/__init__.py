"""ncgain.kinetics: what happens in time.

Excitation statistics, the Numba Monte Carlo kernels, the exact master-equation
reference, spectra and thresholds, all returned as :class:`xarray.Dataset`.
"""

from .output import sample_from_dataset
from .pulsed import METHODS, mean_excitons_from_fluence, pump_fluence, simulate_pulsed
from .pulsed_grid import PulsedGrid
from .threshold import ThresholdResult, gain_threshold
from .field.cavity import cavity_gain_threshold, simulate_cavity
from .field.stripe import simulate_stripe
from . import cavity, stripe  # noqa: F401 (the old module paths: kinetics.cavity.*, .stripe.*)
from .cw import (NoGainError, cw_threshold, generation_rate_from_intensity, pump_intensity,
                 simulate_cw)

__all__ = ["simulate_pulsed", "PulsedGrid", "gain_threshold", "ThresholdResult", "pump_fluence", "sample_from_dataset", "METHODS",
           "simulate_cw", "cw_threshold", "pump_intensity", "generation_rate_from_intensity",
           "NoGainError", "mean_excitons_from_fluence", "simulate_cavity", "cavity_gain_threshold", "simulate_stripe"]
