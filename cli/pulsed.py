"""``ncgain simulate`` and ``ncgain threshold`` (pulsed excitation)."""

from __future__ import annotations

import math
from pathlib import Path

from ._args import (THRESHOLD_TIME, parse_values, _exclusive_file_output, _sample, _show_progress,
                    _threshold_loss)
from . import _assumptions
from .cw import _cmd_threshold_cw


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


def _simulate_to(out, args, kinetics, sample, mean, times, energies, fluence=None) -> int:
    from ncgain import fileio as _io
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
    loss, film, film_note = _threshold_loss(args)
    sample = _sample(args)
    energy = args.energy
    if energy not in (None, "any"):
        try:
            energy = float(energy)
        except ValueError:
            raise ValueError(f"--energy {energy!r}: expected a photon energy in eV or 'any'") \
                from None
    time = THRESHOLD_TIME if args.time is None else args.time
    th = kinetics.gain_threshold(sample, time=time, energy=energy, loss=loss,
                                 statistics=args.statistics, method=args.method,
                                 n_nanocrystals=args.n_nanocrystals, seed=args.seed,
                                 progress=_show_progress(args))
    how = f"{args.statistics} statistics, {args.method}"
    kind = "gain threshold" if film is None else "lasing (net modal gain) threshold"
    if math.isinf(th):
        print(f"{sample.name}: no gain up to <N> = the search limit, t = {time:g} ps "
              f"({th.criterion}; {how})")
    else:
        fluence = float(kinetics.pump_fluence(th, sample))
        print(f"{sample.name}: {kind} <N> = {th:.4f} excitons per NC = {fluence:.3g} "
              f"mJ cm^-2 at {sample.pump_energy:g} eV; gain appears at E = {th.energy:.4f} eV, "
              f"t = {th.time:g} ps ({th.criterion}; {how})")
    _assumptions.print_assumptions(_assumptions.assumption_lines(
        sample, method=args.method, film_note=film_note, statistics=args.statistics,
        n_nanocrystals=args.n_nanocrystals, seed=args.seed,
        extra=[f"criterion: {th.criterion}",
               "pulsed pump: all excitons created at t = 0 (a pulse much shorter than tau_xx)"]))
    return 0
