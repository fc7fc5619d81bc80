"""Re-export: the photostability limit moved to :mod:`ncgain.models.photostability` (issue 18),
so that the command line's assumptions (``models.assumptions``) and the c.w. study share it."""

from ncgain.models.photostability import (HEAT_FRACTION, KAPPA_GLASS, PHOTOSTABILITY_LIMIT,  # noqa: F401
                                          SPOT_RADIUS_M, heating)

__all__ = ["PHOTOSTABILITY_LIMIT", "HEAT_FRACTION", "SPOT_RADIUS_M", "KAPPA_GLASS", "heating"]
