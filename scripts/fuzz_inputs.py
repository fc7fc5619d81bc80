"""Fuzz the sweep engine and ``ncgain sweep`` with bad inputs; classify every outcome.

    python scripts/fuzz_inputs.py            # prints a Markdown table (docs/reliability.md)

Each case is one bad input (Python API: ``sweeps.Sweep`` + ``Sweep.point_samples`` +
``sweeps.run(scheduler="serial")`` into a fresh folder; command line: ``ncgain.cli.main``
in this process). Nothing valid is computed: every case is meant to be refused before
work. Outcome classes:

* ``clear``   -- ValueError (CLI: exit 2, one line) whose message names the parameter;
* ``obscure`` -- refused, but the message does not name the parameter;
* ``silent``  -- accepted (the bad value went through);
* ``hang``    -- no answer within TIMEOUT seconds (SIGALRM);
* ``crash``   -- any other exception, a traceback, or another exit status.
"""

from __future__ import annotations

import contextlib
import io
import signal
import sys
import tempfile
from pathlib import Path

import numpy as np

TIMEOUT = 20

T = "type-ii"
AXIS = list(np.linspace(0.03, 0.2, 10_000))

#: (name, parameter the message must name, Sweep/run keyword arguments)
API_CASES = [
    ("unknown field", "linewdith", dict(vary={"linewdith": [0.05]})),
    ("empty grid", "linewidth", dict(vary={"linewidth": []})),
    ("NaN in grid", "linewidth", dict(vary={"linewidth": [0.05, float("nan")]})),
    ("inf in grid", "linewidth", dict(vary={"linewidth": [0.05, float("inf")]})),
    ("string in grid", "linewidth", dict(vary={"linewidth": ["a"]})),
    ("nested grid", "linewidth", dict(vary={"linewidth": [[0.05, 0.06]]})),
    ("repeated values", "linewidth", dict(vary={"linewidth": [0.05, 0.05]})),
    ("non-integer degeneracy", "degeneracy", dict(vary={"degeneracy": [2.5]})),
    ("vary not a mapping", "vary", dict(vary=[0.05])),
    ("vary empty", "vary", dict(vary={})),
    ("negative linewidth", "linewidth", dict(vary={"linewidth": [-0.05]})),
    ("10^6 points", "vary", dict(vary={"delta_xx": AXIS[:1000], "tau_xx": AXIS[:1000]})),
    ("10^12 points", "vary", dict(vary={"delta_xx": AXIS, "tau_xx": AXIS, "linewidth": AXIS})),
    ("unknown observable", "observable", dict(observable="lasing")),
    ("unknown option", "mean_excitons", dict(options={"mean_excitons": [1.0]})),
    ("negative time", "time", dict(options={"time": [-1.0]})),
    ("time > 1e12", "time", dict(options={"time": [2e12]})),
    ("time NaN", "time", dict(options={"time": [float("nan")]})),
    # loss is cm^-1 with a film, loss_fraction the alpha_0(peak) fraction (since h3-errors)
    ("loss_fraction > 10", "loss_fraction", dict(options={"loss_fraction": [11.0]})),
    ("loss_fraction negative", "loss_fraction", dict(options={"loss_fraction": [-0.1]})),
    ("loss cm^-1 > 1e6", "loss", dict(options={"loss": [2e6], "film": "close-packed"})),
    ("loss cm^-1 negative", "loss", dict(options={"loss": [-1.0], "film": "close-packed"})),
    ("loss without film", "loss", dict(options={"loss": [50.0]})),
    ("max_mean_excitons list", "max_mean_excitons", dict(options={"max_mean_excitons": [1, 2]})),
    ("max_mean_excitons 100", "max_mean_excitons", dict(options={"max_mean_excitons": 100.0})),
    ("max_mean_excitons 0", "max_mean_excitons", dict(options={"max_mean_excitons": 0.0})),
    ("max_mean_excitons str", "max_mean_excitons", dict(options={"max_mean_excitons": "5"})),
    ("max_mean_excitons single > limit", "max_mean_excitons",
     dict(options={"statistics": "single", "max_mean_excitons": 5.0})),
    ("statistics", "statistics", dict(options={"statistics": "gauss"})),
    ("method", "method", dict(options={"method": "exact"})),
    ("n_nanocrystals 0", "n_nanocrystals", dict(options={"n_nanocrystals": 0})),
    ("n_nanocrystals float", "n_nanocrystals", dict(options={"n_nanocrystals": 1.5})),
    ("n_nanocrystals 10^12 MC work", "n_nanocrystals",
     dict(options={"method": "monte-carlo", "n_nanocrystals": 10 ** 12})),
    ("energy_bins 0", "energy_bins", dict(options={"energy_bins": 0})),
    ("energy_bins 10^4", "energy_bins", dict(options={"energy_bins": 10 ** 4})),
    ("probe outside band", "energy", dict(options={"energy": [5.0]})),
    ("probe negative", "energy", dict(options={"energy": [-1.0]})),
    ("probe word", "energy", dict(options={"energy": ["peak"]})),
    ("grid name", "grid", dict(grid="diagonal")),
    ("points unequal", "grid", dict(vary={"linewidth": [0.05, 0.06], "delta_xx": [0.1]},
                                    grid="points")),
    ("seed negative", "seed", dict(seed=-1)),
    ("seed float", "seed", dict(seed=1.5)),
    ("seed bool", "seed", dict(seed=True)),
    ("base unknown preset", "preset", dict(base="type-x")),
    ("base number", "base", dict(base=5)),
    ("spectra without times", "times",
     dict(observable="spectra", options={"mean_excitons": [1.0], "energies": [2.05]})),
    ("spectra times decreasing", "times",
     dict(observable="spectra", options={"mean_excitons": [1.0], "times": [3.0, 0.0],
                                         "energies": [2.05]})),
    ("spectra energies decreasing", "energies",
     dict(observable="spectra", options={"mean_excitons": [1.0], "times": [0.0],
                                         "energies": [2.1, 2.0]})),
    ("spectra oversized point", "energies",
     dict(observable="spectra", options={"mean_excitons": list(np.linspace(0.1, 5, 1000)),
                                         "times": list(np.linspace(0, 1e3, 10_000)),
                                         "energies": list(np.linspace(2.0, 2.2, 10_000))})),
    ("spectra mean_excitons 1e3", "mean_excitons",
     dict(observable="spectra", options={"mean_excitons": [1e3], "times": [0.0],
                                         "energies": [2.05]})),
    ("lifetime t_end 0", "t_end",
     dict(observable="gain-lifetime", options={"mean_excitons": [1.0], "t_end": 0.0})),
    ("lifetime n_times 2", "n_times",
     dict(observable="gain-lifetime", options={"mean_excitons": [1.0], "n_times": 2})),
    ("lifetime probe any", "energy",
     dict(observable="gain-lifetime", options={"mean_excitons": [1.0], "energy": ["any"]})),
    ("cw max_generation_rate -1", "max_generation_rate",
     dict(observable="cw-threshold", options={"max_generation_rate": -1.0})),
    ("cw max_generation_rate 1e6", "max_generation_rate",
     dict(observable="cw-threshold", options={"max_generation_rate": 1e6})),
    ("cw max_generation_rate list", "max_generation_rate",
     dict(observable="cw-threshold", options={"max_generation_rate": [1.0, 2.0]})),
    ("scheduler not an address", "scheduler", dict(scheduler="foo")),
    ("scheduler refused port", "scheduler", dict(scheduler="tcp://127.0.0.1:1")),
    ("scheduler unknown scheme", "scheduler", dict(scheduler="xyz://host:1")),
    ("scheduler number", "scheduler", dict(scheduler=5)),
    ("workers 0", "workers", dict(workers=0)),
    ("workers with serial", "workers", dict(workers=2, scheduler="serial")),
    ("numba_threads 0", "numba_threads", dict(numba_threads=0)),
    ("retries -1", "retries", dict(retries=-1)),
]

