"""The one `ncgain reproduce --quick` run shared by the report and figure tests (read only)."""

import pytest

from ncgain import cli


@pytest.fixture(scope="session")
def reproduce_quick(tmp_path_factory):
    """Folder of a ``ncgain reproduce --quick`` run: datasets, figures, report."""
    folder = tmp_path_factory.mktemp("reproduce")
    assert cli.main(["reproduce", "--quick", "--quiet", "--out", str(folder)]) == 0
    return folder
