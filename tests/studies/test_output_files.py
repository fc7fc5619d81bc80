"""Atomic output files, exclusive outputs, paths checked before work (issue 12, items 1 and 3)."""

import json
import os
import subprocess
import sys
import time

import numpy as np
import pytest
import xarray as xr

from ncgain import cli
from ncgain import fileio as _io
from ncgain.studies import reproduce


def test_atomic_output_keeps_the_old_file_and_removes_the_temporary_on_error(tmp_path):
    path = tmp_path / "a.txt"
    _io.write_text(path, "old complete content")
    with pytest.raises(RuntimeError):
        with _io.atomic_output(path) as tmp:
            tmp.write_text("half writ")
            raise RuntimeError("disk full")
    assert path.read_text() == "old complete content"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_netcdf_written_atomically_round_trips(tmp_path):
    ds = xr.Dataset({"x": ("t", np.arange(3.0), {"units": "1", "long_name": "x"})})
    _io.write_netcdf(ds, tmp_path / "d.nc")
    with xr.open_dataset(tmp_path / "d.nc") as back:
        assert back.x.values.tolist() == [0.0, 1.0, 2.0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.nc"]
    assert oct((tmp_path / "d.nc").stat().st_mode & 0o777) != oct(0o600) or os.umask(0o022) == 0o077


def test_interrupt_inside_a_critical_section_is_deferred_to_its_end(tmp_path):
    import signal
    with pytest.raises(_io.Interrupted) as info:
        with _io.handle_interrupts():
            with _io.critical():
                os.kill(os.getpid(), signal.SIGTERM)
                time.sleep(0.05)
                reached = True          # the signal did not cut the section short
    assert reached and info.value.exit_status == 143


def _simulate_args(out, n_nc="5000"):
    return ["simulate", "--mean-excitons", "0.5,1", "--times", "0,10", "--quiet",
            "--n-nanocrystals", n_nc, "--out", str(out)]


def test_concurrent_simulate_second_writer_fails_clearly(tmp_path, capsys):
    # Documented choice: while one run writes --out, a second run to the same file fails at
    # once (exit 2, message naming the first process); runs one after another overwrite.
    out = tmp_path / "same.nc"
    first = subprocess.Popen([sys.executable, "-c", "import ncgain_console; ncgain_console.main()",
                              *_simulate_args(out, "10000000")], stderr=subprocess.PIPE, text=True)
    lock = tmp_path / "same.nc.lock"
    t0 = time.monotonic()
    while not lock.exists():
        assert first.poll() is None, first.stderr.read()
        assert time.monotonic() - t0 < 60
        time.sleep(0.01)
    second = cli.main(_simulate_args(out))          # in this process: starts at once
    still_running = first.poll() is None
    first.wait(timeout=300)
    assert still_running, "the first run should still have been running"
    err = capsys.readouterr().err
    assert second == 2
    assert f"being written by another ncgain run (process {first.pid})" in err
    assert len(err.strip().splitlines()) == 1
    assert first.returncode == 0, first.stderr.read()
    with xr.open_dataset(out) as ds:
        assert ds.attrs["n_nanocrystals"] == 10_000_000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["same.nc"]


def test_stale_lock_of_a_killed_run_is_taken_over(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    out = tmp_path / "r.nc"
    (tmp_path / "r.nc.lock").write_text(f"{dead.pid}\n")
    assert cli.main(_simulate_args(out)) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.nc"]


def test_output_path_checked_before_any_work(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    # 10^12 NCs would run for days: the error must come first.
    start = time.monotonic()
    assert cli.main(_simulate_args(blocker / "sub" / "x.nc", str(10 ** 12))) == 2
    assert time.monotonic() - start < 10
    err = capsys.readouterr().err
    assert "--out folder" in err and "not writable" in err
    assert cli.main(["reproduce", "--quick", "--quiet", "--out", str(blocker)]) == 2
    assert "--out" in capsys.readouterr().err


def test_reproduce_cleans_a_folder_of_an_earlier_run(tmp_path, capsys):
    out = tmp_path / "results"
    out.mkdir()
    # An earlier, unfinished run: files of other studies, an old quick report, a temporary.
    (out / "fig1c_threshold.nc").write_bytes(b"\x89HDF old")
    (out / "report.md").write_text("Quick run: old")
    (out / ".fig4_xx_repulsion.nc.abc123.tmp").write_bytes(b"partial")
    (out / "my_notes.txt").write_text("keep me")
    reproduce.run_all(out, quick=True, progress=False, studies=("fig5d_bleaching",))
    assert "removed 3 files of an unfinished or older run" in capsys.readouterr().err
    names = sorted(p.name for p in out.iterdir())
    assert names == ["fig5d_bleaching.nc", "fig5d_bleaching.png", "manifest.json", "my_notes.txt",
                     "report.md"]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["complete"] and manifest["quick"] and manifest["studies"] == ["fig5d_bleaching"]
    assert sorted(manifest["files"]) == ["fig5d_bleaching.nc", "fig5d_bleaching.png", "report.md"]
    for name, entry in manifest["files"].items():
        assert (out / name).stat().st_size == entry["bytes"]
        assert reproduce._sha256(out / name) == entry["sha256"]
    assert "Quick run" in (out / "report.md").read_text()
