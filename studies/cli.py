"""The ``ncgain`` command line.

``ncgain reproduce`` rebuilds the paper's figures and the validation report;
``ncgain simulate``, ``ncgain threshold`` and ``ncgain sweep`` serve the users' own samples.
Bad arguments give a one-line message and exit code 2, never a traceback.
``ncgain`` alone prints the help and exits with code 0 (nothing was asked, so
nothing failed); ``ncgain --version`` prints the version.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import numpy as np

__all__ = ["main", "parse_values", "parse_count", "build_parser"]

#: Largest number of values in one list option (--times, --energies, ...).
MAX_VALUES = 1_000_000


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line on stderr and exit code 2."""

    def error(self, message):  # noqa: D401 (argparse API)
        self.exit(2, f"{self.prog}: error: {message}\n")


def parse_values(text: str, name: str) -> np.ndarray:
    """Parse a list of numbers given on the command line.

    Parameters
    ----------
    text : str
        ``"a,b,c"`` (a list) or ``"start:stop:count"`` (``count`` evenly spaced values,
        both ends included).
    name : str
        The option's name, for the error message.

    Returns
    -------
    numpy.ndarray
        The values (float).

    Raises
    ------
    ValueError
        If ``text`` is neither form; the message names the option.

    Examples
    --------
    >>> from ncgain.studies.cli import parse_values
    >>> parse_values("0:1:3", "--times")
    array([0. , 0.5, 1. ])
    """
    try:
        if ":" in text:
            parts = text.split(":")
            if len(parts) != 3:
                raise ValueError
            start, stop, count = float(parts[0]), float(parts[1]), int(parts[2])
            if not 1 <= count <= MAX_VALUES:
                raise ValueError(f"{name} = {text!r}: count must be in [1, {MAX_VALUES}]")
            return np.linspace(start, stop, count)
        values = [float(v) for v in text.split(",") if v.strip()]
        if len(values) > MAX_VALUES:
            raise ValueError(f"{name}: {len(values)} values; allowed at most {MAX_VALUES}")
        return np.array(values)
    except ValueError as exc:
        if str(exc).startswith(name):
            raise
        from ncgain.models._text import short
        raise ValueError(f"{name} = {short(text)}: expected a comma list 'a,b,c' or "
                         "'start:stop:count'") from None


def parse_count(text: str, name: str = "--n-nanocrystals", lo: int = 1,
                hi: int = 10 ** 12) -> int:
    """Parse a whole number written as an integer or a float: ``"200000"``, ``"1e8"``.

    Parameters
    ----------
    text : str
        The command-line text.
    name : str, default "--n-nanocrystals"
        Option name used in error messages.
    lo, hi : int
        Allowed range, inclusive.

    Returns
    -------
    int
        The number.

    Raises
    ------
    ValueError
        If ``text`` is not a whole number (``"1.5e0"``) or lies outside [lo, hi].

    Examples
    --------
    >>> parse_count("1e8")
    100000000
    """
    text = text.strip()
    try:
        value = int(text)
    except ValueError:
        try:
            number = float(text)
        except ValueError:
            raise ValueError(f"{name} = {text!r} is not a number: expected a whole number such "
                             "as 200000 or 1e8") from None
        if not math.isfinite(number) or not number.is_integer():
            raise ValueError(f"{name} = {text!r} is not a whole number: expected e.g. 200000 "
                             "or 1e8") from None
        value = int(number)
    if not lo <= value <= hi:
        top = f"1e{len(str(hi)) - 1}" if hi >= 10 ** 6 and str(hi).strip("0") == "1" else str(hi)
        raise ValueError(f"{name} = {text!r} is outside the allowed range [{lo}, {top}]")
    return value


def _count_type(name: str, lo: int, hi: int):
    def convert(text):
        try:
            return parse_count(text, name, lo, hi)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
    convert.__name__ = "whole number"   # argparse names the type in its messages
    return convert


def _show_progress(args) -> bool:
    """--progress forces a bar, --quiet suppresses it; default: only on a terminal."""
    if getattr(args, "quiet", False):
        return False
    if getattr(args, "progress", False):
        return True
    return sys.stderr.isatty()


