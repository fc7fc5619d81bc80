"""``python -m ncgain.cli``: the ``ncgain`` command line."""

import sys

from ncgain.cli.app import main

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
