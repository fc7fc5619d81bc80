"""Each study's quick run, computed once per session and shared (read only).

Every study's own tests need ``<study>.run(quick=True)``, and the report and figure tests
need ``ncgain reproduce --quick``, which runs the same twelve quick studies again. Each
quick run is deterministic (fixed seeds; same seed, same output for any thread count), so
it is computed once: :func:`quick_run` keeps each study's dataset, and the one
``ncgain reproduce --quick`` of :func:`reproduce_quick` (the real command, in this process)
receives it from ``<study>.run(quick=True, progress=False)`` instead of computing it a
second time. Any other call goes to the study's own ``run``.
"""

import pytest

from ncgain import cli
from ncgain.studies import reproduce

#: Studies whose tests check their progress callback: their quick run is made with a
#: recording callback (the callback only records; it does not change the dataset).
_WITH_CALLBACK = {"lasing", "fig5abc_ase", "calibration"}

_RUNS = {}


def quick_run(name, run=None):
    """(dataset, progress calls) of ``ncgain.studies.<name>.run(quick=True)``, computed once.

    The dataset is a deep copy, so a test that changes it changes nobody else's. The
    progress calls are ``progress(done, total, label)``'s arguments, for the studies in
    ``_WITH_CALLBACK`` (run with that callback), otherwise empty (run with
    ``progress=False``, as ``ncgain reproduce --quiet`` does). ``run``: the study's own
    ``run`` function (default: the module's current one).
    """
    if name not in _RUNS:
        run = run or reproduce.load_study(name).run
        calls = []
        progress = (lambda *call: calls.append(call)) if name in _WITH_CALLBACK else False
        _RUNS[name] = (run(quick=True, progress=progress), tuple(calls))
    ds, calls = _RUNS[name]
    return ds.copy(deep=True), list(calls)


@pytest.fixture(scope="session")
def reproduce_quick(tmp_path_factory):
    """Folder of a ``ncgain reproduce --quick`` run: datasets, figures, report."""
    folder = tmp_path_factory.mktemp("reproduce")
    seen = []

    def shared(name, original):
        def run(quick=False, progress=False, **kwargs):
            if quick is True and progress in (False, None) and not kwargs:
                seen.append(name)
                return quick_run(name, original)[0]
            return original(quick=quick, progress=progress, **kwargs)
        return run

    with pytest.MonkeyPatch.context() as mp:
        for name in reproduce.STUDIES:
            module = reproduce.load_study(name)
            mp.setattr(module, "run", shared(name, module.run))
        assert cli.main(["reproduce", "--quick", "--quiet", "--out", str(folder)]) == 0
    # the command asked every study for its quick run, once, in report order
    assert seen == list(reproduce.STUDIES)
    return folder

