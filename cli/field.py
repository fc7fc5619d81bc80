"""``ncgain lase`` and ``ncgain ase``: the photon field (laser cavity, excitation stripe)."""

from __future__ import annotations

from pathlib import Path

from ._args import (ASE_N_NANOCRYSTALS, LASE_N_NANOCRYSTALS, LOSS_FRACTION_HELP, LOSS_HELP,
                    parse_values, _add_progress_args, _add_sample_args, _count_type,
                    _exclusive_file_output, _film, _sample, _show_progress)
from . import _assumptions

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
    g = p.add_mutually_exclusive_group()
    g.add_argument("--loss", type=float, default=None, metavar="CM^-1",
                   help=LOSS_HELP + " (default: the close-packed film's, 50 cm^-1)")
    g.add_argument("--loss-fraction", type=float, default=None, metavar="FRACTION",
                   help=LOSS_FRACTION_HELP + "; sets the film loss to FRACTION x confinement x "
                        "alpha_0 (default: none, use --loss)")


_FILM_OPTIONS = {"alpha0": "absorption_coefficient", "confinement": "confinement_factor",
                 "loss": "loss", "loss_fraction": None}


def _photon_film(args):
    from ncgain import models
    changes = {field: getattr(args, opt) for opt, field in _FILM_OPTIONS.items()
               if field is not None and getattr(args, opt) is not None}
    fraction = getattr(args, "loss_fraction", None)
    if args.film is not None:
        if changes or fraction is not None:
            raise ValueError("give either --film or --alpha0/--confinement/--loss/"
                             "--loss-fraction, not both (the film file carries its loss in "
                             "cm^-1)")
        return _film(args.film)   # a film file or a named film, as for ``threshold --cw``
    if not changes and fraction is None:
        return models.Film.close_packed()
    told = ", ".join(f"--{opt.replace('_', '-')} {getattr(args, opt):g}" for opt in _FILM_OPTIONS
                     if getattr(args, opt) is not None)
    film = models.Film.close_packed(**changes, name=f"close-packed NC film with {told}")
    if fraction is not None:
        if not 0.0 <= fraction <= 10.0:
            raise ValueError(f"--loss-fraction {fraction:g}: must be in [0, 10] (units of "
                             "alpha_0(peak))")
        film = models.Film.close_packed(**changes, name=film.name, loss=fraction
                                        * film.confinement_factor * film.absorption_coefficient)
    return film


