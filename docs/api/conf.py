"""Sphinx configuration of the ncgain API reference.

Build: ``sphinx-build -W -b html docs/api docs/api/_build`` (tests/test_api_docs.py builds
it with warnings as errors). The pages are generated from the numpydoc docstrings of the
installed package; autosummary walks ncgain.models, ncgain.kinetics, ncgain.fit, ncgain.sweeps,
ncgain.studies, ncgain.benchmarks, ncgain.cli and ncgain.fileio recursively, so a new public module appears without editing this folder.
"""

import os
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")

import ncgain  # noqa: E402

project = "ncgain"
author = "the ncgain developers"
copyright = "2026, the ncgain developers"
release = ncgain.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

# The gallery: the repository's examples/ (sphinx-gallery runs every plot_*.py and
# renders its figures into auto_examples/). tests/test_api_docs.py builds from a copy of
# this folder and says where examples/ is through NCGAIN_EXAMPLES.
_EXAMPLES = Path(os.environ.get("NCGAIN_EXAMPLES",
                                Path(__file__).resolve().parents[2] / "examples"))
sphinx_gallery_conf = {
    "examples_dirs": str(_EXAMPLES),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "abort_on_example_error": True,
    "download_all_examples": False,
    "remove_config_comments": True,
    "matplotlib_animations": False,
}

templates_path = ["_templates"]
exclude_patterns = ["_build", "auto_examples/*.ipynb", "auto_examples/*.py"]
root_doc = "index"

# One page per module (its members documented in place), written to generated/.
autosummary_generate = True
autosummary_imported_members = False
autodoc_default_options = {"members": True, "show-inheritance": True}
autodoc_member_order = "bysource"
autodoc_typehints = "none"          # the numpydoc Parameters sections carry the types

numpydoc_show_class_members = False  # members are documented by autodoc on the same page
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = False
# Docstrings are checked while the reference is built: a public function or class without
# a docstring (GL08), with undocumented or unknown parameters (PR01, PR02) or without a
# Returns section where it returns something (RT01) is a warning, hence an error under -W.
numpydoc_validation_checks = {"GL08", "PR01", "PR02", "RT01"}
# Private helpers, and dunder methods whose meaning the language defines.
numpydoc_validation_exclude = {r"\._[a-z]", r"\.__\w+__$"}

html_theme = "alabaster"
html_title = f"ncgain {release} API reference"


def _skip_foreign_members(app, what, name, obj, skip, options):
    """Never document (or validate) what a module merely imports from another library.

    Modules without ``__all__`` expose their imports (``Line2D``, ``optimize``...) as
    members; autodoc would drop them later, but numpydoc would first validate their
    docstrings against our rules.
    """
    module = getattr(obj, "__module__", None)
    if what == "module" and isinstance(module, str) and not module.startswith("ncgain"):
        return True
    return None


def setup(app):
    app.connect("autodoc-skip-member", _skip_foreign_members)
