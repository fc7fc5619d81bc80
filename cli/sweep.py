"""``ncgain sweep``: a parameter sweep over sample fields (:mod:`ncgain.sweeps`)."""

from __future__ import annotations

import sys
from pathlib import Path

from ._args import (parse_values, _add_progress_args, _add_threshold_loss_args, _count_type,
                    _preset_help, _sample, _show_progress, _threshold_loss)


def _parse_core_shell(text: str) -> dict:
    """Parse ``"core=CdS,shell=ZnSe,core_radius=1.6,shell_width=2"`` into keyword arguments."""
    out = {}
    for item in (t for t in text.split(",") if t.strip()):
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"--core-shell {text!r}: expected KEY=VALUE pairs separated by "
                             "commas, e.g. core=CdS,shell=ZnSe,core_radius=1.6,shell_width=2")
        value = value.strip()
        try:
            out[key.strip()] = int(value) if value.isdigit() else float(value)
        except ValueError:
            out[key.strip()] = value
    return out


def _core_shell_base(text: str):
    """The CoreShell of ``--core-shell``, with a one-line error for missing or unknown keys."""
    import inspect

    from ncgain import sweeps
    from ncgain.models import coreshell
    kwargs = _parse_core_shell(text)
    params = inspect.signature(coreshell.sample_from_core_shell).parameters
    required = [k for k in ("core", "shell", "core_radius", "shell_width") if k not in kwargs]
    if required:
        raise ValueError(f"--core-shell {text!r}: missing {', '.join(required)} (give e.g. "
                         "core=CdS,shell=ZnSe,core_radius=1.6,shell_width=2)")
    unknown = sorted(set(kwargs) - set(params))
    if unknown:
        raise ValueError(f"--core-shell: unknown key(s) {unknown}; known: {sorted(params)}")
    try:
        return sweeps.CoreShell(**kwargs)
    except (TypeError, ValueError) as exc:   # name the option the value came from
        raise ValueError(f"--core-shell {text!r}: {exc}") from None


def _parse_vary(items: list[str]) -> dict:
    vary = {}
    for item in items:
        name, sep, values = item.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"--vary {item!r}: expected FIELD=START:STOP:COUNT or FIELD=a,b,c")
        name = name.strip()
        if name in vary:
            raise ValueError(f"--vary {name} is given twice")
        vary[name] = parse_values(values, f"--vary {name}")
    return vary


#: ``ncgain sweep`` flags that are observable options: dest -> (option, parser).
_SWEEP_OPTIONS = {
    "time": ("time", "values"), "energy": ("energy", "probes"),
    "mean_excitons": ("mean_excitons", "values"), "times": ("times", "values"),
    "energies": ("energies", "values"), "t_end": ("t_end", None), "n_times": ("n_times", None),
    "statistics": ("statistics", None), "method": ("method", None),
    "n_nanocrystals": ("n_nanocrystals", None), "energy_bins": ("energy_bins", None),
    "max_mean_excitons": ("max_mean_excitons", None),
    "max_generation_rate": ("max_generation_rate", None),
}


def _cmd_sweep(args) -> int:
    from ncgain import sweeps

    from ncgain import fileio as _io
    if args.core_shell is not None:
        base = _core_shell_base(args.core_shell)
    else:
        base = _sample(args)
    options = {}
    for dest, (key, kind) in _SWEEP_OPTIONS.items():
        value = getattr(args, dest)
        if value is None:
            continue
        if kind == "values":
            value = parse_values(value, "--" + dest.replace("_", "-")).tolist()
        elif kind == "probes":
            value = [v.strip() for v in value.split(",") if v.strip()]
        options[key] = value
    if any(getattr(args, k) is not None for k in ("loss", "loss_fraction", "film")):
        # Checked (and described) as ncgain threshold does; the sweep keeps the unit given:
        # a loss dimension in cm^-1 (with the film) or loss_fraction in alpha_0(peak).
        _, film, loss_note = _threshold_loss(args, many=True)
        if args.loss_fraction is not None:
            options["loss_fraction"] = parse_values(args.loss_fraction,
                                                    "--loss-fraction").tolist()
        else:
            import dataclasses
            options["film"] = dataclasses.asdict(film)
            if args.loss is not None:
                options["loss"] = parse_values(args.loss, "--loss").tolist()
        print(f"sweep: loss: {loss_note}", flush=True)
    definition = sweeps.Sweep(base, _parse_vary(args.vary), args.observable, options=options,
                              grid="points" if args.points else "product", seed=args.seed)
    from ncgain.sweeps.runner import _check_scheduler
    _check_scheduler(args.scheduler)
    definition.point_samples()  # every point valid before the store is touched
    # Only read: sweeps.run creates the store once the scheduler is reached.
    state = sweeps.open_store(args.out, definition, create=False)
    out = Path(args.out)
    where = ("in this process" if args.scheduler == "serial" else
             f"on {args.scheduler}" if args.scheduler else "on a local dask cluster")
    print(f"sweep: {state['n_points']} points ({state['done']} already stored), observable "
          f"{args.observable}, {where}; output {out / 'sweep.nc'} (points in {out / 'points'})",
          flush=True)
    try:
        ds = sweeps.run(definition, out, scheduler=args.scheduler, workers=args.workers,
                        numba_threads=args.numba_threads, progress=_show_progress(args))
    except (KeyboardInterrupt, _io.Interrupted) as exc:
        done = sweeps.open_store(out, definition, create=False)["done"]
        print(f"\nncgain sweep: interrupted; {done} of {state['n_points']} points are stored in "
              f"{out}; run the same command again to resume", file=sys.stderr)
        return 128 + getattr(exc, "signum", 2)
    except RuntimeError as exc:
        print(f"ncgain sweep: error: {exc}", file=sys.stderr)
        return 1
    sizes = " x ".join(f"{ds.sizes[d]} {d}" for d in ds.threshold.dims) \
        if "threshold" in ds else ", ".join(f"{k}={v}" for k, v in ds.sizes.items())
    print(f"wrote {out / 'sweep.nc'} ({sizes})")
    return 0


