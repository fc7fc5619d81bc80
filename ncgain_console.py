"""The ``ncgain`` console script: signal handling from the first instant.

Importing :mod:`ncgain` loads numpy, scipy, numba and xarray (seconds). This
tiny module, outside the package, installs SIGINT/SIGTERM handlers *before*
that import, so a Ctrl-C at any moment of a run — also while the libraries
load — ends it with a one-line message and exit status 130 (SIGINT) or 143
(SIGTERM), never a traceback. It then hands over to
:func:`ncgain.cli.main`.
"""

import os
import signal
import sys

__all__ = ["main"]


class _EarlyInterrupt(BaseException):
    def __init__(self, signum):
        super().__init__(signum)
        self.signum = signum


def _raise(signum, frame):  # noqa: ARG001 (signal API)
    raise _EarlyInterrupt(signum)


def _leave(signum: int) -> None:
    sys.stderr.write(f"\nncgain: interrupted by {signal.Signals(signum).name}; "
                     "partial files removed\n")
    sys.stderr.flush()
    os._exit(128 + signum)


def main() -> None:
    """Run ``ncgain`` with the command-line arguments; exits with its status.

    After an interrupt the process ends with :func:`os._exit` once the
    temporaries are removed and the message is written: the interpreter's
    own shutdown (seconds with numba and matplotlib loaded) is skipped.
    """
    try:
        # Installing the handlers inside the ``try``: a signal that arrives right after
        # the first one is installed (before the ``try`` is entered) would otherwise
        # escape as a traceback.
        for s in (signal.SIGINT, signal.SIGTERM):
            signal.signal(s, _raise)
        from ncgain import cli
        code = cli.main()
    except _EarlyInterrupt as exc:   # during the imports, or between the handlers' hand-overs
        _leave(exc.signum)
    except KeyboardInterrupt:        # SIGINT before our handler replaced Python's default
        _leave(signal.SIGINT)
    if code in (130, 143):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    # The run is over and its files are complete: a signal during the interpreter's
    # shutdown (a second or two) is ignored rather than killing a finished run.
    for s in (signal.SIGINT, signal.SIGTERM):
        signal.signal(s, signal.SIG_IGN)
    sys.exit(code)


if __name__ == "__main__":  # pragma: no cover
    main()
