"""Old import path of :mod:`ncgain.cli` (the ``ncgain`` command line), kept as a re-export.

``python -m ncgain.studies.cli`` still runs the command line; new code imports
:mod:`ncgain.cli`.
"""

import sys

from ncgain.cli import *  # noqa: F401,F403
from ncgain.cli import (ASE_N_NANOCRYSTALS, LASE_N_NANOCRYSTALS, MAX_VALUES,  # noqa: F401
                        THRESHOLD_TIME, main)

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
