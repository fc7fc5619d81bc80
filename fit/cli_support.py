"""The logic of ``ncgain fit``: its arguments, the run, the printout and the outputs.

The command-line room (``ncgain.cli``) owns the parser and the file writing (atomic,
exclusive outputs); this module holds everything else, so the command there is a few lines:
:func:`add_arguments` on its subparser, then :func:`run` with the parsed arguments, which
returns the outputs (:class:`FitOutputs`) to write, and :func:`summary` to print.

``ncgain fit DATA --sample start.toml --vary delta_xx=0.05:0.15 --vary linewidth=0.03:0.09
[--nuisance pump_scale=0.5:2] [--posterior] --out fit.nc``: DATA is a netCDF file in
ncgain's schema (``.nc``) or a long-format CSV (``.csv``, :func:`ncgain.fit.read_csv`).
The outputs are ``fit.nc`` (data, model and residuals of every fitted variable, the
posterior draws when asked, the fitted values and sigma as attributes) and the fitted
sample as TOML beside it (``fit.toml``).
"""

from __future__ import annotations

import argparse
import dataclasses
import math
from dataclasses import dataclass
from pathlib import Path

import xarray as xr

from ncgain import models

from .core import FitResult, fit
from .data import FitData, check_data, read_csv, read_netcdf

__all__ = ["add_arguments", "parse_vary", "parse_nuisances", "run", "summary", "FitOutputs"]


def _number(text: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{what}: {text!r} is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"{what}: {text!r} is not a finite number")
    return value


def parse_vary(items) -> dict:
    """``["delta_xx=0.05:0.15", "tau_xx=130:60:300"]`` -> the ``vary`` of :func:`ncgain.fit.fit`.

    Parameters
    ----------
    items : list of str
        ``NAME=LOW:HIGH`` (start at the sample's value) or ``NAME=START:LOW:HIGH``.

    Returns
    -------
    dict
        Field -> (low, high) or (start, low, high).

    Raises
    ------
    ValueError
        Naming the item: no ``=``, an empty name, a repeated name, not 2 or 3 finite
        numbers, or low >= high.
    """
    out: dict = {}
    for item in items or []:
        what = f"--vary {item}"
        name, sep, spec = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise ValueError(f"{what}: expected NAME=LOW:HIGH or NAME=START:LOW:HIGH")
        if name in out:
            raise ValueError(f"{what}: {name} is given twice")
        parts = [_number(p, what) for p in spec.split(":")]
        if len(parts) not in (2, 3):
            raise ValueError(f"{what}: expected LOW:HIGH or START:LOW:HIGH, got "
                             f"{len(parts)} numbers")
        if not parts[-2] < parts[-1]:
            raise ValueError(f"{what}: the low bound {parts[-2]:g} must be below the high "
                             f"bound {parts[-1]:g}")
        out[name] = tuple(parts)
    if not out:
        raise ValueError("--vary: give at least one NAME=LOW:HIGH")
    return out


