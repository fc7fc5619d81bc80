"""The API reference (docs/api) builds with warnings as errors and covers the public API.

numpydoc checks every documented docstring while it builds (docs/api/conf.py:
``numpydoc_validation_checks``), so a public function without a docstring, with an
undocumented parameter or without a Returns section fails here.
"""

import importlib
import inspect
import os
import pkgutil
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

API_SOURCE = Path(__file__).resolve().parents[1] / "docs" / "api"
PACKAGES = ["ncgain.models", "ncgain.kinetics", "ncgain.studies", "ncgain.fit", "ncgain.sweeps",
            "ncgain.cli", "ncgain.benchmarks"]
#: public modules that are not packages
MODULES = ["ncgain.fileio"]

pytest.importorskip("sphinx")
pytest.importorskip("numpydoc")
pytest.importorskip("sphinx_gallery")
EXAMPLES = API_SOURCE.parents[1] / "examples"


def _public_modules():
    names = list(PACKAGES) + MODULES
    for pkg in PACKAGES:
        module = importlib.import_module(pkg)
        for info in pkgutil.walk_packages(module.__path__, pkg + "."):
            if not any(part.startswith("_") for part in info.name.split(".")):
                names.append(info.name)
    return names


def _documented_objects(module_name):
    """(expected HTML id, object) of each public function and class of the module."""
    module = importlib.import_module(module_name)
    for name in getattr(module, "__all__", ()):
        obj = getattr(module, name)
        if inspect.isfunction(obj) or inspect.isclass(obj):
            yield f"{module_name}.{name}", obj


#: The one build of the session: {"tmp": folder, "proc": sphinx process, "log": its output}.
_BUILD = {}


def start_build():
    """Start the sphinx build (a subprocess) of a copy of docs/api, once per session.

    tests/conftest.py calls this when collection ends and a selected test needs the
    reference, so the build (~20 s of one core, the gallery's examples included) runs
    beside the other tests, on the core they leave idle, instead of after them.
    """
    if _BUILD:
        return
    tmp = Path(tempfile.mkdtemp(prefix="ncgain-api-docs-"))
    # autosummary writes its generated pages into the source folder: build from a copy.
    src = tmp / "src"
    shutil.copytree(API_SOURCE, src, ignore=shutil.ignore_patterns("_build", "generated"))
    env = {**os.environ, "NCGAIN_EXAMPLES": str(EXAMPLES), "MPLBACKEND": "Agg"}
    log = tmp / "sphinx.log"
    with open(log, "w") as fh:
        proc = subprocess.Popen([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q",
                                 "-b", "html", "-d", str(tmp / "doctrees"), str(src),
                                 str(tmp / "html")], stdout=fh, stderr=subprocess.STDOUT,
                                env=env)
    _BUILD.update(tmp=tmp, proc=proc, log=log)


def stop_build():
    """Stop the build if it still runs (an interrupted session) and remove its folder."""
    if not _BUILD:
        return
    proc = _BUILD["proc"]
    if proc.poll() is None:
        proc.kill()
        proc.wait()
    shutil.rmtree(_BUILD["tmp"], ignore_errors=True)
    _BUILD.clear()


@pytest.fixture(scope="module")
def built_reference():
    start_build()                     # already running if tests/conftest.py started it
    proc = _BUILD["proc"]
    try:
        returncode = proc.wait(timeout=600)
    except subprocess.TimeoutExpired:
        stop_build()
        pytest.fail("sphinx-build did not finish in 600 s")
    log = _BUILD["log"].read_text()
    assert returncode == 0, f"sphinx-build failed:\n{log}"
    yield _BUILD["tmp"] / "html"
    stop_build()


def test_reference_builds_without_warnings(built_reference):
    assert (built_reference / "index.html").is_file()


def test_reference_covers_every_public_function_and_class(built_reference):
    ids = set()
    for page in (built_reference / "generated").glob("*.html"):
        ids |= set(re.findall(r'id="(ncgain\.[^"]+)"', page.read_text(encoding="utf-8")))
    modules = _public_modules()
    assert {"ncgain.models.sample", "ncgain.kinetics.pulsed", "ncgain.cli.app",
            "ncgain.sweeps.definition", "ncgain.benchmarks.pulsed", "ncgain.fileio"} <= set(modules)
    expected = [key for m in modules for key, _ in _documented_objects(m)]
    assert len(expected) > 40
    missing = sorted(set(expected) - ids)
    assert not missing, f"public objects missing from the API reference: {missing}"


def test_gallery_renders_every_example_with_its_figure(built_reference):
    # every examples/plot_*.py ran (abort_on_example_error) and has a page with its figure
    # in the gallery's index; its run time stays small (sphinx-gallery's own timing)
    gallery = built_reference / "auto_examples"
    index = (gallery / "index.html").read_text(encoding="utf-8")
    scripts = sorted(EXAMPLES.glob("plot_*.py"))
    assert len(scripts) >= 6
    for script in scripts:
        page = gallery / f"{script.stem}.html"
        assert page.is_file(), script.name
        assert f"{script.stem}.html" in index, script.name
        assert list((built_reference / "_images").glob(f"sphx_glr_{script.stem}_0*.png")), \
            script.name
        seconds = re.search(r"Total running time of the script:.*?(\d+) minutes\s*([\d.]+)"
                            r" seconds", page.read_text(encoding="utf-8"), re.S)
        assert seconds and 60 * int(seconds[1]) + float(seconds[2]) < 60, script.name
