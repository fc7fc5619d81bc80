"""Tests of ncgain.benchmarks: the NumPy baseline is correct, the script runs.

No timing is asserted here (performance is measured by the script, never in
timed tests): only that the baseline simulates the right process and that the
script writes JSON with the expected keys and positive figures.
"""

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from ncgain import kinetics
from ncgain.benchmarks import baseline, field, workload
from ncgain.benchmarks import sweep as bsweep
from tests.conftest import assert_binomial

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("n_nanocrystals", [200_000])
def test_numpy_baseline_matches_master_equation(n_nanocrystals):
    """Populations at all 64 record times within exact binomial intervals (fixed seed)."""
    sample, times = workload.workload_sample(), workload.workload_times()
    mean = workload.WORKLOAD["mean_excitons"]
    table = workload._problem(n_nanocrystals, 1).table
    counts, n_events, n_overflow = baseline.numpy_pulsed_counts(table, mean, times, n_nanocrystals,
                                                          seed=3, chunk_size=70_000)
    assert counts.shape == (times.size, table.n_classes, table.n_max + 1)
    assert counts.dtype == np.int64 and counts.min() >= 0
    # every NC is counted once per record time (no overflow at this size and seed)
    assert n_overflow == 0
    np.testing.assert_array_equal(counts.sum(axis=(1, 2)), n_nanocrystals)
    me = kinetics.simulate_pulsed(sample, [mean], times, method="master-equation",
                                  n_max=table.n_max)
    exact = me.population.values[0]
    assert exact.shape == (times.size, table.n_max + 1)
    assert_binomial(counts.sum(axis=1) / n_nanocrystals, exact, n_nanocrystals,
                    what="NumPy baseline population")
    # jumps by the last record time: a Poisson(2) NC with n >= 2 makes n - 1 jumps to
    # n = 1 within ~0.1 ns (Auger), then 1 -> 0 with probability ~1 - exp(-10 ns / 20 ns)
    # (minus ~2e-3 for the time spent reaching n = 1): about 1.47 jumps per NC
    n = np.arange(table.n_max + 1)
    p = stats.poisson.pmf(n, mean)
    expected = float(np.sum(p * np.maximum(n - 1, 0)) + (1 - p[0]) * (1 - math.exp(-0.5)))
    sd = math.sqrt(2.0 / n_nanocrystals)           # generous: variance of jumps per NC < 2
    assert abs(n_events / n_nanocrystals - expected) < 6 * sd


def test_numpy_baseline_reproducible():
    table = workload._problem(10_000, 1).table
    times = workload.workload_times()
    a, ea, _ = baseline.numpy_pulsed_counts(table, 2.0, times, 10_000, seed=5, chunk_size=10_000)
    b, eb, _ = baseline.numpy_pulsed_counts(table, 2.0, times, 10_000, seed=5, chunk_size=10_000)
    np.testing.assert_array_equal(a, b)            # fixed seed: reproducible
    assert ea == eb


