"""The ``ncgain`` command line.

``ncgain reproduce`` rebuilds the paper's figures and the validation report;
``ncgain simulate``, ``ncgain threshold`` and ``ncgain sweep`` serve the users' own samples;
``ncgain fit`` finds the sample that measured data imply.
Bad arguments give a one-line message and exit code 2, never a traceback.
``ncgain`` alone prints the help and exits with code 0 (nothing was asked, so
nothing failed); ``ncgain --version`` prints the version.
"""

from __future__ import annotations

import argparse
import sys

from ._args import (THRESHOLD_TIME, _add_monte_carlo_args, _add_progress_args, _add_sample_args,
                    _add_threshold_loss_args, _Parser)
from .cw import _add_cw_threshold_args
from .field import _add_photon_parsers
from .fit import _add_fit_parser
from .pulsed import _cmd_simulate, _cmd_threshold
from .reproduce import _cmd_reproduce
from .sweep import _add_sweep_parser

__all__ = ["main", "build_parser"]


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
    r_bar = r.add_mutually_exclusive_group()
    r_bar.add_argument("--progress", action="store_const", const=True, default=None,
                       help="show the progress bars even when stderr is not a terminal "
                            "(default: only on a terminal, never in a redirected log)")
    r_bar.add_argument("--no-progress", dest="progress", action="store_const", const=False,
                       help="no progress bars; the timing summary stays, --quiet drops both "
                            "(default: off)")
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
    _add_threshold_loss_args(t)
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
    _add_fit_parser(sub)
    return p


def main(argv=None) -> int:
    """Entry point of the ``ncgain`` console script.

    Bad input gives a one-line message and exit code 2. SIGINT (Ctrl-C) or
    SIGTERM at any moment ends the command with a one-line message, exit code
    130 or 143, and no partial file left behind (see :mod:`ncgain.fileio`).

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
    from ncgain import fileio as _io
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