def _add_progress_args(p):
    g = p.add_mutually_exclusive_group()
    g.add_argument("--progress", action="store_true",
                   help="show progress bars on stderr even when it is not a terminal "
                        "(default: shown only when stderr is a terminal)")
    g.add_argument("--quiet", action="store_true", help="no progress bars (default: off)")


def _add_monte_carlo_args(p, *, used_by="the Monte Carlo"):
    p.add_argument("--n-nanocrystals", type=_count_type("--n-nanocrystals", 1, 10 ** 12),
                   default=200_000, metavar="N",
                   help=f"ensemble size of {used_by}, a whole number in [1, 1e12], e.g. 1e8 "
                        "(default: %(default)s)")
    p.add_argument("--seed", type=_count_type("--seed", 0, 2 ** 63 - 1), default=0,
                   help="seed of the counter-based random streams; the same seed gives "
                        "bit-identical output for any number of threads (default: %(default)s)")


def _sample(args):
    from ncgain import models
    if args.sample is not None:
        path = Path(args.sample)
        if not path.is_file():
            raise ValueError(f"--sample {path}: no such file")
        return models.Sample.from_file(path)
    return models.presets.get(args.preset)


def _add_sample_args(p):
    g = p.add_mutually_exclusive_group()
    g.add_argument("--preset", default="type-ii",
                   help="built-in sample: type-ii (CdS/ZnSe, R = 1.6 nm, H = 2 nm) or type-i "
                        "(CdSe) (default: %(default)s)")
    g.add_argument("--sample", metavar="TOML|JSON",
                   help="your own sample instead of a preset: a TOML or JSON (.json) file of "
                        "models.Sample fields, optionally 'preset = \"type-ii\"' plus the fields "
                        "to change (default: none, use --preset)")


def _cmd_simulate(args) -> int:
    from ncgain import kinetics
    sample = _sample(args)
    mean = None if args.mean_excitons is None else parse_values(args.mean_excitons,
                                                                 "--mean-excitons")
    fluence = None if args.fluence is None else parse_values(args.fluence, "--fluence")
    times = parse_values(args.times, "--times")
    energies = None if args.energies is None else parse_values(args.energies, "--energies")
    out = Path(args.out)
    if out.suffix != ".nc":
        raise ValueError(f"--out {out}: the output file must end in .nc (netCDF)")
    with _exclusive_file_output(out, "--out"):
        return _simulate_to(out, args, kinetics, sample, mean, times, energies, fluence)


def _exclusive_file_output(out: Path, what: str):
    """Check ``out``'s folder before any work and lock ``out`` against concurrent runs.

    A second run writing the same file while the first runs fails at once with a
    message naming the first process; runs one after another overwrite (atomically).
    """
    from . import _io
    if out.is_dir():
        raise ValueError(f"{what} {out}: is a folder; give a file name ending in .nc")
    _io.check_writable_dir(out.parent if str(out.parent) else Path("."), f"{what} folder")
    return _io.exclusive_output(out)


def _simulate_to(out, args, kinetics, sample, mean, times, energies, fluence=None) -> int:
    from . import _io
    ds = kinetics.simulate_pulsed(sample, mean, times, fluence=fluence, energies=energies,
                                  n_nanocrystals=args.n_nanocrystals, seed=args.seed,
                                  statistics=args.statistics, method=args.method,
                                  progress=_show_progress(args))
    _io.write_netcdf(ds, out)
    print(f"wrote {out} ({ds.sizes['mean_excitons']} <N> x {ds.sizes['time']} times x "
          f"{ds.sizes['energy']} energies, method={args.method})")
    return 0