def test_script_writes_json(tmp_path, monkeypatch, capsys):
    # The command's main() in this process: every measurement still runs in fresh
    # interpreters, each started as `python -m ncgain.benchmarks --worker ...`.
    from ncgain.benchmarks import command
    out = tmp_path / "tmp.json"
    monkeypatch.setenv("PYTHONPATH", str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    monkeypatch.chdir(tmp_path)
    assert command.main(["--smoke", "--out", str(out)]) == 0
    stdout = capsys.readouterr().out
    for header in ("NCs/s", "MiB", "(s)", "events/s"):
        assert header in stdout
    assert "PASS" in stdout or "MISS" in stdout
    res = json.loads(out.read_text())
    for key in ("meta", "compile", "monte_carlo", "scaling", "rng_floor", "numpy_baseline",
                "speedup_vs_numpy", "master_equation", "memory", "targets", "coreshell"):
        assert key in res, key
    assert res["compile"]["cold"]["first_call_seconds"] > 0
    assert res["compile"]["cached"]["first_call_seconds"] > 0
    rows = res["monte_carlo"]
    assert {(r["what"], r["threads"], r["energy_bins"]) for r in rows} == {
        (w, t, b) for w in ("kernel", "simulate_pulsed") for t in (1, 2) for b in (1, 16)} | {
        ("c.w. kernel", t, 1) for t in (1, 2)}
    for r in rows:
        for k in ("seconds", "ncs_per_s", "ncs_per_s_per_thread", "events", "events_per_s"):
            assert r[k] > 0, (k, r)
    # same seed, same events whatever the number of threads
    ev = {}
    for r in rows:
        ev.setdefault((r["what"] == "c.w. kernel", r["n_nanocrystals"], r["energy_bins"]),
                      set()).add(r["events"])
    assert all(len(v) == 1 for v in ev.values())
    assert all(s["speedup"] > 0 for s in res["scaling"])
    assert set(res["rng_floor"]) == {"1", "2"}
    assert all(f["ncs_per_s"] > 0 for f in res["rng_floor"].values())
    assert all(b["ncs_per_s"] > 0 and b["events"] > 0 for b in res["numpy_baseline"])
    assert res["master_equation"]["simulate_pulsed_seconds"] > 0
    assert all(m["peak_mib"] > 0 and m["baseline_mib"] > 0 for m in res["memory"])
    assert all(t["pass"] in (True, False, None) for t in res["targets"])


def test_sweep_benchmark_runs():
    """The --sweep benchmark on 2 tiny points: every figure present and positive."""
    res = bsweep.sweep_benchmark(n_points=2, n_nanocrystals=2000, verbose=False)
    for kind in ("monte_carlo", "tiny"):
        r = res[kind]
        for key in ("plain_loop_s", "serial_sweep_s", "cluster_1_sweep_s", "cluster_2_sweep_s",
                    "cluster_1_startup_s", "cluster_2_startup_s", "speedup_1_to_2_workers"):
            assert r[key] > 0, key
    assert "speed-up" in bsweep.sweep_report(res)


def test_stripe_throughput_smoke():
    """The Monte Carlo stripe row: counts steps and events (numbers, not timings, asserted)."""
    res = field.stripe_throughput(n_nanocrystals=300, slices=2, channels=8, t_end=10.0)
    assert res["steps"] >= 2 and res["nc_steps_per_s"] > 0 and res["events_per_s"] >= 0


def test_competing_load_is_always_stopped():
    """The --reproduce benchmark's busy processes run inside the context and never after,
    also when the measured command fails."""
    from ncgain.benchmarks.reproduce import competing_load
    with pytest.raises(RuntimeError, match="measured command failed"):
        with competing_load(2) as load:
            procs = list(load._procs)
            assert len(procs) == 2 and all(p.poll() is None for p in procs)   # running
            raise RuntimeError("measured command failed")
    assert all(p.poll() is not None for p in procs)                           # stopped
    with pytest.raises(ValueError, match="processes = -1"):
        competing_load(-1)


def test_reproduce_report_lists_every_study_and_the_load():
    from ncgain.benchmarks.reproduce import TARGETS, reproduce_report
    run = lambda load, s: {"competing_processes": load, "seconds": s,  # noqa: E731
                           "load_before": [1.0, 1.0, 1.0], "load_after": [3.0, 2.0, 1.0],
                           "studies": {"fig5abc_ase": s / 2, "lasing": s / 4}}
    text = reproduce_report({"quick": False, "cores": 2, "blas_threads": 1,
                             "runs": [run(0, 100.0), run(2, 400.0)], "targets": TARGETS})
    assert "fig5abc_ase" in text and "lasing" in text and "1.00 -> 3.00" in text
    assert "under load <= 360 s: MISS (400.0 s)" in text
    assert "no extra load <= 180 s: PASS (100.0 s)" in text


def test_competing_load_ends_with_its_parent_even_without_cleanup():
    import time
    code = ("import os\nfrom ncgain.benchmarks.reproduce import competing_load\n"
            "c = competing_load(1).__enter__()\nprint(c._procs[0].pid, flush=True)\n"
            "os._exit(0)\n")                                  # no __exit__: as after SIGKILL
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    pid = int(res.stdout.split()[0])
    for _ in range(600):                                       # up to a minute on a busy box
        try:
            with open(f"/proc/{pid}/stat") as fh:
                state = fh.read().rsplit(")", 1)[1].split()[0]
            if state == "Z":
                break
        except FileNotFoundError:
            break
        time.sleep(0.1)
    else:
        os.kill(pid, 9)
        pytest.fail(f"busy process {pid} outlived its parent")


def test_benchmark_outputs_are_written_atomically():
    """Every benchmark JSON goes through ncgain.fileio (atomic): no open(..., 'w') in
    benchmarks/ (``--sweep`` used one; a reader could see half a file)."""
    import ast
    from pathlib import Path

    import ncgain.benchmarks as bench
    offenders = []
    for path in sorted(Path(bench.__file__).parent.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "open":
                modes = [a.value for a in node.args[1:2] + [k.value for k in node.keywords
                                                            if k.arg == "mode"]
                         if isinstance(a, ast.Constant)]
                if any(set(m) & set("wax") for m in modes):
                    offenders.append(f"{path.name}:{node.lineno}")
    assert not offenders, offenders


def test_stripe_workers_benchmark_smoke(tmp_path, capsys):
    """--stripe-workers: one fresh interpreter per count, the same output digest."""
    from ncgain.benchmarks import command
    out = tmp_path / "sw.json"
    assert command.main(["--stripe-workers", "1,2", "--smoke", "--out", str(out)]) == 0
    res = json.loads(out.read_text())
    assert [r["workers"] for r in res["runs"]] == [1, 2]
    assert res["identical"] and len({r["digest"] for r in res["runs"]}) == 1
    assert res["runs"][1]["worker_cpu_seconds"] > 0          # the solves ran in the pool
    assert res["speed_up"][0] == 1.0
    text = capsys.readouterr().out
    assert "outputs bit-identical: yes" in text and "load average" in text
