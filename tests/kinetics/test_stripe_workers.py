"""simulate_stripe(workers=n): the rate equations' pump values in a process pool (issue 19).

Bit-identical to one process; validated before any work; the Monte Carlo and daemonic
processes refused; a worker's error re-raised with its message and every worker ended;
Ctrl-C (SIGINT to the process group, as a terminal sends it) ends `ncgain ase --workers 2`
within seconds with no process left; a killed parent's workers leave by themselves.
"""

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time

import numpy as np
import psutil
import pytest
import xarray as xr

from ncgain import kinetics, models
from ncgain.kinetics.field import _pump_pool
from ncgain.kinetics.field._stripe_problem import _StripeProblem
from ncgain.kinetics.field.stripe import STRIPE_ENERGY_BINS

FILM = models.Film(absorption_coefficient=2000.0, confinement_factor=0.5, loss=10.0)
STRIPE = models.Stripe(length=0.04, slices=3, channels=8, spontaneous_coupling=1e-3)
TIMES = [0.0, 3.0, 100.0]
#: 4 pump values; at max_slice_gain 2 the highest is cut into sub-slices, the others not
KW = dict(fluence=[0.5, 2.0, 4.0, 1.0], max_slice_gain=2.0)
#: Seconds from the signal to the end of the interrupted process (the target is 1-2 s;
#: room for a machine shared with other jobs).
EXIT_WITHIN = 5.0
#: Seconds for a killed parent's workers to leave: a worker still importing ncgain
#: (~2-3 s, more under load) starts its watchdog (0.5 s period) only after the import.
ORPHAN_WITHIN = 20.0


def test_two_workers_give_the_one_process_output_bit_for_bit():
    one = kinetics.simulate_stripe("type-ii", FILM, STRIPE, TIMES, **KW)
    sub = json.loads(one.attrs["sub_slices"])
    assert max(sub) > 1 and min(sub) == 1      # the refined and the unrefined path
    done = []
    two = kinetics.simulate_stripe("type-ii", FILM, STRIPE, TIMES, workers=2,
                                   progress=done.append, **KW)
    xr.testing.assert_identical(two, one)
    assert two.attrs == one.attrs
    for name in one.variables:          # bit for bit (assert_identical: NaN == NaN too)
        a, b = one[name].values, two[name].values
        assert a.dtype == b.dtype and np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"), name
    assert done == [100.0] * 4          # one progress step per pump value as it completes
    assert multiprocessing.active_children() == []          # the pool's processes joined


@pytest.mark.parametrize("bad", [0, -1, 257, 1.5, 2.0, True, False, "2", None])
def test_workers_is_validated_before_any_work(bad):
    # invalid record times too: the workers message comes first (before the problem)
    with pytest.raises(ValueError, match=r"workers = .* outside the allowed range: an "
                                         r"integer in \[1, 256\]"):
        kinetics.simulate_stripe("type-ii", FILM, STRIPE, [5.0, 1.0], workers=bad, **KW)


def test_monte_carlo_takes_one_worker_only():
    # (workers=1, the default, is every Monte Carlo stripe test's)
    with pytest.raises(ValueError, match="workers = 2 applies to method='rate-equations' only"):
        kinetics.simulate_stripe("type-ii", FILM, STRIPE, TIMES, fluence=[1.0, 2.0],
                                 method="monte-carlo", n_nanocrystals=100, workers=2)


def test_a_daemonic_process_runs_one_worker_and_refuses_more(monkeypatch):
    # a dask worker is a daemonic process: it cannot have children, workers=1 has none
    monkeypatch.setitem(multiprocessing.current_process()._config, "daemon", True)
    with pytest.raises(ValueError, match="workers = 2 needs child processes.*daemonic"):
        kinetics.simulate_stripe("type-ii", FILM, STRIPE, TIMES, workers=2, **KW)
    ds = kinetics.simulate_stripe("type-ii", FILM, STRIPE, TIMES, fluence=[0.5, 1.0],
                                  max_slice_gain=2.0)
    assert ds.sizes["pump"] == 2


def test_solve_order_is_most_expensive_first():
    assert _pump_pool.solve_order([1, 1, 2, 5, 5], [0.5, 0.0, 1.0, 3.0, 4.0]) == [4, 3, 2, 0, 1]