def _cmd_threshold(args) -> int:
    from ncgain import kinetics
    if getattr(args, "cw", False):
        return _cmd_threshold_cw(args)
    if getattr(args, "film", None) is not None:
        raise ValueError("--film needs --cw (the pulsed threshold takes --loss)")
    sample = _sample(args)
    energy = args.energy
    if energy not in (None, "any"):
        try:
            energy = float(energy)
        except ValueError:
            raise ValueError(f"--energy {energy!r}: expected a photon energy in eV or 'any'") \
                from None
    time = THRESHOLD_TIME if args.time is None else args.time
    th = kinetics.gain_threshold(sample, time=time, energy=energy, loss=args.loss,
                                 statistics=args.statistics, method=args.method,
                                 n_nanocrystals=args.n_nanocrystals, seed=args.seed,
                                 progress=_show_progress(args))
    how = f"{args.statistics} statistics, {args.method}"
    if math.isinf(th):
        print(f"{sample.name}: no gain up to <N> = the search limit, t = {time:g} ps "
              f"({th.criterion}; {how})")
        return 0
    fluence = float(kinetics.pump_fluence(th, sample))
    print(f"{sample.name}: gain threshold <N> = {th:.4f} excitons per NC = {fluence:.3g} "
          f"mJ cm^-2 at {sample.pump_energy:g} eV; gain appears at E = {th.energy:.4f} eV, "
          f"t = {th.time:g} ps ({th.criterion}; {how})")
    return 0


def _film(spec):
    """A models.Film from a TOML/JSON file, or the built-in "close-packed" default."""
    from ncgain import models
    if spec == "close-packed":
        return models.Film.close_packed()
    path = Path(spec)
    if not path.is_file():
        raise ValueError(f"--film {spec}: no such file (or use --film close-packed)")
    return models.Film.from_file(path)


def _cmd_threshold_cw(args) -> int:
    """``ncgain threshold --cw``: the c.w. lasing (film) or gain (no film) threshold."""
    from ncgain import kinetics, models
    if args.time is not None:
        raise ValueError(f"--time {args.time:g}: a c.w. threshold is a steady state (no time)")
    if args.statistics != "poisson" or args.method != "master-equation":
        raise ValueError("--statistics and --method apply to pulsed thresholds; the c.w. "
                         "steady state is exact (closed form)")
    sample = _sample(args)
    energy = args.energy
    if energy not in (None, "any"):
        try:
            energy = float(energy)
        except ValueError:
            raise ValueError(f"--energy {energy!r}: expected a photon energy in eV or 'any'") \
                from None
    film = None if args.film is None else _film(args.film)
    if film is not None and args.loss != 0.0:
        raise ValueError("give either --loss or --film, not both")
    th = kinetics.cw_threshold(sample, energy=energy, loss=args.loss, film=film)
    intensity = float(kinetics.pump_intensity(float(th), sample)[0])
    where = "at E_X" if energy is None else ("anywhere in the band" if energy == "any"
                                             else f"at {energy:g} eV")
    kind = "c.w. lasing threshold" if film is not None else "c.w. gain threshold"
    sigma = sum(w * s.sigma_pump for w, s in sample.size_classes())
    print(f"{sample.name}: {kind} {where} (gain at {th.energy:.4f} eV):")
    print(f"  pump intensity I = {intensity:.4g} W cm^-2 at {sample.pump_energy:g} eV")
    print(f"  generation rate G = {float(th):.4g} excitons per NC per ps "
          f"(G tau_X = {float(th) * sample.tau_x:.3g})")
    print("assumptions:")
    print(f"  criterion: {th.criterion}")
    if film is None:
        print("  no film: gain threshold, loss = " + f"{args.loss:g} alpha_0(peak) "
              "(pass --film FILE.toml or --film close-packed for a lasing threshold)")
    else:
        print(f"  film {film.name!r}: alpha_0 = {film.absorption_coefficient:g} cm^-1, "
              f"confinement factor = {film.confinement_factor:g}, loss = {film.loss:g} cm^-1 "
              f"-> net gain needed = {film.loss_fraction():.4g} alpha_0(peak)")
    print(f"  I = G h nu / sigma_pump with mean sigma_pump = {sigma:.4g} cm^2 "
          "(the threshold intensity scales as 1/sigma_pump; G does not)")
    preset = next((k for k, v in models.presets.PRESETS.items() if v == sample), None)
    if preset is not None:
        print(f"  sigma_pump: {models.presets.SOURCES[preset]['sigma_pump']}")
    print("  the pump creates excitons at G in every state (no saturation by band-edge "
          "filling); steady state of the exciton-number chain with radiative + Auger decay "
          "(exact closed form); no heating, no photodegradation, no charging")
    return 0


