"""Declared dependencies are the imported ones (pyproject.toml against the source)."""

import ast
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).parents[1]
PACKAGE_DIRS = ("ncgain", "models", "kinetics", "studies", "sweeps", "cli", "benchmarks", "fit")
#: Distribution name -> import name, where they differ.
IMPORT_NAME = {"pint-xarray": "pint_xarray", "pytest-xdist": "xdist"}
#: Modules that belong to another declared distribution.
PART_OF = {"_pytest": "pytest"}
#: Declared and used without an import statement of ours.
USED_INDIRECTLY = {
    "netCDF4": "the netCDF-4 engine of xarray's Dataset.to_netcdf/open_dataset",
}
#: Test dependencies used without an import statement of ours.
TEST_USED_INDIRECTLY = {
    "xdist": "pytest-xdist: the plugin behind `-n 2 --dist loadscope` in pyproject's addopts",
}
#: Declared ahead of the code that imports them (remove from here once they are imported).
PENDING: dict[str, str] = {}


def _requirements(group=None):
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = meta["dependencies"] if group is None else meta["optional-dependencies"][group]
    names = set()
    for req in reqs:
        match = re.match(r"([A-Za-z0-9_.\-]+)(\[([^\]]*)\])?", req)
        names.add(match.group(1))
        # An extra that names a package installs it: dask[distributed] -> distributed.
        names |= {e.strip() for e in (match.group(3) or "").split(",") if e.strip()}
    return {IMPORT_NAME.get(n, n.replace("-", "_")) for n in names}


def _third_party_imports(places):
    """Top-level modules imported (or pytest.importorskip-ed) in files or folders."""
    found = set()
    for place in places:
        place = ROOT / place
        for path in [place] if place.is_file() else place.rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    found |= {a.name.split(".")[0] for a in node.names}
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    found.add(node.module.split(".")[0])
                elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                      and node.func.attr == "importorskip" and node.args
                      and isinstance(node.args[0], ast.Constant)):
                    found.add(str(node.args[0].value).split(".")[0])
    local = set(PACKAGE_DIRS) | {"tests"}
    return {PART_OF.get(m, m) for m in found
            if m not in sys.stdlib_module_names and m not in local}


def test_runtime_dependencies_are_the_imported_ones():
    declared = _requirements()
    imported = _third_party_imports(PACKAGE_DIRS)
    assert imported - declared == set(), "imported but not declared"
    unused = declared - imported - set(USED_INDIRECTLY) - set(PENDING)
    assert unused == set(), "declared but never imported"


def test_netcdf4_is_the_engine_that_xarray_uses():
    import xarray as xr
    assert "netcdf4" in xr.backends.list_engines()


def test_test_dependencies_are_the_imported_ones():
    declared = _requirements("test") - set(TEST_USED_INDIRECTLY)
    imported = _third_party_imports(["tests", "conftest.py"]) - _requirements()
    assert imported == declared, (imported, declared)


def test_the_indirect_test_dependencies_are_used():
    # pytest-xdist is loaded by its -n option in the pytest addopts, not by an import.
    addopts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"][
        "ini_options"]["addopts"].split()
    assert "-n" in addopts and "xdist" in TEST_USED_INDIRECTLY
