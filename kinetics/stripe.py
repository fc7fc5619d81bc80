"""The stripe's old import path: re-exports :mod:`ncgain.kinetics.field` (see there).

``ncgain.kinetics.stripe.simulate_stripe`` and the rest keep working; the code
lives in ``kinetics/field/stripe*.py``.
"""

from __future__ import annotations

from .field.stripe import simulate_stripe
from .field.stripe_dataset import ASSUMPTIONS, MC_ASSUMPTIONS, _dataset  # noqa: F401
from .field.stripe_monte_carlo import (LIGHT_RELEVANCE, MAX_LIGHT_STEP,  # noqa: F401
                                       STALL_FRACTION, STALL_STEPS, _advance_slice)
from .field._stripe_problem import (BOOK_TERMS, STRIPE_ENERGY_BINS, STRIPE_METHODS,  # noqa: F401
                                   _light_kernel, _StripeProblem, mean_excitons_from_fluence)

__all__ = ["simulate_stripe", "mean_excitons_from_fluence", "STRIPE_ENERGY_BINS",
           "STRIPE_METHODS"]