_SWEEP = "sweep --vary delta_xx=0.05,0.1 --quiet --scheduler serial".split()

#: (name, parameter, extra arguments after ``ncgain``)
CLI_CASES = [
    ("no --vary", "--vary", "sweep --quiet --scheduler serial".split()),
    ("--vary without =", "--vary", "sweep --vary delta_xx --scheduler serial".split()),
    ("--vary bad range", "--vary", "sweep --vary delta_xx=1:2 --scheduler serial".split()),
    ("--vary twice", "--vary", _SWEEP + ["--vary", "delta_xx=0.2"]),
    ("--vary 10^12 points", "vary",
     "sweep --vary delta_xx=0.03:0.2:10000 --vary tau_xx=10:100:10000 "
     "--vary linewidth=0.03:0.2:10000 --scheduler serial".split()),
    ("--time 2e12", "time", _SWEEP + ["--time", "2e12"]),
    ("--time word", "--time", _SWEEP + ["--time", "soon"]),
    # --loss is cm^-1 since the merge of a04c0a5 (11 cm^-1 is valid): the out-of-range
    # values of both units
    ("--loss 2e6 (cm^-1)", "loss", _SWEEP + ["--loss", "2e6"]),
    ("--loss-fraction 11", "loss", _SWEEP + ["--loss-fraction", "11"]),
    ("--energy word", "energy", _SWEEP + ["--energy", "peak"]),
    ("--max-mean-excitons 100", "max_mean_excitons", _SWEEP + ["--max-mean-excitons", "100"]),
    ("--max-mean-excitons word", "--max-mean-excitons", _SWEEP + ["--max-mean-excitons", "x"]),
    ("--max-generation-rate 1e6", "max_generation_rate",
     _SWEEP + ["--observable", "cw-threshold", "--max-generation-rate", "1e6"]),
    ("--n-nanocrystals 0", "--n-nanocrystals", _SWEEP + ["--n-nanocrystals", "0"]),
    ("--n-nanocrystals 1e12 MC", "n_nanocrystals",
     _SWEEP + ["--method", "monte-carlo", "--n-nanocrystals", "1e12"]),
    ("--energy-bins 0", "energy_bins", _SWEEP + ["--energy-bins", "0"]),
    ("--observable unknown", "--observable", _SWEEP + ["--observable", "lasing"]),
    ("spectra without --times", "times",
     _SWEEP + ["--observable", "spectra", "--mean-excitons", "1", "--energies", "2.05"]),
    ("--mean-excitons for threshold", "mean_excitons", _SWEEP + ["--mean-excitons", "1"]),
    ("--core-shell missing keys", "core_radius",
     "sweep --core-shell core=CdS,shell=ZnSe --vary size_dispersion=0,0.1 "
     "--scheduler serial".split()),
    ("--core-shell unknown key", "colour",
     "sweep --core-shell core=CdS,shell=ZnSe,core_radius=1.6,shell_width=2,colour=3 "
     "--vary size_dispersion=0,0.1 --scheduler serial".split()),
    ("--core-shell no =", "--core-shell",
     "sweep --core-shell CdS --vary size_dispersion=0,0.1 --scheduler serial".split()),
    ("--core-shell bad material", "--core-shell",
     "sweep --core-shell core=Unobtainium,shell=ZnSe,core_radius=1.6,shell_width=2 "
     "--vary size_dispersion=0,0.1 --scheduler serial".split()),
    ("--scheduler not an address", "scheduler",
     "sweep --vary delta_xx=0.05,0.1 --scheduler foo".split()),
    ("--scheduler refused port", "scheduler",
     "sweep --vary delta_xx=0.05,0.1 --scheduler tcp://127.0.0.1:1".split()),
    ("--workers 0", "workers", _SWEEP[:-2] + ["--workers", "0"]),
    ("--workers with serial", "workers", _SWEEP + ["--workers", "2"]),
    ("--numba-threads 0", "numba_threads", _SWEEP + ["--numba-threads", "0"]),
    ("--seed -1", "seed", _SWEEP + ["--seed", "-1"]),
    ("--sample missing file", "--sample",
     "sweep --sample /nonexistent.toml --vary delta_xx=0.1 --scheduler serial".split()),
    ("--preset unknown", "preset", "sweep --preset type-x --vary delta_xx=0.1".split()),
]