def _add_cw_threshold_args(t):
    t.add_argument("--cw", action="store_true",
                   help="continuous-wave pumping: steady-state threshold in W cm^-2 and 1/ps "
                        "(default: off, a pulsed threshold)")
    t.add_argument("--film", default=None, metavar="TOML|close-packed",
                   help="with --cw: gain medium and loss (models.Film fields in a TOML/JSON "
                        "file, or 'close-packed' for the built-in default) -> lasing threshold "
                        "(default: none, a gain threshold)")


def _cmd_reproduce(args) -> int:
    from . import reproduce
    reproduce.run_all(Path(args.out), quick=args.quick, progress=not args.quiet,
                      report=None if args.report is None else Path(args.report))
    return 0


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
    "time": ("time", "values"), "energy": ("energy", "probes"), "loss": ("loss", "values"),
    "mean_excitons": ("mean_excitons", "values"), "times": ("times", "values"),
    "energies": ("energies", "values"), "t_end": ("t_end", None), "n_times": ("n_times", None),
    "statistics": ("statistics", None), "method": ("method", None),
    "n_nanocrystals": ("n_nanocrystals", None), "energy_bins": ("energy_bins", None),
    "max_mean_excitons": ("max_mean_excitons", None),
    "max_generation_rate": ("max_generation_rate", None),
}


def _cmd_sweep(args) -> int:
    from ncgain.studies import sweep as sweeps

    from . import _io
    if args.core_shell is not None:
        base = sweeps.CoreShell(**_parse_core_shell(args.core_shell))
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
    definition = sweeps.Sweep(base, _parse_vary(args.vary), args.observable, options=options,
                              grid="points" if args.points else "product", seed=args.seed)
    definition.point_samples()  # every point valid before the store is touched
    state = sweeps.open_store(args.out, definition)
    out = Path(args.out)
    where = ("in this process" if args.scheduler == "serial" else
             f"on {args.scheduler}" if args.scheduler else "on a local dask cluster")
    print(f"sweep: {state['n_points']} points ({state['done']} already stored), observable "
          f"{args.observable}, {where}; output {out / 'sweep.nc'} (points in {out / 'points'})",
          flush=True)
    try:
        ds = sweeps.run(definition, out, scheduler=args.scheduler, workers=args.workers,
                        numba_threads=args.numba_threads, progress=not args.quiet)
    except (KeyboardInterrupt, _io.Interrupted) as exc:
        done = sweeps.open_store(out, definition)["done"]
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
    from ncgain.studies.sweep import CORE_SHELL_FIELDS, OBSERVABLES, SAMPLE_FIELDS
    w = sub.add_parser(
        "sweep", help="parameter sweep on dask.distributed (resumable) -> netCDF dataset",
        description="Sweep Sample fields (or core/shell parameters) over a grid and compute an "
                    "observable at every point, on a local dask cluster (default), an existing "
                    "cluster (--scheduler) or in this process (--scheduler serial). Every "
                    "finished point is stored in OUT/points as it completes; rerunning the "
                    "same command resumes. Observables: "
                    + "; ".join(f"{k}: {o.description}" for k, o in OBSERVABLES.items()))
    g = w.add_mutually_exclusive_group()
    g.add_argument("--preset", default="type-ii",
                   help="built-in base sample: type-ii (CdS/ZnSe) or type-i (CdSe); "
                        "default type-ii")
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
    o.add_argument("--loss", metavar="LIST",
                   help="threshold, cw-threshold: net gain required, in units of "
                        "alpha_0(peak) (default 0)")
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
    w.add_argument("--quiet", action="store_true", help="no progress bar (default: off)")
    w.set_defaults(func=_cmd_sweep)
#: Default delay of ``ncgain threshold`` (ps): the paper measured its bleaching "~3 ps after
#: excitation" (Fig. 5d); the README and docs/validation.md quote thresholds at 3 ps.
THRESHOLD_TIME = 3.0
#: Default Monte Carlo sizes of ``ncgain ase`` (NCs per slice) and ``ncgain lase``.
ASE_N_NANOCRYSTALS = 20_000
LASE_N_NANOCRYSTALS = 100_000