def parse_nuisances(items) -> dict:
    """``["pump_scale=0.5:2", "irf_fwhm=0.1"]`` -> the ``nuisances`` of :func:`ncgain.fit.fit`.

    Parameters
    ----------
    items : list of str
        ``NAME=VALUE`` (fixed), ``NAME=LOW:HIGH`` or ``NAME=START:LOW:HIGH`` (varied).

    Returns
    -------
    dict

    Raises
    ------
    ValueError
        Naming the item, as for :func:`parse_vary`.
    """
    out: dict = {}
    for item in items or []:
        what = f"--nuisance {item}"
        name, sep, spec = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise ValueError(f"{what}: expected NAME=VALUE, NAME=LOW:HIGH or "
                             "NAME=START:LOW:HIGH")
        if name in out:
            raise ValueError(f"{what}: {name} is given twice")
        parts = [_number(p, what) for p in spec.split(":")]
        if len(parts) == 1:
            out[name] = parts[0]
            continue
        if len(parts) not in (2, 3) or not parts[-2] < parts[-1]:
            raise ValueError(f"{what}: expected VALUE, LOW:HIGH or START:LOW:HIGH with "
                             "LOW < HIGH")
        out[name] = tuple(parts)
    return out


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Add the arguments of ``ncgain fit`` to a (sub)parser.

    Parameters
    ----------
    p : argparse.ArgumentParser
    """
    p.add_argument("data", metavar="DATA",
                   help="measured data: a netCDF file in ncgain's schema (.nc: e.g. bleach "
                        "and bleach_sigma over mean_excitons or pump_fluence x time x "
                        "energy, CF units on everything) or a long-format CSV (.csv; "
                        "docs/fitting.md) (required)")
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--sample", metavar="TOML|JSON",
                   help="the starting sample: a TOML or JSON file of models.Sample fields, "
                        "optionally 'preset = \"type-ii\"' plus the fields to change "
                        "(required unless --preset is given)")
    g.add_argument("--preset", help="a built-in sample as the start: type-ii or type-i "
                                    "(required unless --sample is given)")
    p.add_argument("--vary", action="append", metavar="NAME=LOW:HIGH", required=True,
                   help="a Sample field to fit within bounds, in its units (eV, ps, cm2, K), "
                        "e.g. delta_xx=0.05:0.15; NAME=START:LOW:HIGH sets the start too; "
                        "repeat for several (required, at least one)")
    p.add_argument("--nuisance", action="append", metavar="NAME=VALUE|LOW:HIGH", default=[],
                   help="a measurement nuisance, fixed (NAME=VALUE) or fitted "
                        "(NAME=LOW:HIGH): pump_scale, time_zero (ps), irf_fwhm (ps), "
                        "amplitude_<variable>, or time_zero_<variable> / irf_fwhm_<variable> "
                        "(default: none, pump_scale 1, time zero 0, no IRF)")
    p.add_argument("--sigma", type=float, default=None,
                   help="a constant 1-sigma for every point of variables without "
                        "<name>_sigma (default: none, the data must carry it)")
    p.add_argument("--variable", action="append", dest="variables", default=None,
                   metavar="NAME", help="fit only this variable (repeat; default: every "
                                        "variable with an uncertainty)")
    p.add_argument("--posterior", action="store_true",
                   help="also sample the posterior with emcee (default: off)")
    p.add_argument("--walkers", type=int, default=32,
                   help="emcee walkers, >= 2 x the varied parameters (default: %(default)s)")
    p.add_argument("--steps", type=int, default=2000,
                   help="emcee steps per walker (default: %(default)s)")
    p.add_argument("--burn", type=int, default=None,
                   help="steps discarded (default: steps // 4)")
    p.add_argument("--workers", type=int, default=1,
                   help="processes evaluating the walkers (default: %(default)s)")
    p.add_argument("--seed", type=int, default=0,
                   help="seed of emcee (and of a Monte Carlo forward model) (default: %(default)s)")
    p.add_argument("--forward", choices=("master-equation", "monte-carlo"),
                   default="master-equation",
                   help="forward model (default: %(default)s)")
    p.add_argument("--out", required=True, metavar="FIT.nc",
                   help="output netCDF file (.nc): data, model, residuals, posterior draws; "
                        "the fitted sample is written beside it as FIT.toml (required)")


@dataclass
class FitOutputs:
    """What ``ncgain fit`` writes and prints.

    Parameters
    ----------
    result : FitResult
    dataset : xarray.Dataset
        Curves (data, sigma, model, residual per variable), the posterior draws
        (``posterior_<name>`` over ``draw``) when sampled, fitted values and sigma as
        attributes (``fitted_<name>``, ``stderr_<name>``; inf where undetermined).
    netcdf, toml : Path
        Where to write the dataset and the fitted sample.
    toml_text : str
        The fitted sample as TOML.
    """

    result: FitResult
    dataset: xr.Dataset
    netcdf: Path
    toml: Path
    toml_text: str


def output_paths(out) -> tuple[Path, Path]:
    """The netCDF path and the TOML beside it, checked (``.nc`` suffix, not a folder).

    Parameters
    ----------
    out : str or Path

    Returns
    -------
    (Path, Path)

    Raises
    ------
    ValueError
    """
    out = Path(out)
    if out.suffix != ".nc":
        raise ValueError(f"--out {out}: the output file must end in .nc (netCDF)")
    if out.is_dir():
        raise ValueError(f"--out {out}: is a folder; give a file name ending in .nc")
    return out, out.with_suffix(".toml")


def _load_sample(args) -> models.Sample:
    if args.preset is not None:
        return models.presets.get(args.preset)
    path = Path(args.sample)
    if not path.is_file():
        raise ValueError(f"--sample {path}: no such file")
    return models.Sample.from_file(path)


def _load_data(path: str, sigma, variables) -> FitData:
    p = Path(path)
    if not p.is_file():
        raise ValueError(f"DATA {p}: no such file")
    if p.suffix == ".nc":
        return read_netcdf(p, sigma=sigma, variables=variables)
    if p.suffix == ".csv":
        return check_data(read_csv(p), sigma=sigma, variables=variables)
    raise ValueError(f"DATA {p}: expected a netCDF (.nc) or CSV (.csv) file")


def run(args) -> FitOutputs:
    """Check the arguments, read the inputs, fit, and assemble the outputs (nothing written).

    Parameters
    ----------
    args : argparse.Namespace
        Parsed by a parser given :func:`add_arguments`.

    Returns
    -------
    FitOutputs

    Raises
    ------
    ValueError
        For any bad argument or input, before the fit starts (one line each).
    """
    netcdf, toml = output_paths(args.out)
    vary = parse_vary(args.vary)
    nuisances = parse_nuisances(args.nuisance)
    for name, lo in (("walkers", 2), ("steps", 1), ("workers", 1), ("seed", 0)):
        if getattr(args, name) < lo:
            raise ValueError(f"--{name} {getattr(args, name)}: must be >= {lo}")
    if args.sigma is not None and not (math.isfinite(args.sigma) and args.sigma > 0):
        raise ValueError(f"--sigma {args.sigma}: must be a finite number > 0")
    sample = _load_sample(args)
    data = _load_data(args.data, args.sigma, args.variables)
    result = fit(data, sample, vary, nuisances=nuisances, posterior=args.posterior,
                 forward=args.forward, seed=args.seed, nwalkers=args.walkers,
                 steps=args.steps, burn=args.burn, workers=args.workers)
    ds = result.curves.copy()
    if result.posterior is not None:
        for k in result.posterior.data_vars:
            ds[f"posterior_{k}"] = result.posterior[k]
        ds.attrs.update({f"posterior_{k}": v for k, v in result.posterior.attrs.items()
                         if isinstance(v, (int, float, str))})
    for k, v in result.values.items():
        ds.attrs[f"fitted_{k}"] = float(v)
        ds.attrs[f"stderr_{k}"] = float(result.stderr.get(k, math.inf))
        ds.attrs[f"units_{k}"] = result.units.get(k, "")
    if result.undetermined:
        ds.attrs["undetermined"] = "; ".join(f"{k}: {why}"
                                             for k, why in result.undetermined.items())
    ds.attrs["data_file"] = str(args.data)
    # the start's name may state values the fit has changed ("... with delta_xx = 0.09")
    fitted = ", ".join(f"{k} = {result.values[k]:.6g} +- {result.stderr[k]:.2g} "
                       f"{result.units.get(k, '')}".rstrip() for k in result.varied)
    sample = dataclasses.replace(
        result.sample, name=f"fitted to {Path(args.data).name}"[:200],
        description=(f"ncgain fit of {args.data}, starting from {sample.name!r}: {fitted}; "
                     f"reduced chi2 {result.redchi:.4g}"
                     + (f"; not determined: {', '.join(result.undetermined)}"
                        if result.undetermined else ""))[:20_000])
    return FitOutputs(result=result, dataset=ds, netcdf=netcdf, toml=toml,
                      toml_text=sample.to_toml())


def _value_pm(value: float, sigma: float) -> str:
    """``value +- sigma`` with the value to the sigma's precision (2 significant digits)."""
    if not (math.isfinite(sigma) and sigma > 0):
        return f"{value:.6g}"
    digits = max(0, 1 - int(math.floor(math.log10(sigma))))
    if digits > 12 or abs(value) >= 1e6 or (value != 0 and abs(value) < 1e-4):
        return f"{value:.6g} +- {sigma:.2g}"
    return f"{value:.{digits}f} +- {sigma:.{digits}f}"