class _Timeout(BaseException):
    pass


def _alarm(signum, frame):  # noqa: ARG001
    raise _Timeout


def _classify_api(param, kwargs, folder) -> tuple[str, str]:
    from ncgain import sweeps
    run_keys = {"scheduler", "workers", "numba_threads", "retries"}
    run_kw = {k: v for k, v in kwargs.items() if k in run_keys}
    run_kw.setdefault("scheduler", "serial")
    sweep_kw = {"base": T, "vary": {"delta_xx": [0.05, 0.1]}, "observable": "threshold"}
    sweep_kw.update({k: v for k, v in kwargs.items() if k not in run_keys})
    signal.alarm(TIMEOUT)
    try:
        sweep = sweeps.Sweep(**sweep_kw)
        sweep.point_samples()
        if set(run_kw) != {"scheduler"} or run_kw["scheduler"] != "serial":
            sweeps.run(sweep, folder, **run_kw)
        return "silent", "accepted"
    except _Timeout:
        return "hang", f"> {TIMEOUT} s"
    except ValueError as exc:
        msg = " ".join(str(exc).split())
        return ("clear" if param in msg else "obscure"), msg
    except Exception as exc:  # noqa: BLE001 (classifying)
        return "crash", f"{type(exc).__name__}: {exc}"
    finally:
        signal.alarm(0)


