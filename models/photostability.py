"""Photostability of a c.w. pumped NC film: the assumed limit and its heating estimate.

Used by the c.w. threshold study to set its thresholds against what a film survives, and by
:func:`ncgain.models.assumptions.assumptions` to flag a pump intensity above the limit.
"""

from __future__ import annotations

import math

__all__ = ["PHOTOSTABILITY_LIMIT", "HEAT_FRACTION", "SPOT_RADIUS_M", "KAPPA_GLASS", "heating"]

#: Assumption: photostability (heating) limit of a close-packed NC film under c.w.
#: pumping, W cm^-2. Order-of-magnitude estimate, not a measured value: the
#: temperature rise of a Gaussian spot of radius r on a glass substrate is
#: dT ~ f I sqrt(pi) r / (2 kappa); with a heat fraction f = 0.5 (3-eV photons, 2-eV
#: emission, non-radiative losses), r = 5 um and kappa = 1 W m^-1 K^-1 this gives
#: dT ~ 220 K at 1e4 W cm^-2 (:func:`heating`). Heating through the films' low
#: thermal conductivity is what Nat. Commun. 6, 8694 (2015) identifies as curtailing
#: sustained ASE and lasing of CQD solids.
PHOTOSTABILITY_LIMIT = 1.0e4          # W cm^-2
HEAT_FRACTION, SPOT_RADIUS_M, KAPPA_GLASS = 0.5, 5e-6, 1.0


def heating(intensity_w_cm2: float) -> float:
    """Steady temperature rise (K) of the assumed spot: f I sqrt(pi) r / (2 kappa).

    Parameters
    ----------
    intensity_w_cm2 : float
        Absorbed c.w. pump intensity (W cm^-2).

    Returns
    -------
    float
        Temperature rise in K (order-of-magnitude estimate, module constants).
    """
    return HEAT_FRACTION * intensity_w_cm2 * 1e4 * math.sqrt(math.pi) * SPOT_RADIUS_M \
        / (2.0 * KAPPA_GLASS)