def _photon_film_args(p):
    p.add_argument("--film", metavar="TOML|JSON|close-packed", default=None,
                   help="film file or name, as for threshold --cw (default: the close-packed "
                        "film, models.Film.close_packed(), changed by --alpha0, "
                        "--confinement, --loss)")
    p.add_argument("--alpha0", type=float, default=None,
                   help="film band-edge absorption coefficient in cm^-1 (default: the "
                        "close-packed film's)")
    p.add_argument("--confinement", type=float, default=None,
                   help="confinement factor of the mode in the film (default: the "
                        "close-packed film's)")
    p.add_argument("--loss", type=float, default=None,
                   help="film loss in cm^-1 (default: the close-packed film's)")


_FILM_OPTIONS = {"alpha0": "absorption_coefficient", "confinement": "confinement_factor",
                 "loss": "loss"}


def _photon_film(args):
    from ncgain import models
    changes = {field: getattr(args, opt) for opt, field in _FILM_OPTIONS.items()
               if getattr(args, opt) is not None}
    if args.film is not None:
        if changes:
            raise ValueError("give either --film or --alpha0/--confinement/--loss, not both")
        return _film(args.film)   # a film file or a named film, as for ``threshold --cw``
    if not changes:
        return models.Film.close_packed()
    told = ", ".join(f"--{opt} {getattr(args, opt):g}" for opt in _FILM_OPTIONS
                     if getattr(args, opt) is not None)
    return models.Film.close_packed(**changes, name=f"close-packed NC film with {told}")


def _print_film(film):
    print(f"  film: {film.name}: alpha_0 = {film.absorption_coefficient:g} cm^-1, "
          f"confinement factor = {film.confinement_factor:g}, loss = {film.loss:g} cm^-1")


def _print_assumptions(ds):
    import json
    for line in json.loads(ds.attrs.get("assumptions", "[]")):
        print(f"  assumption: {line}")


def _cmd_lase(args) -> int:
    """``ncgain lase``: a film in a cavity, c.w. (L-L curve) or pulsed."""
    from ncgain import kinetics, models
    sample, film = _sample(args), _photon_film(args)
    cav = models.Cavity(photon_lifetime=args.photon_lifetime, quality_factor=args.q,
                        spontaneous_coupling=args.beta, channels=args.channels)
    times = parse_values(args.times, "--times")
    kw = {}
    if args.generation_rate is not None:
        kw["generation_rate"] = parse_values(args.generation_rate, "--generation-rate")
    if args.mean_excitons is not None:
        kw["mean_excitons"] = parse_values(args.mean_excitons, "--mean-excitons")
    out = Path(args.out)
    if out.suffix != ".nc":
        raise ValueError(f"--out {out}: the output file must end in .nc (netCDF)")
    out.parent.mkdir(parents=True, exist_ok=True)
    from . import _io
    with _exclusive_file_output(out, "--out"):
        ds = kinetics.simulate_cavity(sample, film, cav, times, progress=not args.quiet,
                                      **_monte_carlo_kwargs(args, LASE_N_NANOCRYSTALS), **kw)
        _io.write_netcdf(ds, out)
    print(f"wrote {out} ({sample.name}, {args.method})")
    _print_film(film)
    if "generation_rate" in kw:
        g_th = ds.attrs["gain_threshold_generation_rate_per_ps"]
        i_th = float(kinetics.cavity.intensity_from_generation_rate(g_th, sample))
        print(f"  steady-state gain threshold at the cavity loss: G = {g_th:.4g} ps^-1 per NC "
              f"= {i_th:.4g} W cm^-2 at {ds.attrs['gain_threshold_energy_eV']:.4f} eV")
    _print_assumptions(ds)
    return 0


