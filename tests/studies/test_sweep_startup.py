"""sweeps._startup: an abandoned cluster start-up kills only what the start-up spawned."""

import subprocess
import sys
import time

import pytest

from ncgain.sweeps import _startup


def test_abandon_kills_new_children_and_leaves_older_ones():
    psutil = pytest.importorskip("psutil")
    sleeper = [sys.executable, "-c", "import time; time.sleep(60)"]
    older = subprocess.Popen(sleeper)          # a session's own child (a pool, say)
    try:
        children_before = _startup._child_pids()
        assert older.pid in children_before
        newer = subprocess.Popen(sleeper)      # what a start-up spawned
        start = time.monotonic()
        _startup.abandon(set(_startup._semaphore_finalizers()), children_before)
        assert time.monotonic() - start < _startup.ABANDON_TIMEOUT + 0.5
        assert newer.wait(timeout=5) == -9     # SIGKILL
        assert older.poll() is None and psutil.Process(older.pid).is_running()
    finally:
        older.kill()
        older.wait()


def test_a_start_up_error_reaches_the_caller():
    def make():
        raise ValueError("no cluster")
    with pytest.raises(ValueError, match="no cluster"):
        _startup.start_in_thread(make)
    assert _startup.start_in_thread(lambda: 42) == 42