def _classify_cli(param, argv, folder) -> tuple[str, str]:
    from ncgain import cli
    if "--out" not in argv:
        argv = argv + ["--out", str(folder)]
    err, out = io.StringIO(), io.StringIO()
    signal.alarm(TIMEOUT)
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
            try:
                code = cli.main(argv)
            except SystemExit as exc:   # argparse
                code = exc.code
    except _Timeout:
        return "hang", f"> {TIMEOUT} s"
    except Exception as exc:  # noqa: BLE001
        return "crash", f"{type(exc).__name__}: {exc}"
    finally:
        signal.alarm(0)
    text = err.getvalue().strip()
    lines = [line for line in text.splitlines() if line.strip()]
    if code == 0:
        return "silent", "exit 0"
    if code != 2 or "Traceback" in text:
        return "crash", f"exit {code}: {text[-200:]}"
    msg = lines[-1] if lines else ""
    if len(lines) > 1 and not lines[0].startswith("usage:"):
        return "obscure", f"{len(lines)} lines: {msg}"
    return ("clear" if param in msg else "obscure"), msg


def main() -> int:
    import subprocess
    signal.signal(signal.SIGALRM, _alarm)
    rows, counts = [], {}
    with tempfile.TemporaryDirectory() as tmp:
        for kind, cases, classify in (("API", API_CASES, _classify_api),
                                      ("CLI", CLI_CASES, _classify_cli)):
            for i, (name, param, arg) in enumerate(cases):
                folder = Path(tmp) / f"{kind}{i}"
                outcome, detail = classify(param, arg, folder)
                leftover = folder.exists()
                counts.setdefault(kind, {}).setdefault(outcome, 0)
                counts[kind][outcome] += 1
                rows.append((kind, name, outcome + (" (store left)" if leftover else ""),
                             detail[:110]))
                print(f"{kind} {name}: {outcome}", file=sys.stderr, flush=True)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True, cwd=Path(__file__).parent).stdout.strip()
    classes = ("clear", "obscure", "silent", "hang", "crash")
    print(f"Fuzz of the sweep engine, commit {commit}: {len(rows)} bad inputs\n")
    print("| interface | inputs | " + " | ".join(classes) + " |")
    print("|---|---|" + "---|" * len(classes))
    for kind, c in counts.items():
        print(f"| {kind} | {sum(c.values())} | " + " | ".join(str(c.get(k, 0)) for k in classes)
              + " |")
    print("\n| interface | input | outcome | message |\n|---|---|---|---|")
    for kind, name, outcome, detail in rows:
        detail = detail.replace("|", "\\|")
        print(f"| {kind} | {name} | {outcome} | {detail} |")
    bad = sum(c.get(k, 0) for c in counts.values() for k in classes[1:])
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
