"""The validation report's text: Jinja2 Markdown templates filled from the datasets.

Each study ``ncgain.studies.<NAME>`` has a template ``templates/<NAME>.md.j2`` that
extends ``_study.md.j2``: block ``rows`` holds the lines of its table
``quantity | paper | ncgain | agreement or reason`` and block ``notes`` its notes.
The study's ``context(ds)`` returns the numbers the template reads beside ``ds``
itself; every variable must exist (:class:`jinja2.StrictUndefined`), so a renamed
number fails loudly instead of printing an empty cell. Macros may sit at the
template's top level; the table ends at the first blank line (:func:`study_rows`). ``report.md.j2`` assembles the header, the
summary table (:mod:`ncgain.studies._summary`) and the sections.

Filters available to the templates: ``fmt(spec)`` (Python's :func:`format` of a
number, 0-d arrays included; a spec ending in ``d`` formats ``int(x)``), ``join_fmt(spec, sep)`` and
``cell`` (Markdown-safe table cell), ``num`` (a 0-d array as a Python number),
``isfinite`` and ``by(dim)`` (:func:`by`: ``{% set p =
ds|by("probe") %}`` then ``p["type-II E_X"].threshold``).
"""

from __future__ import annotations

import functools
from pathlib import Path

import jinja2
import numpy as np

__all__ = ["TEMPLATES", "by", "environment", "render_study", "study_rows", "study_notes",
           "render_report"]

#: Folder of the templates (package data of ncgain.studies).
TEMPLATES = Path(__file__).parent / "templates"


def _scalar(x):
    if isinstance(x, jinja2.Undefined):
        str(x)  # raises UndefinedError, naming the missing variable
    if isinstance(x, (str, bool, int, float)):
        return x
    return np.asarray(x).item()


def fmt(x, spec: str = "") -> str:
    """Format one number like an f-string field ``{x:spec}``.

    Parameters
    ----------
    x : number or 0-d array
        The value (a 0-d numpy or xarray array is unwrapped first).
    spec : str
        A format spec; one ending in ``d`` formats ``int(x)``.

    Returns
    -------
    str
        The formatted value.

    Examples
    --------
    >>> from ncgain.studies._report import fmt
    >>> fmt(0.123456, ".3g"), fmt(3.0, "d")
    ('0.123', '3')
    """
    x = _scalar(x)
    if spec.endswith("d"):
        x = int(x)
    return format(x, spec)


def join_fmt(values, spec: str = "", sep: str = ", ") -> str:
    """Format every value with :func:`fmt` and join them with ``sep``."""
    return sep.join(fmt(v, spec) for v in np.asarray(values).ravel())


def by(ds, dim: str) -> dict:
    """The dataset's variables along ``dim``, one dict per label: ``{label: {var: value}}``.

    Parameters
    ----------
    ds : xarray.Dataset
        A study dataset.
    dim : str
        A dimension with string or numeric labels (e.g. ``"preset"``, ``"probe"``).

    Returns
    -------
    dict
        For each label, every variable (data or coordinate) along ``dim`` at that
        label: a Python number if it is then 0-d, else the DataArray.
    """
    names = [v for v in ds.variables if dim in ds[v].dims and v != dim]
    out = {}
    for label in ds[dim].values.tolist():
        sel = ds.sel({dim: label})
        out[label] = {v: (sel[v].item() if sel[v].ndim == 0 else sel[v]) for v in names}
    return out


def cell(text) -> str:
    """A Markdown table cell: ``|`` escaped, newlines as spaces."""
    return str(text).replace("|", "\\|").replace("\n", " ")


@functools.cache
def environment() -> jinja2.Environment:
    """The Jinja2 environment of the report (strict: a missing variable is an error).

    Returns
    -------
    jinja2.Environment
        Loads from :data:`TEMPLATES`; ``trim_blocks`` and ``lstrip_blocks`` on, so a
        block tag on its own line leaves no blank line.
    """
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES),
                             undefined=jinja2.StrictUndefined, autoescape=False,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False)
    env.filters.update(fmt=fmt, join_fmt=join_fmt, cell=cell, by=by, num=_scalar,
                       isfinite=lambda x: bool(np.isfinite(_scalar(x))))
    return env


def _context(module, ds) -> dict:
    return {"ds": ds, **module.context(ds)}


def render_study(module, ds) -> str:
    """The study's table and notes (Markdown), filled from its dataset.

    Parameters
    ----------
    module : module
        A study module (``NAME``, ``context``).
    ds : xarray.Dataset
        The dataset of its ``run``.

    Returns
    -------
    str
        The table, a blank line and the notes.
    """
    template = environment().get_template(f"{module.NAME}.md.j2")
    return template.render(_context(module, ds)).strip()


def study_rows(module, ds) -> list[dict]:
    """The study's table as rows (keys quantity, paper, ncgain, agreement).

    Parameters
    ----------
    module : module
        A study module.
    ds : xarray.Dataset
        The dataset of its ``run``.

    Returns
    -------
    list of dict
        One dict per table row, cells unescaped.
    """
    rows = []
    table = render_study(module, ds).split("\n\n", 1)[0].splitlines()
    for line in table[2:]:  # below the header and its rule
        cells = [c.strip().replace("\0", "|")
                 for c in line.strip().strip("|").replace("\\|", "\0").split("|")]
        if len(cells) != 4:
            raise ValueError(f"{module.NAME}: a table row needs 4 cells, got {len(cells)}: {line}")
        rows.append(dict(zip(("quantity", "paper", "ncgain", "agreement"), cells)))
    return rows


def study_notes(module, ds) -> str:
    """The study's notes (Markdown, below its table), filled from its dataset."""
    parts = render_study(module, ds).split("\n\n", 1)
    return parts[1] if len(parts) > 1 else ""


def render_report(**context) -> str:
    """The whole report from ``report.md.j2``.

    Parameters
    ----------
    **context
        ``quick``, ``version``, ``matched_presets``, ``summary``, ``sections`` (see
        :func:`ncgain.studies.reproduce.run_all`).

    Returns
    -------
    str
        Markdown, ending in a newline.
    """
    return environment().get_template("report.md.j2").render(context).strip() + "\n"
