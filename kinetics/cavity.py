"""The cavity's old import path: re-exports :mod:`ncgain.kinetics.field` (see there).

``ncgain.kinetics.cavity.simulate_cavity``, ``.cavity_steady_state``,
``.cavity_small_signal``, ``.CavityProblem`` and the rest keep working; the code
lives in ``kinetics/field/cavity*.py`` and ``kinetics/field/common.py``.
"""

from __future__ import annotations

from .field.cavity import simulate_cavity
from .field.cavity_dataset import ASSUMPTIONS, _dataset  # noqa: F401 (re-exported)
from .field._cavity_problem import CAVITY_METHODS, CavityProblem  # noqa: F401
from .field.cavity_small_signal import cavity_small_signal
from .field.cavity_steady import (STEADY_RTOL, _chain_steady, _check_rates,  # noqa: F401
                                  cavity_steady_state)
from .field.cavity_threshold import cavity_gain_threshold, steady_gain  # noqa: F401
from .field._common import (BYTES_PER_NC, CW_TAIL, DEFAULT_RATE_STEP,  # noqa: F401
                           MAX_GROWTH_STEP, MAX_RATE_STEP, MAX_TURNOVER_STEP, N_ENERGY_BINS,
                           _check_photon_inputs, _cw_n_max, _cw_steady, _initial,
                           _resolve_pump, _resolve_step, _up_rate,
                           generation_rate_from_intensity, intensity_from_generation_rate)

__all__ = ["simulate_cavity", "cavity_gain_threshold", "CAVITY_METHODS", "BYTES_PER_NC",
           "generation_rate_from_intensity", "intensity_from_generation_rate",
           "cavity_steady_state", "cavity_small_signal"]
