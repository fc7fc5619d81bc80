"""Shared test helpers: tolerances derived from the Monte Carlo sample size; the API
reference build started early (see pytest_collection_finish)."""

import numpy as np
from scipy import stats

#: Two-sided tail probability per compared number.
ALPHA = 1e-8
#: Two-sided z bound per compared number. Each test compares at most ~10^4
#: numbers, so a correct simulator exceeds it with probability < 1e-4 per test
#: (the seeds are fixed, so a pass is reproducible, not luck re-rolled).
Z_BOUND = float(stats.norm.isf(ALPHA / 2))


def assert_within_noise(estimate, exact, std, *, what, floor=1e-12):
    """Assert |estimate - exact| <= Z_BOUND * std (+ a rounding floor) everywhere."""
    estimate, exact, std = (np.asarray(a, float) for a in (estimate, exact, std))
    bound = Z_BOUND * std + floor
    excess = np.abs(estimate - exact) - bound
    worst = np.unravel_index(np.argmax(excess), excess.shape)
    assert excess.max() <= 0.0, (
        f"{what}: Monte Carlo deviates by {abs(estimate - exact)[worst]:.3g} at index {worst}, "
        f"allowed {bound[worst]:.3g} ({Z_BOUND:.2f} standard errors of {std[worst]:.3g})")


def assert_binomial(fraction, p, n, *, what):
    """Assert n * fraction lies in the exact two-sided binomial interval of (n, p).

    Exact for rare states, where the normal approximation fails (an expected
    count of 0.02 observed as 1 is unremarkable).
    """
    fraction, p = np.asarray(fraction, float), np.clip(np.asarray(p, float), 0.0, 1.0)
    k = np.rint(fraction * n)
    assert np.allclose(k, fraction * n, atol=1e-6), f"{what}: not a count fraction"
    lo = stats.binom.ppf(ALPHA / 2, n, p)
    hi = stats.binom.isf(ALPHA / 2, n, p)
    bad = (k < lo) | (k > hi)
    where = np.argwhere(bad)
    assert not bad.any(), (f"{what}: {bad.sum()} counts outside the exact binomial interval, "
                           f"first at {tuple(where[0])}: {k[tuple(where[0])]} not in "
                           f"[{lo[tuple(where[0])]}, {hi[tuple(where[0])]}]")


def one_and_two_thread_outputs(script, **run_kwargs):
    """``{"1": ..., "2": ...}``: the whitespace-split output of ``script`` on 1 and 2 Numba
    threads, after its first word (the thread count it saw, checked).

    1 thread: a fresh interpreter started with ``NUMBA_NUM_THREADS=1``. 2 threads: this
    process, whose Numba started with the machine's cores, set to 2 for the call (and
    restored), or, on a machine of one core, a fresh interpreter with
    ``NUMBA_NUM_THREADS=2``. ``run_kwargs`` go to :func:`subprocess.run` (``cwd``...).
    """
    import contextlib
    import io
    import os
    import subprocess
    import sys

    import numba

    def fresh(threads):
        env = {**os.environ, "NUMBA_NUM_THREADS": threads}
        return subprocess.run([sys.executable, "-c", script], env=env, capture_output=True,
                              text=True, check=True, **run_kwargs).stdout

    def here():
        before = numba.get_num_threads()
        numba.set_num_threads(2)
        try:
            buffer = io.StringIO()
            with contextlib.redirect_stdout(buffer):
                exec(compile(script, "<thread script>", "exec"), {"__name__": "__thread__"})
            return buffer.getvalue()
        finally:
            numba.set_num_threads(before)

    out = {}
    for threads, run in (("1", lambda: fresh("1")),
                         ("2", here if numba.config.NUMBA_NUM_THREADS >= 2
                          else lambda: fresh("2"))):
        words = run().split()
        assert words[0] == threads, (threads, words)
        out[threads] = tuple(words[1:])
    return out


def pytest_collection_finish(session):
    """Start the API reference build now, beside the tests, if a selected test needs it.

    It is a subprocess of one core for ~20 s; the tests run mostly on one core of two,
    so the build finishes, unseen, on the other before tests/test_api_docs.py checks it.
    """
    if session.config.option.collectonly:
        return
    if any("built_reference" in getattr(item, "fixturenames", ()) for item in session.items):
        from tests import test_api_docs
        test_api_docs.start_build()


def pytest_sessionfinish(session):
    """An interrupted session (-x, Ctrl-C) leaves no sphinx process behind."""
    import sys
    module = sys.modules.get("tests.test_api_docs")
    if module is not None:
        module.stop_build()