def _add_sweep_parser(sub) -> None:
    from ncgain.sweeps import CORE_SHELL_FIELDS, OBSERVABLES, SAMPLE_FIELDS
    w = sub.add_parser(
        "sweep", help="parameter sweep on dask.distributed (resumable) -> netCDF dataset",
        description="Sweep Sample fields (or core/shell parameters) over a grid and compute an "
                    "observable at every point, on a local dask cluster (default), an existing "
                    "cluster (--scheduler) or in this process (--scheduler serial). Every "
                    "finished point is stored in OUT/points as it completes; rerunning the "
                    "same command resumes. Observables: "
                    + "; ".join(f"{k}: {o.description}" for k, o in OBSERVABLES.items()))
    g = w.add_mutually_exclusive_group()
    g.add_argument("--preset", default="type-ii", help=_preset_help("built-in base sample"))
    g.add_argument("--sample", metavar="TOML",
                   help="base sample from a TOML file of models.Sample fields (default: none, "
                        "use --preset)")
    g.add_argument("--core-shell", metavar="KEY=VALUE,...",
                   help="core/shell base sample, e.g. core=CdS,shell=ZnSe,core_radius=1.6,"
                        "shell_width=2,size_dispersion=0.05 (any keyword of "
                        "models.coreshell.sample_from_core_shell) (default: none, use --preset)")
    w.add_argument("--vary", action="append", required=True, metavar="FIELD=VALUES",
                   help="a swept field and its values, START:STOP:COUNT (inclusive) or a,b,c; "
                        "repeat for more fields (product grid; required). Sample fields: "
                        + ", ".join(SAMPLE_FIELDS) + "; core/shell: "
                        + ", ".join(CORE_SHELL_FIELDS))
    w.add_argument("--points", action="store_true",
                   help="the --vary lists are a list of points (the i-th values together), "
                        "not a product grid; default: product grid")
    w.add_argument("--observable", default="threshold", choices=tuple(OBSERVABLES),
                   help="what to compute at each point (default threshold)")
    o = w.add_argument_group("observable options (default: the observable's own)")
    o.add_argument("--time", metavar="LIST|START:STOP:COUNT",
                   help="threshold: delays after the pulse in ps (default 3)")
    o.add_argument("--energy", metavar="PROBES",
                   help="threshold, cw-threshold, gain-lifetime: probes, comma list of E_X "
                        "(each point's single-exciton line), any (anywhere in the band; not "
                        "for gain-lifetime) or a photon energy in eV (default E_X)")
    _add_threshold_loss_args(o, many=True)
    o.add_argument("--film", default=None, metavar="TOML|JSON|close-packed",
                   help="threshold, cw-threshold: gain medium whose loss (cm^-1) the gain must "
                        "overcome, models.Film fields in a TOML/JSON file or 'close-packed', "
                        "as for ncgain threshold (default: none, no loss)")
    o.add_argument("--mean-excitons", metavar="LIST|START:STOP:COUNT",
                   help="spectra, gain-lifetime: pump <N> values (required there)")
    o.add_argument("--times", metavar="LIST|START:STOP:COUNT",
                   help="spectra: record times in ps (required there)")
    o.add_argument("--energies", metavar="LIST|START:STOP:COUNT",
                   help="spectra: photon energies in eV (required there)")
    o.add_argument("--t-end", type=float, help="gain-lifetime: last record time in ps "
                   "(default 10000)")
    o.add_argument("--n-times", type=int, help="gain-lifetime: number of record times "
                   "(default 241)")
    o.add_argument("--statistics", choices=("poisson", "single"),
                   help="pump statistics (default poisson)")
    o.add_argument("--method", choices=("master-equation", "monte-carlo"),
                   help="default master-equation (threshold, gain-lifetime), monte-carlo "
                        "(spectra)")
    o.add_argument("--n-nanocrystals", type=_count_type("--n-nanocrystals", 1, 10 ** 12),
                   metavar="N",
                   help="Monte Carlo ensemble size per point, a whole number such as 1e6 "
                        "(default 200000)")
    o.add_argument("--energy-bins", type=int,
                   help="Monte Carlo energy bins (default 1; spectra 16)")
    o.add_argument("--max-mean-excitons", type=float,
                   help="threshold: upper end of the <N> search (default 10 for Poisson)")
    o.add_argument("--max-generation-rate", type=float,
                   help="cw-threshold: upper end of the generation-rate search in 1/ps "
                        "(default: kinetics.cw_threshold's)")
    w.add_argument("--seed", type=int, default=0,
                   help="sweep seed; point i uses SeedSequence(seed, spawn_key=(i,)) "
                        "(default 0)")
    w.add_argument("--out", required=True, metavar="DIR",
                   help="store folder: sweep.json, points/, and sweep.nc when complete "
                        "(required)")
    w.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help="dask scheduler address (tcp://host:8786) of an existing cluster, or "
                        "'serial' to compute in this process; default: an embedded local "
                        "cluster sized to this machine")
    w.add_argument("--workers", type=int, default=None,
                   help="worker processes of the local cluster (default: the available "
                        "cores, at most the number of missing points)")
    w.add_argument("--numba-threads", type=int, default=None,
                   help="Numba threads per point (default: cores // workers on the local "
                        "cluster, 1 on an existing cluster)")
    _add_progress_args(w)
    w.set_defaults(func=_cmd_sweep)