def test_a_workers_error_is_raised_here_with_its_message_and_the_pool_ends():
    problem = _StripeProblem.build("type-ii", FILM, STRIPE, TIMES, mean_excitons=[0.5, 1.0, 2.0],
                                   fluence=None, generation_rate=None, method="rate-equations",
                                   n_max=None, n_nanocrystals=1, seed=0, dt=None,
                                   field_on=True, energy_bins=STRIPE_ENERGY_BINS)
    # 0 sub-slices: the worker's refined problem (a Stripe of 0 slices) is refused there
    with pytest.raises(ValueError, match=r"slices = 0 is outside the allowed range"):
        _pump_pool.solve_pumps(problem, [1, 0, 1], 1e-5, 2)
    assert multiprocessing.active_children() == []


def test_a_script_without_the_main_guard_gets_a_message_not_a_hang(tmp_path):
    script = tmp_path / "unguarded.py"
    script.write_text(
        "from ncgain import kinetics, models\n"
        "film = models.Film(absorption_coefficient=2000.0, confinement_factor=0.5, loss=10.0)\n"
        "stripe = models.Stripe(length=0.04, slices=2, channels=8)\n"
        "kinetics.simulate_stripe('type-ii', film, stripe, [0.0, 3.0], fluence=[0.5, 2.0],\n"
        "                         workers=2)\n")
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)
    assert proc.returncode == 1
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("RuntimeError: a worker process of simulate_stripe(workers=2) "
                           "ended abruptly") and "if __name__ == '__main__':" in last


# ----------------------------------------------------------------------------- signals

def _start_ase(tmp_path):
    """`ncgain ase --workers 2` on a problem of minutes, in its own process group."""
    code = "import ncgain_console; ncgain_console.main()"
    return subprocess.Popen(
        [sys.executable, "-c", code, "ase", "--preset", "type-ii", "--fluence", "2:16:6",
         "--slices", "12", "--times", "0,3,30,300,4000", "--workers", "2", "--no-progress",
         "--out", str(tmp_path / "ase.nc")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)


def _pool_processes(pid, n=2, timeout=60.0):
    """The pool's spawned processes of ``pid`` once ``n`` of them run (not the tracker)."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        kids = [p for p in psutil.Process(pid).children()
                if "spawn_main" in " ".join(p.cmdline())]
        if len(kids) >= n:
            return psutil.Process(pid).children()          # the tracker too
        time.sleep(0.1)
    raise AssertionError(f"no {n} pool processes within {timeout} s")


def _gone(procs, timeout):
    """True once none of ``procs`` runs (ended and reaped, or a zombie no more)."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        alive = []
        for p in procs:
            try:
                if p.status() != psutil.STATUS_ZOMBIE:
                    alive.append(p)
            except psutil.NoSuchProcess:
                pass
        if not alive:
            return True
        time.sleep(0.05)
    return False


def test_ctrl_c_ends_a_parallel_ase_run_and_all_its_processes(tmp_path):
    proc = _start_ase(tmp_path)
    try:
        children = _pool_processes(proc.pid)
        time.sleep(0.5)                     # the workers are importing or solving
        t0 = time.monotonic()
        os.killpg(proc.pid, signal.SIGINT)  # what a terminal's Ctrl-C does
        out, err = proc.communicate(timeout=30)
        took = time.monotonic() - t0
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 130, err
    assert took < EXIT_WITHIN, f"{took:.1f} s from SIGINT to exit"
    assert err.strip().splitlines() == ["ncgain: interrupted by SIGINT; partial files removed"]
    assert not (tmp_path / "ase.nc").exists()
    assert _gone(children, EXIT_WITHIN), [p.pid for p in children if p.is_running()]


def test_the_workers_of_a_killed_parent_leave_by_themselves(tmp_path):
    proc = _start_ase(tmp_path)
    try:
        workers = [p for p in _pool_processes(proc.pid)
                   if "spawn_main" in " ".join(p.cmdline())]
        os.kill(proc.pid, signal.SIGKILL)    # no clean-up in the parent at all
        proc.communicate(timeout=30)
        assert _gone(workers, ORPHAN_WITHIN), [p.pid for p in workers if p.is_running()]
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
