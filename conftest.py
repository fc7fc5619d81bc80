"""Repository-wide pytest configuration: the documentation is part of the test suite.

Two kinds of test are collected here besides ``tests/``:

* every code block of ``README.md`` and ``docs/*.md``, through Sybil
  (https://sybil.readthedocs.io): ``python`` blocks run in one namespace per document,
  ``bash`` blocks run in ``bash`` with the installed ``ncgain`` command on ``PATH``, each
  document in its own temporary working directory (so snippets that write files, such as
  ``ds.to_netcdf("run.nc")``, write nothing into the repository) and with matplotlib's
  non-interactive Agg backend. A block that must not run in a test (installation, long
  benchmarks) is preceded by ``<!-- skip: next "reason" -->`` and shows as skipped.
  A ``bash`` block that uses the documented dask scheduler address
  (``tcp://scheduler-host:8786``, docs/sweeps.md) runs against the scheduler named by
  ``NCGAIN_TEST_SCHEDULER`` (``.ci/run`` starts one with two workers), and is skipped,
  saying so, when that variable is not set.
* the docstring examples of the package (``--doctest-modules`` in pyproject.toml), imported
  under their installed names; see ``_InstalledDoctestModule`` below.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import sysconfig
import unittest
from pathlib import Path

# Before anything imports matplotlib: documentation snippets and doctests that plot must
# not open windows.
os.environ["MPLBACKEND"] = "Agg"

import pytest  # noqa: E402
from _pytest.doctest import DoctestModule  # noqa: E402
from sybil import Sybil  # noqa: E402
from sybil.parsers.markdown import CodeBlockParser, PythonCodeBlockParser, SkipParser  # noqa: E402

ROOT = Path(__file__).resolve().parent

# Scripts and configuration files that are not modules of the package: they must not be
# imported by --doctest-modules (docs/quickstart.py would run its simulation at import).
# examples/ is the sphinx-gallery (built and run by tests/test_api_docs.py), not tests or
# doctests: importing a plot_*.py would run its simulation.
collect_ignore = ["docs/quickstart.py", "docs/api/conf.py", "docs/api/_build",
                  "docs/api/generated", "docs/api/auto_examples", "examples"]


# --- documentation code blocks -------------------------------------------------------

#: The placeholder scheduler address of the documentation's "existing cluster" commands.
DOC_SCHEDULER = "tcp://scheduler-host:8786"


def _run_bash_block(example) -> str | None:
    """Sybil evaluator of a ```bash block: run it with ``bash -e``; a failure message or None.

    The documented scheduler address is replaced by ``NCGAIN_TEST_SCHEDULER``'s; without
    that variable such a block is skipped.
    """
    script = example.parsed
    if DOC_SCHEDULER in script:
        address = os.environ.get("NCGAIN_TEST_SCHEDULER")
        if not address:
            raise unittest.SkipTest(
                f"needs a running dask scheduler: NCGAIN_TEST_SCHEDULER is not set (the "
                f"block's {DOC_SCHEDULER} is replaced by it; .ci/run starts one)")
        script = script.replace(DOC_SCHEDULER, address)
    env = dict(os.environ)
    # The console script of the ncgain being tested (the one installed beside this Python).
    env["PATH"] = os.pathsep.join([sysconfig.get_path("scripts"), env.get("PATH", "")])
    res = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", script],
                         capture_output=True, text=True, env=env, timeout=600)
    if res.returncode != 0:
        return (f"bash block exited with status {res.returncode}\n"
                f"--- stdout ---\n{res.stdout}\n--- stderr ---\n{res.stderr}")
    return None


@pytest.fixture(scope="module")
def _doc_workdir(tmp_path_factory):
    """One temporary working directory per documentation file, Agg plots closed after."""
    workdir = tmp_path_factory.mktemp("doc")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(workdir)
        yield workdir
    import matplotlib.pyplot as plt
    plt.close("all")


pytest_collect_file = Sybil(
    parsers=[PythonCodeBlockParser(), CodeBlockParser("bash", _run_bash_block), SkipParser()],
    patterns=["README.md", "docs/*.md"],
    fixtures=["_doc_workdir"],
).pytest()


# --- docstring examples ----------------------------------------------------------------

# The folders models/, kinetics/ and studies/ install as ncgain.models, ncgain.kinetics and
# ncgain.studies (package-dir mapping in pyproject.toml). pytest's own --doctest-modules
# names a module after its path below the first folder without __init__.py, here the
# repository root: models/sample.py would be imported a second time as the top-level module
# ``models.sample``, with its own copy of every class (a Sample made by ncgain.models is not
# an instance of models.Sample), and `--pyargs ncgain.models` only changes how the folder is
# found, not how its files are named. So for files of these folders the doctest collector
# is replaced by one that imports the installed module, ncgain.<folder>.<file>, and checks
# that it is this file (an install from another tree is an error, not a silent pass).
_SUBPACKAGES = {"models": "ncgain.models", "kinetics": "ncgain.kinetics",
                "studies": "ncgain.studies", "sweeps": "ncgain.sweeps", "cli": "ncgain.cli",
                "benchmarks": "ncgain.benchmarks", "fit": "ncgain.fit"}


def _installed_name(path: Path) -> str | None:
    """Dotted installed name of a module file of the package, or None if it is not one."""
    try:
        rel = path.resolve().relative_to(ROOT)
    except ValueError:
        return None
    if len(rel.parts) < 2 or rel.parts[0] not in _SUBPACKAGES or path.suffix != ".py":
        return None
    parts = [_SUBPACKAGES[rel.parts[0]], *rel.with_suffix("").parts[1:]]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


class _InstalledDoctestModule(DoctestModule):
    """pytest's DoctestModule, importing the file under its installed name."""

    def _getobj(self):
        name = _installed_name(self.path)
        module = importlib.import_module(name)
        if Path(module.__file__).resolve() != self.path.resolve():
            raise pytest.Collector.CollectError(
                f"{name} is imported from {module.__file__}, not from {self.path}: "
                f"install this tree first (pip install -e .)")
        return module


class _InstalledNameDoctests:
    """Plugin: hands the files of the package folders to _InstalledDoctestModule."""

    @pytest.hookimpl(wrapper=True)
    def pytest_collect_file(self, file_path, parent):
        collectors = yield
        if _installed_name(file_path) is None:
            return collectors
        return [_InstalledDoctestModule.from_parent(parent, path=file_path)
                if type(c) is DoctestModule else c for c in collectors]


def pytest_configure(config):
    config.pluginmanager.register(_InstalledNameDoctests(), "ncgain-installed-name-doctests")
