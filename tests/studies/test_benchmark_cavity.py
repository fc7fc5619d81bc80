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


def test_cavity_scaling_smoke_restores_the_kernels():
    from ncgain.benchmarks import field as bfield
    from ncgain.kinetics.field import _kernels, cavity_monte_carlo
    res = bfield.cavity_scaling([2000, 4000], t_end=1.0)
    assert [r["n_nanocrystals"] for r in res] == [2000, 4000]
    assert all(r["steps"] > 0 and 0 < r["kernel_seconds"] <= r["seconds"] for r in res)
    assert cavity_monte_carlo._field_kernels is _kernels     # the timing wrapper is gone
