"""The documentation's own scripts. (The code blocks of README.md and docs/*.md and the
docstring examples are collected by conftest.py at the repository root.)"""

import subprocess
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_quickstart_script_runs_from_any_directory(tmp_path):
    out = tmp_path / "figure" / "quickstart.png"
    out.parent.mkdir()
    res = subprocess.run([sys.executable, str(DOCS / "quickstart.py"), str(out)],
                         cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    assert out.stat().st_size > 10_000
    # The quick start's printed threshold, the number the README quotes.
    assert res.stdout.splitlines()[0].startswith("1.77")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["figure"]  # nothing else written


def test_doctests_import_the_installed_modules():
    # models/coreshell.py must be collected as ncgain.models.coreshell, never as a second,
    # top-level copy "models.coreshell" (see conftest.py at the repository root).
    root = DOCS.parent
    res = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q",
                          "-p", "no:cacheprovider", "models/coreshell.py"],
                         cwd=root, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stdout + res.stderr
    ids = [line for line in res.stdout.splitlines() if "::" in line]
    assert ids and all("::ncgain.models.coreshell" in i for i in ids), res.stdout