def _cmd_ase(args) -> int:
    """``ncgain ase``: edge emission of an excitation stripe vs fluence."""
    from ncgain import kinetics, models
    sample, film = _sample(args), _photon_film(args)
    stripe = models.Stripe(length=args.length, slices=args.slices, channels=args.channels,
                           spontaneous_coupling=args.beta)
    times = parse_values(args.times, "--times")
    fluence = parse_values(args.fluence, "--fluence")
    out = Path(args.out)
    if out.suffix != ".nc":
        raise ValueError(f"--out {out}: the output file must end in .nc (netCDF)")
    # One call for all fluences: the Monte Carlo's per-fluence step and event counts
    # stay in the attributes (JSON lists), and the progress bar covers the whole run.
    out.parent.mkdir(parents=True, exist_ok=True)
    from . import _io
    with _exclusive_file_output(out, "--out"):
        ds = kinetics.simulate_stripe(sample, film, stripe, times, fluence=fluence,
                                      progress=not args.quiet, **_ase_method_kwargs(args))
        _io.write_netcdf(ds, out)
    amp = (ds.edge_emission_integrated / ds.edge_emission_unamplified).max("channel").values
    print(f"wrote {out} ({sample.name}, stripe L = {args.length:g} cm, {args.method})")
    _print_film(film)
    for f, a in zip(fluence, amp):
        print(f"  {f:8.3g} mJ cm^-2: largest amplification (edge / unamplified) {a:.3g}")
    _print_assumptions(ds)
    return 0


def _monte_carlo_kwargs(args, default_n: int) -> dict:
    """--method, --n-nanocrystals, --seed of ``ncgain ase`` / ``lase`` as keywords.

    The Monte Carlo options mean nothing to the rate equations: given with them they
    are refused rather than silently ignored.
    """
    if args.method == "monte-carlo":
        return {"method": "monte-carlo",
                "n_nanocrystals": default_n if args.n_nanocrystals is None
                else args.n_nanocrystals,
                "seed": 0 if args.seed is None else args.seed}
    given = [opt for opt, v in (("--n-nanocrystals", args.n_nanocrystals),
                                ("--seed", args.seed)) if v is not None]
    if given:
        raise ValueError(f"{' and '.join(given)} apply to --method monte-carlo only "
                         f"(--method {args.method} is deterministic)")
    return {"method": args.method}


def _ase_method_kwargs(args) -> dict:
    """simulate_stripe keywords of ``ncgain ase``'s --method, --n-nanocrystals, --seed."""
    return _monte_carlo_kwargs(args, ASE_N_NANOCRYSTALS)


def _add_ase_method_args(a):
    a.add_argument("--method", choices=("rate-equations", "monte-carlo"),
                   default="rate-equations",
                   help="rate equations per slice or Monte Carlo (default: %(default)s)")
    a.add_argument("--n-nanocrystals", type=_count_type("--n-nanocrystals", 1, 10 ** 9),
                   default=None,
                   help=f"Monte Carlo NCs per slice (default: {ASE_N_NANOCRYSTALS}; "
                        "monte-carlo only)")
    a.add_argument("--seed", type=int, default=None,
                   help="seed of the Monte Carlo random streams (default: 0; monte-carlo "
                        "only)")


