"""Shared argument helpers of the ``ncgain`` command line: value lists, counts, samples, progress."""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import numpy as np

__all__ = ["parse_values", "parse_count", "MAX_VALUES", "THRESHOLD_TIME", "ASE_N_NANOCRYSTALS",
           "LASE_N_NANOCRYSTALS"]

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
    >>> from ncgain.cli import parse_values
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
    """--progress forces a bar, --no-progress / --quiet suppress it; default: only on a terminal."""
    if getattr(args, "quiet", False):
        return False
    progress = getattr(args, "progress", None)
    if progress is not None:
        return bool(progress)
    return sys.stderr.isatty()


def _add_progress_args(p, *, quiet=True):
    """``--progress`` / ``--no-progress`` (and ``--quiet``, the same as --no-progress)."""
    g = p.add_mutually_exclusive_group()
    g.add_argument("--progress", action="store_const", const=True, default=None,
                   help="show progress bars on stderr even when it is not a terminal "
                        "(default: shown only when stderr is a terminal, never in a "
                        "redirected log)")
    g.add_argument("--no-progress", dest="progress", action="store_const", const=False,
                   help="no progress bars, even on a terminal (default: off)")
    if quiet:
        g.add_argument("--quiet", action="store_true",
                       help="no progress bars, the same as --no-progress (default: off)")


def _preset_help(what: str = "built-in sample") -> str:
    """The --preset help, listing every preset of the registry (models.presets)."""
    from ncgain.models import presets
    listed = "; ".join(f"{name} ({presets.get(name).name})" for name in presets.names())
    return f"{what}, one of: {listed} (default: %(default)s)"


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
    g.add_argument("--preset", default="type-ii", help=_preset_help())
    g.add_argument("--sample", metavar="TOML|JSON",
                   help="your own sample instead of a preset: a TOML or JSON (.json) file of "
                        "models.Sample fields, optionally 'preset = \"type-ii\"' plus the fields "
                        "to change (default: none, use --preset)")


def _exclusive_file_output(out: Path, what: str):
    """Check ``out``'s folder before any work and lock ``out`` against concurrent runs.

    A second run writing the same file while the first runs fails at once with a
    message naming the first process; runs one after another overwrite (atomically).
    """
    from ncgain import fileio as _io
    if out.is_dir():
        raise ValueError(f"{what} {out}: is a folder; give a file name ending in .nc")
    _io.check_writable_dir(out.parent if str(out.parent) else Path("."), f"{what} folder")
    return _io.exclusive_output(out)


#: Default delay of ``ncgain threshold`` (ps): the paper measured its bleaching "~3 ps after
#: excitation" (Fig. 5d); the README and docs/validation.md quote thresholds at 3 ps.
THRESHOLD_TIME = 3.0
#: Default Monte Carlo sizes of ``ncgain ase`` (NCs per slice) and ``ncgain lase``.
ASE_N_NANOCRYSTALS = 20_000
LASE_N_NANOCRYSTALS = 100_000


# -- loss and film: one unit for --loss across the command line ---------------------------

#: Help of ``--loss``: the same unit in every command.
LOSS_HELP = ("modal loss of the film/resonator in cm^-1 (the physical unit), in [0, 1e6]; "
             "it replaces the loss of the built-in close-packed film (alpha_0 = 5300 cm^-1, "
             "confinement 0.5), so the gain must exceed loss / (confinement alpha_0)")
#: Help of ``--loss-fraction``: the kinetics' own unit.
LOSS_FRACTION_HELP = ("loss in units of the sample's unexcited band-edge absorption "
                      "alpha_0(peak) (dimensionless net gain -alpha/alpha_0(peak)), in [0, 10]; "
                      "the kinetics' own unit, without a film")


def _film(spec):
    """A models.Film from a TOML/JSON file, or the built-in "close-packed" default."""
    from ncgain import models
    if spec == "close-packed":
        return models.Film.close_packed()
    path = Path(spec)
    if not path.is_file():
        raise ValueError(f"--film {spec}: no such file (or use --film close-packed)")
    return models.Film.from_file(path)


def _add_threshold_loss_args(p, *, many: bool = False):
    """--loss (cm^-1) / --loss-fraction (alpha_0(peak)) of ``threshold`` and ``sweep``."""
    g = p.add_mutually_exclusive_group()
    metavar = "LIST" if many else None
    g.add_argument("--loss", default=None, metavar=metavar or "CM^-1",
                   help=("threshold, cw-threshold: comma list of losses; " if many else "")
                   + LOSS_HELP + " (default: no loss, a gain threshold)")
    g.add_argument("--loss-fraction", default=None, metavar=metavar or "FRACTION",
                   help=("threshold, cw-threshold: comma list; " if many else "")
                   + LOSS_FRACTION_HELP + " (default: 0)")


def _threshold_loss(args, *, many: bool = False):
    """The loss of ``threshold`` / ``sweep`` in alpha_0(peak) units, the film and a note.

    Returns
    -------
    (loss, film, note)
        ``loss`` a float (a list if ``many``) in units of alpha_0(peak); ``film`` the
        models.Film the loss came from (None for --loss-fraction or no loss); ``note`` one
        line saying where the loss came from, for the printed assumptions.
    """
    from ncgain import models
    film_spec = getattr(args, "film", None)

    def values(text, name):
        if text is None:
            return None
        if many:
            return parse_values(text, name).tolist()
        try:
            return float(text)
        except ValueError:
            raise ValueError(f"{name} {text!r}: expected a number") from None

    fraction = values(args.loss_fraction, "--loss-fraction")
    loss = values(args.loss, "--loss")
    if fraction is not None:
        if film_spec is not None:
            raise ValueError("give either --loss-fraction or --film, not both (a film's loss "
                             "is in cm^-1: use --loss, or the film file's loss field)")
        return fraction, None, (f"loss = {fraction} alpha_0(peak) (--loss-fraction; "
                                "no film)")
    if film_spec is not None and loss is not None:
        raise ValueError("give either --loss or --film, not both (the film file carries its "
                         "loss in cm^-1)")
    if film_spec is not None:
        film = _film(film_spec)
        f = film.loss_fraction()
        return ([f] if many else f), film, _film_note(film)
    if loss is None:
        return ([0.0] if many else 0.0), None, "no loss: a gain threshold (net gain > 0)"
    for v in (loss if many else [loss]):
        if not 0.0 <= v <= 1e6:
            raise ValueError(f"--loss {v:g}: a loss in cm^-1 must be in [0, 1e6]")
    base = models.Film.close_packed()
    scale = base.confinement_factor * base.absorption_coefficient
    if many:
        return ([v / scale for v in loss], base,
                f"--loss {', '.join(f'{v:g}' for v in loss)} cm^-1 in the close-packed film "
                f"(confinement {base.confinement_factor:g} x alpha_0 "
                f"{base.absorption_coefficient:g} cm^-1) = "
                f"{', '.join(f'{v / scale:.4g}' for v in loss)} alpha_0(peak)")
    film = models.Film.close_packed(loss=loss, name=f"close-packed NC film with --loss {loss:g}")
    return film.loss_fraction(), film, _film_note(film)


def _film_note(film) -> str:
    return (f"film {film.name!r}: alpha_0 = {film.absorption_coefficient:g} cm^-1, confinement "
            f"factor = {film.confinement_factor:g}, loss = {film.loss:g} cm^-1 -> net gain "
            f"needed = {film.loss_fraction():.4g} alpha_0(peak)")
