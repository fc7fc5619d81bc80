"""``ncgain reproduce``: the paper's figures and the validation report."""

from __future__ import annotations

from pathlib import Path



def _progress_mode(args):
    """--progress: bars always; --no-progress / --quiet: none; default: on a terminal only.

    The terminal check is :mod:`ncgain.studies._progress`'s, for the outer bar over the
    studies and the bars inside the long studies alike.
    """
    if getattr(args, "quiet", False) or args.progress is False:
        return False
    return "always" if args.progress else True


def _cmd_reproduce(args) -> int:
    from ncgain.studies import reproduce
    reproduce.run_all(Path(args.out), quick=args.quick, progress=_progress_mode(args),
                      summary=not args.quiet,
                      report=None if args.report is None else Path(args.report))
    return 0
