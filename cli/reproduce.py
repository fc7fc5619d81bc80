"""``ncgain reproduce``: the paper's figures and the validation report."""

from __future__ import annotations

from pathlib import Path

from ._args import _show_progress


def _cmd_reproduce(args) -> int:
    from ncgain.studies import reproduce
    reproduce.run_all(Path(args.out), quick=args.quick, progress=_show_progress(args), summary=not args.quiet,
                      report=None if args.report is None else Path(args.report))
    return 0
