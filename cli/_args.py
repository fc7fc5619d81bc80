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
