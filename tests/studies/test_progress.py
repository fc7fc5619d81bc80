"""studies._progress: a bar only on a terminal (unless asked), callbacks, bad input."""

import io
import sys

import pytest

from ncgain.studies._progress import study_progress


class _Tty(io.StringIO):
    def isatty(self):
        return True


@pytest.mark.parametrize("stream, progress, shown", [
    (io.StringIO(), True, False),      # not a terminal: silent
    (_Tty(), True, True),              # a terminal: the bar
    (io.StringIO(), "always", True),   # asked for: the bar anyway
    (_Tty(), False, False),
])
def test_bar_only_on_a_terminal_unless_asked(stream, progress, shown, monkeypatch):
    monkeypatch.setattr(sys, "stderr", stream)
    with study_progress(progress, 4, "demo", unit="point") as bar:
        for i in range(4):
            bar.advance(1, label=f"point {i}")
    text = stream.getvalue()
    assert ("demo" in text and "point" in text) is shown, text


def test_callback_gets_done_total_label():
    calls = []
    with study_progress(lambda *c: calls.append(c), 2, "demo") as bar:
        bar.advance(0.5, "half")
        bar.advance(1.5, "rest")
    assert calls == [(0.0, 2.0, "start"), (0.5, 2.0, "half"), (2.0, 2.0, "rest")]


@pytest.mark.parametrize("kw, match", [(dict(total=0), "total = 0"),
                                       (dict(total=float("nan")), "total = nan"),
                                       (dict(total=3, progress="yes"), "progress = 'yes'")])
def test_bad_input_raises(kw, match):
    args = {"progress": False, "total": 1, **kw}
    with pytest.raises(ValueError, match=match):
        study_progress(args["progress"], args["total"], "demo")
