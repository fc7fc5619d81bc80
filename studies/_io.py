"""Old import path of :mod:`ncgain.fileio` (atomic files, exclusive outputs, interrupts).

A re-export kept so that ``ncgain.studies._io`` keeps working; new code imports
:mod:`ncgain.fileio`.
"""

from ncgain.fileio import *  # noqa: F401,F403
from ncgain.fileio import (_depth, _fsync_dir, _handler, _live_temporaries,  # noqa: F401
                           _pid_alive, _state)
