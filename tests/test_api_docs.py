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


@pytest.fixture(scope="module")
def built_reference(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("api")
    # autosummary writes its generated pages into the source folder: build from a copy.
    src = tmp / "src"
    shutil.copytree(API_SOURCE, src, ignore=shutil.ignore_patterns("_build", "generated"))
    out = tmp / "html"
    env = {**os.environ, "NCGAIN_EXAMPLES": str(EXAMPLES), "MPLBACKEND": "Agg"}
    res = subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q",
                          "-b", "html", "-d", str(tmp / "doctrees"), str(src), str(out)],
                         capture_output=True, text=True, timeout=600, env=env)
    assert res.returncode == 0, f"sphinx-build failed:\n{res.stdout}\n{res.stderr}"
    return out


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
