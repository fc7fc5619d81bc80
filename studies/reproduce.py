"""``ncgain reproduce``: every study, its dataset, its figure and the report.

Writes ``DIR/<study>.nc``, ``DIR/<study>.png`` and ``DIR/report.md``: a summary
table of the paper's headline claims with computed verdicts
(:mod:`ncgain.studies._summary`), then for each study the figure, a table
``quantity | paper | ncgain | agreement or reason`` whose ncgain column is read
from the freshly computed datasets, and notes on what the model does not
reproduce. The text is in Jinja2 templates (``studies/templates``,
:mod:`ncgain.studies._report`).

Reliability: every file is written atomically (:mod:`ncgain.fileio`); the
manifest ``DIR/manifest.json`` (options, version, seconds per study, every file with its size and
SHA-256) is written *last*, so a folder without it holds an unfinished run.
A new run into a folder holding an earlier run's files first removes the
manifest and those files (saying so), so a folder never mixes two runs; a
second concurrent run into the same folder fails at once (``DIR.lock``).
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import sys
import time
from pathlib import Path

from ncgain import models

from ncgain import fileio as _io
from . import _report, _summary
from ._progress import _wants_bar, study_progress

__all__ = ["STUDIES", "run_all", "load_study", "MANIFEST", "read_manifest", "previous_outputs"]

#: Name of the manifest written last into the output folder.
MANIFEST = "manifest.json"
#: Lock file inside the output folder while a run writes it.
LOCK = ".ncgain-reproduce.lock"

#: Study modules in report order.
STUDIES = (
    "fig1c_threshold",
    "coreshell_figures",
    "fig4_xx_repulsion",
    "fig5d_bleaching",
    "fig5a_gain_lifetime",
    "fig5_bandedge_sweep",
    "charging",
    "cw_threshold",
    "linewidth_sensitivity",
    "fig5abc_ase",
    "lasing",
    "calibration",
)


def load_study(name: str):
    """Import the study module ``ncgain.studies.<name>``.

    Parameters
    ----------
    name : str
        The module name, e.g. "fig4_xx_repulsion".

    Returns
    -------
    module
        The study module (with ``NAME``, ``TITLE``, ``run``, ``plot``, ``context``; its
        report text is ``templates/<name>.md.j2``, see :mod:`ncgain.studies._report`).

    Raises
    ------
    ModuleNotFoundError
        If there is no such study.
    """
    return importlib.import_module(f"ncgain.studies.{name}")


def _matched_presets() -> list[dict]:
    """Preset values matched to one of the paper's figures (inputs, not predictions)."""
    rows = []
    for key, sources in models.presets.SOURCES.items():
        for field, text in sorted(sources.items()):
            if text.startswith("matched to"):
                rows.append({"preset": key, "field": field,
                             "value": getattr(models.presets.get(key), field), "source": text})
    return rows


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_manifest(out: Path) -> dict | None:
    """The manifest of the run in folder ``out``, or None if it has none (unfinished).

    Parameters
    ----------
    out : Path
        An output folder of :func:`run_all`.

    Returns
    -------
    dict or None
        Keys ``complete`` (True), ``quick``, ``ncgain_version``, ``studies`` and
        ``files`` (name -> ``{"bytes", "sha256"}``, names relative to ``out``).
    """
    try:
        return json.loads((Path(out) / MANIFEST).read_text())
    except (OSError, ValueError):
        return None


def previous_outputs(out: Path, report: Path | None = None) -> list[Path]:
    """Files in ``out`` that an earlier :func:`run_all` may have written.

    Parameters
    ----------
    out : Path
        An output folder of :func:`run_all`.
    report : Path, optional
        The report's path, if it is not ``out / "report.md"``.

    Returns
    -------
    list of Path
        Every study's ``.nc``/``.png`` (of any known study), the report, the
        manifest, the files an old manifest lists and leftover temporaries
        ``.<name>.<random>.tmp`` of those files, as far as they exist.
    """
    out = Path(out)
    names = {MANIFEST, "report.md"}
    for name in STUDIES:
        names |= {f"{name}.nc", f"{name}.png"}
    manifest = read_manifest(out) or {}
    names |= set(manifest.get("files", {}))
    found = [out / n for n in sorted(names) if (out / n).is_file()]
    if report is not None and Path(report).is_file() and Path(report) not in found:
        found.append(Path(report))
    found += sorted(p for p in out.glob(".*" + _io.TEMP_SUFFIX)
                    if p.name[1:].split(".")[0] in {n.split(".")[0] for n in names})
    return found


