"""The cavity section of the benchmark script runs and reports consistent figures."""

import json

from ncgain.benchmarks import command as benchmark


def test_cavity_benchmark_smoke(tmp_path, capsys):
    out = tmp_path / "cavity.json"
    assert benchmark.main(["--cavity", "--smoke", "--out", str(out)]) == 0
    res = json.loads(out.read_text())
    assert res["steps"] > 0 and res["events"] > 0
    assert res["nc_steps_per_s"] == res["n_nanocrystals"] * res["steps"] / res["seconds"]
    assert res["twin_seconds"] > 0 and res["bytes_per_nc"] == 22
    mem = res["memory"]
    assert mem["n_nanocrystals"] == 20_000 and mem["peak_mib"] >= mem["baseline_mib"]
    text = capsys.readouterr().out
    assert "NC-steps/s" in text and "load average" in text and "bytes per NC" in text