def summary(out: FitOutputs) -> str:
    """The printout of ``ncgain fit``: values +- sigma with units, chi-square, undetermined.

    Parameters
    ----------
    out : FitOutputs

    Returns
    -------
    str
    """
    r = out.result
    lines = [f"ncgain fit: {'converged' if r.success else 'NOT converged: ' + r.message} "
             f"({r.nfev} model evaluations, forward model {r.forward})"]
    for k in r.values:
        units = r.units.get(k, "")
        if k in r.undetermined:
            lines.append(f"  {k} = {r.values[k]:.6g} {units}: NOT DETERMINED by the data "
                         f"({r.undetermined[k]})")
        else:
            kind = "" if k in r.varied else " (expression)"
            lines.append(f"  {k} = {_value_pm(r.values[k], r.stderr.get(k, math.inf))} "
                         f"{units}{kind}")
    if r.posterior is not None:
        lines.append(f"  posterior ({r.posterior.attrs['nwalkers']} walkers x "
                     f"{r.posterior.attrs['steps']} steps): median, 68 % interval")
        for k, (lo, med, hi) in r.posterior_intervals().items():
            if k in r.undetermined:
                # a flat direction: the walkers only diffuse from their start, so a short
                # chain's spread is no measurement; the posterior is the prior (the bounds)
                lines.append(f"    {k}: not determined; its posterior is the uniform prior "
                             f"on its bounds {r.bounds[k][0]:g} ... {r.bounds[k][1]:g} "
                             f"{r.units.get(k, '')}")
                continue
            lines.append(f"    {k} = {med:.6g} -{med - lo:.2g} +{hi - med:.2g} "
                         f"{r.units.get(k, '')}")
    dof = r.ndata - r.nvarys
    lines.append(f"  chi2 = {r.chisqr:.6g}, reduced chi2 = {r.redchi:.4g} "
                 f"({r.ndata} points, {r.nvarys} varied, {dof} degrees of freedom)")
    if r.redchi > 2.0:
        lines.append("  reduced chi2 > 2: the model does not describe the data within "
                     "their sigma; the sigma above are statistical only")
    strong = [(a, b, c) for (a, b), c in r.correlations.items() if abs(c) > 0.95]
    for a, b, c in strong:
        lines.append(f"  correlation {a}-{b} = {c:+.3f}: only their combination is "
                     "determined")
    if not r.undetermined:
        lines.append("  every varied parameter is determined by the data")
    lines.append(f"wrote {out.netcdf} and {out.toml} (the fitted sample)")
    return "\n".join(lines)

