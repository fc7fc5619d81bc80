"""``ncgain threshold --cw``: the c.w. gain threshold of a sample (optionally in a film)."""

from __future__ import annotations


from ._args import _film, _sample, _threshold_loss  # noqa: F401 (_film re-exported)
from . import _assumptions


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
    loss, film, film_note = _threshold_loss(args)
    th = kinetics.cw_threshold(sample, energy=energy, loss=0.0 if film is not None else loss,
                               film=film)
    intensity = float(kinetics.pump_intensity(float(th), sample)[0])
    where = "at E_X" if energy is None else ("anywhere in the band" if energy == "any"
                                             else f"at {energy:g} eV")
    kind = "c.w. lasing threshold" if film is not None else "c.w. gain threshold"
    sigma = sum(w * s.sigma_pump for w, s in sample.size_classes())
    print(f"{sample.name}: {kind} {where} (gain at {th.energy:.4f} eV):")
    print(f"  pump intensity I = {intensity:.4g} W cm^-2 at {sample.pump_energy:g} eV")
    print(f"  generation rate G = {float(th):.4g} excitons per NC per ps "
          f"(G tau_X = {float(th) * sample.tau_x:.3g})")
    if film is None:
        film_note += (" (pass --film FILE.toml, --film close-packed or --loss CM^-1 for a "
                      "lasing threshold)")
    _assumptions.print_assumptions(_assumptions.assumption_lines(
        sample, method="closed-form", film_note=film_note, intensity=intensity,
        extra=[f"criterion: {th.criterion}",
               f"I = G h nu / sigma_pump with mean sigma_pump = {sigma:.4g} cm^2 (the threshold "
               "intensity scales as 1/sigma_pump; G does not)",
               "the pump creates excitons at G in every state (no saturation by band-edge "
               "filling); radiative + Auger decay only: no heating, no photodegradation, no "
               "charging"]))
    return 0


def _add_cw_threshold_args(t):
    t.add_argument("--cw", action="store_true",
                   help="continuous-wave pumping: steady-state threshold in W cm^-2 and 1/ps "
                        "(default: off, a pulsed threshold)")
    t.add_argument("--film", default=None, metavar="TOML|close-packed",
                   help="gain medium and its loss in cm^-1 (models.Film fields in a TOML/JSON "
                        "file, or 'close-packed' for the built-in default) -> lasing threshold, "
                        "pulsed or with --cw (default: none, a gain threshold)")
