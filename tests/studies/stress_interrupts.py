"""Stress test (not collected by pytest; ~10 s per run): signal `ncgain reproduce --quick`
at random moments and check the folder after each.

    .venv/bin/python -m tests.studies.stress_interrupts RUNS SEED

A third of the runs start in a folder holding a finished run (set FINISHED to a folder
written by `ncgain reproduce --quick`). After each run: the exit status must be
128 + signal with one "interrupted" line and no traceback, and the folder must hold either
a complete run whose manifest checks out (an interrupt before the new run cleaned it) or
only complete, valid files (`assert_folder_valid`). Results in docs/reliability.md.
"""

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from ncgain.studies import reproduce
from tests.studies.test_interrupts import assert_folder_valid

FINISHED = Path(os.environ.get("NCGAIN_FINISHED_RUN", "/tmp/rq2"))


def main(runs: int, seed: int, base: Path = Path("/tmp/ncgain-stress")) -> int:
    rng = random.Random(seed)
    bad = 0
    for i in range(runs):
        out = base / f"r{i}"
        shutil.rmtree(out, ignore_errors=True)
        base.mkdir(parents=True, exist_ok=True)
        if i % 3 == 2 and (FINISHED / reproduce.MANIFEST).exists():
            shutil.copytree(FINISHED, out)
        delay, sig = rng.uniform(0.2, 22.0), rng.choice([signal.SIGINT, signal.SIGTERM])
        proc = subprocess.Popen([sys.executable, "-c", "import ncgain_console; ncgain_console.main()",
                                 "reproduce", "--quick", "--quiet", "--out", str(out)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(delay)
        if proc.poll() is not None:
            print(i, round(delay, 2), "finished before the signal", proc.returncode, flush=True)
            continue
        sent = time.monotonic()
        proc.send_signal(sig)
        try:
            _, err = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            print(i, "HANG", flush=True)
            bad += 1
            continue
        elapsed = time.monotonic() - sent
        lines = [line for line in err.splitlines() if line.strip()]
        ok = proc.returncode == 128 + sig and "Traceback" not in err and "interrupted" in lines[-1]
        try:
            manifest = reproduce.read_manifest(out)
            if manifest is not None:
                for name, entry in manifest["files"].items():
                    assert reproduce._sha256(out / name) == entry["sha256"], name
                state = "complete run, manifest verified"
            else:
                assert_folder_valid(out)
                state = "only complete files"
        except AssertionError as exc:
            state, ok = f"INVALID: {exc}", False
        bad += not ok
        print(i, round(delay, 2), sig.name, proc.returncode, f"{elapsed:.2f} s", state, flush=True)
    return bad


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]), int(sys.argv[2])))