def _library_assumptions(ds, method: str, pulsed: bool) -> list[str]:
    """The dataset's own assumptions that belong to the method and pump that ran."""
    import json
    lines = json.loads(ds.attrs.get("assumptions", "[]"))
    keep = []
    for line in lines:
        if method != "monte-carlo" and line.lower().startswith("monte carlo"):
            continue    # a Monte Carlo assumption means nothing to the rate equations
        if pulsed and line.startswith("c.w. pump"):
            continue
        keep.append(line)
    return keep


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
    from ncgain import fileio as _io
    with _exclusive_file_output(out, "--out"):
        try:
            ds = kinetics.simulate_cavity(sample, film, cav, times,
                                          progress=_show_progress(args),
                                          **_monte_carlo_kwargs(args, LASE_N_NANOCRYSTALS), **kw)
        except RuntimeError as exc:   # a method's limit (message says what to do): one line
            raise ValueError(str(exc)) from None
        _io.write_netcdf(ds, out)
    print(f"wrote {out} ({sample.name}, {args.method})")
    intensity = None
    if "generation_rate" in kw:
        g_th = ds.attrs["gain_threshold_generation_rate_per_ps"]
        i_th = float(kinetics.cavity.intensity_from_generation_rate(g_th, sample))
        print(f"  steady-state gain threshold at the cavity loss: G = {g_th:.4g} ps^-1 per NC "
              f"= {i_th:.4g} W cm^-2 at {ds.attrs['gain_threshold_energy_eV']:.4f} eV")
        intensity = kinetics.cavity.intensity_from_generation_rate(kw["generation_rate"], sample)
    from ._field_report import lase_report
    for line in lase_report(ds):
        print(f"  {line}")
    _assumptions.print_assumptions(_assumptions.assumption_lines(
        sample, method=args.method, film=film, intensity=intensity, cavity=cav,
        n_nanocrystals=ds.attrs.get("n_nanocrystals"), seed=ds.attrs.get("seed"),
        extra=_library_assumptions(ds, args.method, pulsed="mean_excitons" in kw)))
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
    from ncgain import fileio as _io
    with _exclusive_file_output(out, "--out"):
        try:
            slicing = ({} if args.max_slice_gain is None
                       else {"max_slice_gain": args.max_slice_gain})
            ds = kinetics.simulate_stripe(sample, film, stripe, times, fluence=fluence,
                                          progress=_show_progress(args),
                                          workers=args.workers,
                                          **_ase_method_kwargs(args), **slicing)
        except RuntimeError as exc:   # a method's limit (message says what to do): one line
            raise ValueError(str(exc)) from None
        _io.write_netcdf(ds, out)
    import numpy as np
    from ncgain.kinetics.field.analysis import channel_amplification
    amp = np.fmax.reduce(channel_amplification(ds).values, axis=1)   # dark channels: NaN, skipped
    print(f"wrote {out} ({sample.name}, stripe L = {args.length:g} cm, {args.method})")
    for f, a in zip(fluence, amp):
        shown = f"{a:.3g}" if np.isfinite(a) else "undefined (no spontaneous emission)"
        print(f"  {f:8.3g} mJ cm^-2: largest amplification (edge / unamplified) {shown}")
    from ._field_report import ase_report
    for line in ase_report(ds):
        print(f"  {line}")
    _assumptions.print_assumptions(_assumptions.assumption_lines(
        sample, method=args.method, film=film, stripe=stripe,
        n_nanocrystals=ds.attrs.get("n_nanocrystals"), seed=ds.attrs.get("seed"),
        extra=["pulsed pump: excitons created at t = 0",
               *_library_assumptions(ds, args.method, pulsed=True)]))
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
    _add_progress_args(la)
    la.set_defaults(func=_cmd_lase)

    a = sub.add_parser("ase", help="ASE of an excitation stripe vs fluence -> netCDF")
    _add_sample_args(a)
    _photon_film_args(a)
    a.add_argument("--length", type=float, default=0.04, help="stripe length in cm (default: %(default)s)")
    a.add_argument("--slices", type=int, default=12,
                   help="slices along the stripe (default: %(default)s)")
    a.add_argument("--max-slice-gain", type=float, default=None,
                   help="rate equations: largest gain-length a*dz of a slice of the solve; "
                        "coarser slices are cut (edge-emission error ~0.016 (a*dz)^2; "
                        "default: 0.7, <= 0.8 %%; 'inf': the slices as given)")
    a.add_argument("--channels", type=int, default=32,
                   help="number of spectral channels (default: %(default)s)")
    a.add_argument("--beta", type=float, default=1e-4, help="guided spontaneous fraction beta (default: %(default)s)")
    a.add_argument("--fluence", required=True, metavar="LIST|START:STOP:COUNT",
                   help="pump fluences in mJ cm^-2 (required)")
    a.add_argument("--times", default="0,3,30,100,300,1000,3000",
                   help="record times in ps, integration to the last (default: %(default)s)")
    _add_ase_method_args(a)
    a.add_argument("--workers", type=_count_type("--workers", 1, 256), default=1, metavar="N",
                   help="rate equations: processes solving the fluences in parallel, a whole "
                        "number in [1, 256] (output bit-identical to 1; up to the number of "
                        "cores helps; each process first spends ~2 s importing ncgain) "
                        "(default: %(default)s)")
    a.add_argument("--out", required=True, help="output netCDF file (.nc) (required)")
    _add_progress_args(a)
    a.set_defaults(func=_cmd_ase)
