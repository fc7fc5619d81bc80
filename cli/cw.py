"""``ncgain threshold --cw``: the c.w. gain threshold of a sample (optionally in a film)."""

from __future__ import annotations

from pathlib import Path

from ._args import _sample


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