def _add_photon_parsers(sub):
    """The ``lase`` and ``ase`` subcommands (issue 9)."""
    la = sub.add_parser("lase", help="NC film in a laser cavity: L-L curve, spectra -> netCDF")
    _add_sample_args(la)
    _photon_film_args(la)
    g = la.add_mutually_exclusive_group(required=True)
    g.add_argument("--photon-lifetime", type=float, default=None, help="cavity photon lifetime tau_c in ps (required: this or --q)")
    g.add_argument("--q", type=float, default=None, help="cavity quality factor Q (required: this or --photon-lifetime)")
    la.add_argument("--beta", type=float, default=1e-3, help="spontaneous coupling beta (default: %(default)s)")
    la.add_argument("--channels", type=int, default=32,
                    help="number of spectral channels (default: %(default)s)")
    p = la.add_mutually_exclusive_group(required=True)
    p.add_argument("--generation-rate", metavar="LIST|START:STOP:COUNT",
                   help="c.w. pump, excitons per NC per ps (required: this or --mean-excitons)")
    p.add_argument("--mean-excitons", metavar="LIST|START:STOP:COUNT", help="pulsed pump <N> after the pulse (required: this or --generation-rate)")
    la.add_argument("--times", required=True, metavar="LIST|START:STOP:COUNT",
                    help="record times in ps (required)")
    la.add_argument("--method", choices=("rate-equations", "monte-carlo"),
                    default="rate-equations",
                    help="rate equations or Monte Carlo (default: %(default)s)")
    la.add_argument("--n-nanocrystals", type=_count_type("--n-nanocrystals", 1, 10 ** 9),
                    default=None,
                    help=f"Monte Carlo ensemble size (default: {LASE_N_NANOCRYSTALS}; "
                         "monte-carlo only)")
    la.add_argument("--seed", type=int, default=None,
                    help="seed of the random streams (default: 0; monte-carlo only)")
    la.add_argument("--out", required=True, help="output netCDF file (.nc) (required)")
    la.add_argument("--quiet", action="store_true", help="no progress bar (default: show it)")
    la.set_defaults(func=_cmd_lase)

    a = sub.add_parser("ase", help="ASE of an excitation stripe vs fluence -> netCDF")
    _add_sample_args(a)
    _photon_film_args(a)
    a.add_argument("--length", type=float, default=0.04, help="stripe length in cm (default: %(default)s)")
    a.add_argument("--slices", type=int, default=12,
                   help="slices along the stripe (default: %(default)s)")
    a.add_argument("--channels", type=int, default=32,
                   help="number of spectral channels (default: %(default)s)")
    a.add_argument("--beta", type=float, default=1e-4, help="guided spontaneous fraction beta (default: %(default)s)")
    a.add_argument("--fluence", required=True, metavar="LIST|START:STOP:COUNT",
                   help="pump fluences in mJ cm^-2 (required)")
    a.add_argument("--times", default="0,3,30,100,300,1000,3000",
                   help="record times in ps, integration to the last (default: %(default)s)")
    _add_ase_method_args(a)
    a.add_argument("--out", required=True, help="output netCDF file (.nc) (required)")
    a.add_argument("--quiet", action="store_true", help="no progress bar (default: show it)")
    a.set_defaults(func=_cmd_ase)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``ncgain`` command.

    Returns
    -------
    argparse.ArgumentParser
        The parser with its subcommands.
    """
    from ncgain import __version__
    p = _Parser(prog="ncgain", description="Optical gain in colloidal nanocrystals: Monte Carlo "
                "kinetics and the paper's figures (Klimov et al., Nature 447, 441 (2007)). "
                "Units: eV, ps, mJ cm^-2.")
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = p.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMAND")

    r = sub.add_parser("reproduce", help="rebuild the paper's figures and the validation report",
                       description="Rebuild every paper figure and the validation report "
                                   "from the built-in presets: OUT/<study>.nc, "
                                   "OUT/<study>.png and the Markdown report.")
    r.add_argument("--out", default="results", help="output folder (default: %(default)s)")
    r.add_argument("--quick", action="store_true",
                   help="small ensembles, coarse grids, about a minute (default: off, the full "
                        "run)")
    r.add_argument("--report", default=None,
                   help="where to write the Markdown report (default: OUT/report.md)")
    r.add_argument("--quiet", action="store_true",
                   help="no progress bar and no timing summary (default: off)")
    r.set_defaults(func=_cmd_reproduce)

    s = sub.add_parser("simulate", help="pulsed excitation of a sample -> netCDF dataset",
                       description="Populations, absorption, gain, bleaching and PL spectra of "
                                   "a sample after a short pump pulse, written as a netCDF "
                                   "dataset (kinetics.simulate_pulsed).")
    _add_sample_args(s)
    pump = s.add_mutually_exclusive_group(required=True)
    pump.add_argument("--mean-excitons", metavar="LIST|START:STOP:COUNT",
                      help="pump strength as <N>, mean excitons per NC after the pulse, e.g. "
                           "0.1:3:30 or 0.5,1,2 (required unless --fluence is given)")
    pump.add_argument("--fluence", metavar="LIST|START:STOP:COUNT",
                      help="pump strength as fluence in mJ cm^-2, e.g. 0.5,2,6; converted to "
                           "<N> = sigma_pump F / (h nu_pump) with the sample's sigma_pump and "
                           "pump_energy (required unless --mean-excitons is given)")
    s.add_argument("--times", required=True, metavar="LIST|START:STOP:COUNT",
                   help="record times after the pulse in ps, e.g. 0,3,100,1000 (required)")
    s.add_argument("--energies", metavar="LIST|START:STOP:COUNT",
                   help="photon energies in eV (default: 241 points over the whole band edge)")
    _add_monte_carlo_args(s)
    s.add_argument("--statistics", choices=("poisson", "single"), default="poisson",
                   help="pump statistics: Poisson (physical) or the paper's single-excitation "
                        "idealization (default: %(default)s)")
    s.add_argument("--method", choices=("monte-carlo", "master-equation"), default="monte-carlo",
                   help="Numba Monte Carlo or the exact master equation, same output schema "
                        "(default: %(default)s)")
    s.add_argument("--out", required=True, help="output netCDF file, ending in .nc (required)")
    _add_progress_args(s)
    s.set_defaults(func=_cmd_simulate)

    t = sub.add_parser("threshold", help="gain threshold <N> (and pump fluence) of a sample",
                       description="Smallest <N> at which the ensemble absorption turns into "
                                   "gain at a probe energy and delay (kinetics.gain_threshold); "
                                   "prints the threshold, its pump fluence and the photon "
                                   "energy where gain appears.")
    _add_sample_args(t)
    t.add_argument("--time", type=float, default=None,
                   help=f"delay after the pulse in ps; the paper measured its bleaching ~3 ps "
                        f"after excitation (Fig. 5d) (default: {THRESHOLD_TIME:g} ps; not with "
                        "--cw, a steady state)")
    t.add_argument("--energy", default=None,
                   help="probe energy in eV, or 'any' for gain anywhere on the 241-point "
                        "default grid (default: E_X, the sample's single-exciton line)")
    t.add_argument("--loss", type=float, default=0.0,
                   help="loss the gain must overcome, in units of alpha_0(peak), in [0, 10] "
                        "(default: %(default)s)")
    t.add_argument("--statistics", choices=("poisson", "single"), default="poisson",
                   help="pump statistics: Poisson (physical) or the paper's single-excitation "
                        "idealization (default: %(default)s)")
    t.add_argument("--method", choices=("master-equation", "monte-carlo"),
                   default="master-equation",
                   help="exact master equation or Monte Carlo (default: %(default)s)")
    _add_monte_carlo_args(t, used_by="the Monte Carlo (--method monte-carlo only)")
    _add_progress_args(t)
    _add_cw_threshold_args(t)
    t.set_defaults(func=_cmd_threshold)
    _add_sweep_parser(sub)
    _add_photon_parsers(sub)
    return p


def main(argv=None) -> int:
    """Entry point of the ``ncgain`` console script.

    Bad input gives a one-line message and exit code 2. SIGINT (Ctrl-C) or
    SIGTERM at any moment ends the command with a one-line message, exit code
    130 or 143, and no partial file left behind (see :mod:`ncgain.studies._io`).

    Parameters
    ----------
    argv : list of str, optional
        The arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit code: 0 on success, 2 for invalid input (with a one-line
        message), 130 / 143 after SIGINT / SIGTERM.
    """
    from . import _io
    parser = build_parser()
    try:
        with _io.handle_interrupts():
            args = parser.parse_args(argv)
            if args.command is None:   # bare `ncgain`: the help, and success
                parser.print_help()
                return 0
            try:
                return args.func(args)
            except (ValueError, OSError) as exc:
                print(f"ncgain {args.command}: error: {_one_line(exc)}", file=sys.stderr)
                return 2
    except (_io.Interrupted, KeyboardInterrupt) as exc:
        signum = getattr(exc, "signum", 2)
        import signal
        print(f"\nncgain: interrupted by {signal.Signals(signum).name}; partial files removed",
              file=sys.stderr)
        return 128 + signum


def _one_line(exc: BaseException, limit: int = 400) -> str:
    """An error message on one line of at most ``limit`` characters."""
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
