"""The fit benchmark script runs and reports its figures (their values are not tested)."""

from ncgain.benchmarks import fit as bench


def test_benchmark_runs_with_a_short_chain(capsys):
    figures = bench.main(["--steps", "3", "--walkers", "6", "--repeats", "1"])
    assert set(figures) == {"forward_s", "forward_public_s", "fit_s", "posterior_s",
                            "posterior_measured_s"}
    text = capsys.readouterr().out
    assert "load average" in text and "CPU of all processes" in text
    assert "extrapolated from 6 walkers x 3 steps" in text