def _clean_previous(out: Path, report: Path) -> None:
    old = previous_outputs(out, report)
    if not old:
        return
    manifest = read_manifest(out)
    what = ("a finished" + (" --quick" if manifest.get("quick") else "") + " run"
            if manifest else "an unfinished or older run")
    # The manifest goes first: from here on the folder reads as unfinished.
    for path in sorted(old, key=lambda p: p.name != MANIFEST):
        with _io.critical():
            path.unlink(missing_ok=True)
    print(f"ncgain reproduce: removed {len(old)} files of {what} from {out}", file=sys.stderr)


def run_all(out: Path, *, quick: bool = False, progress: bool = True,
            report: Path | None = None, studies=STUDIES, summary: bool | None = None) -> Path:
    """Run ``studies`` and write their files and the report; returns the report path.

    Parameters
    ----------
    out : Path
        Output folder (created).
    quick : bool
        Small ensembles and coarse grids (a smoke run, under a minute).
    progress : bool, "always" or callable, default True
        Progress over the studies and inside the long ones (:mod:`studies._progress`):
        True shows the bars only if stderr is a terminal, "always" shows them anyway,
        False none; a callable gets ``progress(done, total, study)`` per study (the
        studies then run without bars).
    report : Path, optional
        Where to write the report (default ``out / "report.md"``); figure links
        are relative to it.
    studies : sequence of str, default STUDIES
        Names of the study modules to run, in order (see :func:`load_study`).
    summary : bool, optional
        Print each study's time and the files written (default: as ``progress``).

    Returns
    -------
    pathlib.Path
        The report's path. Each study also writes ``out/<NAME>.nc`` and
        ``out/<NAME>.png``, and ``out/manifest.json`` last.

    Raises
    ------
    OSError
        If ``out`` (or the report's folder) is not writable, checked before any
        work; :class:`~ncgain.fileio.OutputBusyError` if another run is
        writing ``out``.
    """
    out = _io.check_writable_dir(out, "--out")
    report = Path(report) if report is not None else out / "report.md"
    _io.check_writable_dir(report.parent, "--report folder")
    with _io.exclusive_output(out, lock=out / LOCK):
        return _run_locked(out, quick=quick, progress=progress, report=report, studies=studies,
                           summary=bool(progress) if summary is None else summary)


def _run_locked(out: Path, *, quick: bool, progress: bool, report: Path, studies,
                summary: bool) -> Path:
    import matplotlib
    matplotlib.use("Agg")
    _clean_previous(out, report)
    files = []
    sections = []
    datasets = {}
    studies = list(studies)
    bar = study_progress(progress, max(len(studies), 1), "ncgain reproduce", unit="study")
    # the studies' own bars: under the same terminal check (several studies take a bool)
    inner = progress if _wants_bar(progress) else False
    timings = {}
    try:
        _run_studies(out, quick, report, studies, bar, inner, files, sections, datasets,
                     timings)
    finally:
        bar.close()
    text = _report.render_report(quick=bool(quick), version=models.package_version(),
                                 matched_presets=_matched_presets(), sections=sections,
                                 claims=_summary.claims(datasets), rules=_summary.RULES,
                                 calibration=_summary.calibration_claims(datasets))
    files.append(_io.write_text(report, text))
    manifest = {
        "complete": True,
        "quick": bool(quick),
        "ncgain_version": models.package_version(),
        "studies": list(timings),
        # wall seconds of each study (run, netCDF, figure): read by the benchmark
        "seconds": {name: round(sec, 3) for name, sec in timings.items()},
        "files": {os.path.relpath(f, out): {"bytes": f.stat().st_size, "sha256": _sha256(f)}
                  for f in files},
    }
    _io.write_text(out / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    if summary:
        for name, seconds in timings.items():
            print(f"  {name}: {seconds:.1f} s")
        print(f"wrote {report} and {len(timings)} datasets and figures in {out}")
    return report


def _run_studies(out, quick, report, studies, bar, inner, files, sections, datasets, timings):
    """Run each study, write its dataset and figure, and collect its report section."""
    for name in studies:
        bar.show(name)
        module = load_study(name)
        start = time.perf_counter()
        ds = module.run(quick=quick, progress=inner)
        files.append(_io.write_netcdf(ds, out / f"{name}.nc"))
        fig = module.plot(ds)
        files.append(_io.save_figure(fig, out / f"{name}.png", dpi=110))
        timings[name] = time.perf_counter() - start
        sections.append({"name": name, "title": module.TITLE,
                         "figure": os.path.relpath(out / f"{name}.png", report.parent),
                         "body": _report.render_study(module, ds)})
        datasets[name] = ds
        bar.advance(1, name)
