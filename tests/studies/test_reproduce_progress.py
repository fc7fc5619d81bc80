"""``ncgain reproduce``: its bar over the studies obeys the terminal check (issue 19)."""

import io
import sys

import pytest

from ncgain import cli
from ncgain.cli import reproduce as cli_reproduce
from ncgain.studies import fig5d_bleaching, reproduce

STUDY = "fig5d_bleaching"


class _Tty(io.StringIO):
    def isatty(self):
        return True


@pytest.fixture(scope="module")
def quick_ds():
    return fig5d_bleaching.run(quick=True)


@pytest.fixture
def cached_study(quick_ds, monkeypatch):
    """The study returns its quick dataset at once and records the progress it was given."""
    given = []

    def run(quick=False, progress=False):
        given.append(progress)
        return quick_ds
    monkeypatch.setattr(fig5d_bleaching, "run", run)
    return given


@pytest.mark.parametrize("stream, progress, shown, inner", [
    (io.StringIO(), True, False, False),          # not a terminal: no bar, none inside
    (_Tty(), True, True, True),                   # a terminal: the bar
    (io.StringIO(), "always", True, "always"),    # --progress: the bar anyway
    (_Tty(), False, False, False),
])
def test_outer_bar_only_on_a_terminal_unless_asked(stream, progress, shown, inner, tmp_path,
                                                   cached_study, monkeypatch):
    monkeypatch.setattr(sys, "stderr", stream)
    reproduce.run_all(tmp_path / "out", quick=True, progress=progress, studies=(STUDY,),
                      summary=False)
    assert ("ncgain reproduce" in stream.getvalue()) is shown, stream.getvalue()
    assert cached_study == [inner]                # the study's own bars follow the same rule


def test_a_callback_gets_each_study_and_the_studies_run_silent(tmp_path, cached_study):
    calls = []
    reproduce.run_all(tmp_path / "out", quick=True, progress=lambda *c: calls.append(c),
                      studies=(STUDY,), summary=False)
    assert calls == [(0.0, 1.0, "start"), (1.0, 1.0, STUDY)]
    assert cached_study == [False]


@pytest.mark.parametrize("argv, mode", [([], True), (["--progress"], "always"),
                                        (["--no-progress"], False), (["--quiet"], False)])
def test_cli_passes_the_terminal_check_to_the_bars(argv, mode, monkeypatch):
    seen = {}
    monkeypatch.setattr(reproduce, "run_all", lambda out, **kw: seen.update(kw))
    args = cli.build_parser().parse_args(["reproduce", "--out", "x", *argv])
    assert cli_reproduce._cmd_reproduce(args) == 0
    assert seen["progress"] == mode and seen["progress"] is mode
