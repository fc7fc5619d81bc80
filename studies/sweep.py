"""Old import path of :mod:`ncgain.sweeps` (the sweep engine), kept as a re-export.

New code imports :mod:`ncgain.sweeps`; its modules are ``definition``, ``fields``,
``observables``, ``store``, ``runner`` and ``checks``.
"""

from ncgain.sweeps import *  # noqa: F401,F403
from ncgain.sweeps.checks import (_canonical, _choice, _float_list, _json_value,  # noqa: F401
                                  _positive_int)
from ncgain.sweeps.definition import _point_task  # noqa: F401
from ncgain.sweeps.fields import GRIDS, _base_description, _resolve_base  # noqa: F401
from ncgain.sweeps.runner import _client, _compute_missing, _is_address  # noqa: F401
from ncgain.sweeps.store import _assemble, _Store  # noqa: F401
