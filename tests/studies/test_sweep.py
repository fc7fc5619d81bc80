"""ncgain.sweeps: distributed == serial (bit-identical), resume, worker death, refusals."""

import dataclasses
import os
import signal
import time

import numpy as np
import pytest
import xarray as xr

from ncgain import kinetics, models
from ncgain import cli
from ncgain import sweeps as sw

TYPE_II = models.presets.TYPE_II_CDS_ZNSE
#: Spectra on a small Monte Carlo ensemble: every point draws random numbers.
SPECTRA = {"mean_excitons": [0.5, 1.5], "times": [0.0, 3.0, 300.0],
           "energies": [2.00, 2.05, 2.10, 2.16], "method": "monte-carlo",
           "n_nanocrystals": 20_000, "energy_bins": 4}


@pytest.fixture(scope="module")
def client():
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None,
                                       scheduler_kwargs={"dashboard_address": ":0"},
                                       env={"NUMBA_NUM_THREADS": "1"},
                                       silence_logs=50)
    c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()


def _spectra_sweep(**kw):
    return sw.Sweep(TYPE_II, {"linewidth": [0.05, 0.07, 0.09], "delta_xx": [0.08, 0.12]},
                    "spectra", options=SPECTRA, seed=kw.pop("seed", 11), **kw)


def _serial_reference(sweep):
    """Point by point with plain kinetics calls, no sweep machinery."""
    out = []
    for i in range(sweep.n_points):
        sample = dataclasses.replace(TYPE_II, **sweep.coordinates(i))
        o = sweep.options
        out.append(kinetics.simulate_pulsed(
            sample, o["mean_excitons"], o["times"], energies=o["energies"],
            n_nanocrystals=o["n_nanocrystals"], seed=sw.point_seed(sweep.seed, i),
            method="monte-carlo", energy_bins=o["energy_bins"]))
    return out


def _assert_equals_reference(ds, sweep, reference):
    stacked = ds.stack(pt=sweep.dims)
    for i, ref in enumerate(reference):
        got = stacked.isel(pt=i)
        for k, v in sweep.coordinates(i).items():
            assert float(got[k]) == v
        for name in ("absorption", "bleach", "pl", "mean_excitons_t", "alpha0"):
            np.testing.assert_array_equal(got[name].values, ref[name].values, err_msg=name)
        n = ref.sizes["excitons"]
        np.testing.assert_array_equal(got.population.values[..., :n], ref.population.values)
        assert not got.population.values[..., n:].any()


def test_point_seed_is_the_seed_sequence_child():
    for seed, index in ((0, 0), (5, 3), (2 ** 40, 17)):
        child = np.random.SeedSequence(seed).spawn(index + 1)[index]
        assert sw.point_seed(seed, index) == int(child.generate_state(1, np.uint64)[0] >> 1)
    assert len({sw.point_seed(1, i) for i in range(1000)}) == 1000


def test_distributed_sweep_equals_serial_point_by_point(client, tmp_path):
    sweep = _spectra_sweep()
    ds = sw.run(sweep, tmp_path / "store", scheduler=client)
    assert ds.absorption.dims == ("linewidth", "delta_xx", "mean_excitons", "time", "energy")
    _assert_equals_reference(ds, sweep, _serial_reference(sweep))
    # The same dataset from the netCDF file, and from the serial path of the machinery.
    with xr.open_dataset(tmp_path / "store" / "sweep.nc") as disk:
        xr.testing.assert_identical(disk.load(), ds)
    serial = sw.run(sweep, tmp_path / "serial", scheduler="serial")
    xr.testing.assert_identical(serial, ds)
    for name in sweep.fields:
        assert ds[name].attrs["units"] == "eV" and ds[name].attrs["long_name"]
    assert models.Sample.from_json(ds.attrs["sample_0"]) == TYPE_II
    assert ds.attrs["sweep_hash"] == sweep.hash


def test_monte_carlo_threshold_sweep_is_bit_identical(client, tmp_path):
    opts = {"time": [3.0], "method": "monte-carlo", "n_nanocrystals": 1000}
    sweep = sw.Sweep(TYPE_II, {"delta_xx": [0.05, 0.1, 0.15]}, "threshold", options=opts,
                     seed=3)
    ds = sw.run(sweep, tmp_path, scheduler=client)
    for i, d in enumerate(sweep.vary["delta_xx"]):
        ref = kinetics.gain_threshold(dataclasses.replace(TYPE_II, delta_xx=d), time=3.0,
                                      method="monte-carlo", n_nanocrystals=1000,
                                      seed=sw.point_seed(3, i), energy_bins=1)
        got = ds.sel(delta_xx=d, time=3.0, probe="E_X", loss_fraction=0.0)
        assert float(got.threshold) == float(ref)
        assert float(got.threshold_energy) == ref.energy
        assert float(got.threshold_stderr) == ref.stderr > 0


def test_resume_after_interruption_gives_the_identical_dataset(client, tmp_path):
    sweep = _spectra_sweep(seed=12)
    complete = sw.run(sweep, tmp_path / "a", scheduler=client)
    done = []

    def interrupt(index):
        done.append(index)
        if len(done) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        sw.run(sweep, tmp_path / "b", scheduler=client, _after_point=interrupt)
    stored = sw.open_store(tmp_path / "b", sweep)["done"]
    assert 2 <= stored < sweep.n_points
    assert not (tmp_path / "b" / "sweep.nc").exists()
    # A temporary file left by a run killed mid-write is never taken for a point.
    (tmp_path / "b" / "points" / ".p0000005.abc.tmp").write_bytes(b"half a point")
    recomputed = []
    resumed = sw.run(sweep, tmp_path / "b", scheduler=client, _after_point=recomputed.append)
    assert len(recomputed) == sweep.n_points - stored
    assert set(recomputed).isdisjoint(done)
    xr.testing.assert_identical(resumed, complete)
    with xr.open_dataset(tmp_path / "a" / "sweep.nc") as a, \
            xr.open_dataset(tmp_path / "b" / "sweep.nc") as b:
        xr.testing.assert_identical(a.load(), b.load())
    assert not list((tmp_path / "b" / "points").glob(".*.tmp"))
    # Nothing is missing any more: a third run computes nothing.
    again = []
    sw.run(sweep, tmp_path / "b", scheduler="serial", _after_point=again.append)
    assert again == []


def test_killing_a_worker_mid_sweep_loses_nothing(client, tmp_path):
    opts = {**SPECTRA, "n_nanocrystals": 400_000}
    sweep = sw.Sweep(TYPE_II, {"linewidth": [0.05, 0.06, 0.07, 0.08, 0.09, 0.1]}, "spectra",
                     options=opts, seed=13)
    before = client.run(os.getpid)
    killed = []

    def kill_one(index):
        if not killed:
            # A worker that is computing a point right now.
            busy = {addr: keys for addr, keys in client.processing().items() if keys}
            addr = next(iter(busy))
            os.kill(before[addr], signal.SIGKILL)
            killed.append((before[addr], busy[addr]))

    ds = sw.run(sweep, tmp_path, scheduler=client, _after_point=kill_one)
    pid, lost = killed[0]
    assert lost                                 # it held at least one point when it died
    client.wait_for_workers(2, timeout=60)
    after = client.run(os.getpid)
    assert pid not in after.values()            # the nanny replaced the dead worker
    reference = [sw.compute_point(sweep, i) for i in range(sweep.n_points)]
    stacked = ds.stack(pt=sweep.dims)
    for i, ref in enumerate(reference):
        for name in ("absorption", "pl", "mean_excitons_t"):
            np.testing.assert_array_equal(stacked[name].isel(pt=i).values, ref[name])


@pytest.mark.parametrize("vary, options, message", [
    ({"linewdith": [0.05]}, {}, "unknown Sample field 'linewdith'"),
    ({"linewidth": []}, {}, "empty grid"),
    ({"linewidth": [0.05, np.nan]}, {}, "finite"),
    ({"linewidth": [0.05, 0.05]}, {}, "repeated"),
    ({"linewidth": [0.05]}, {"mean_excitons": [1.0]}, "takes no option"),
    ({"linewidth": [0.05]}, {"loss_fraction": [-1.0]}, r"loss_fraction = \[-1.0\]"),
    ({"linewidth": [0.05]}, {"loss": [50.0]}, r"loss = \[50.0\] is a modal loss in cm\^-1 "
                                              "and needs film"),
    ({"degeneracy": [2.5]}, {}, "integers"),
])
def test_bad_definitions_are_refused(vary, options, message):
    with pytest.raises(ValueError, match=message):
        sw.Sweep(TYPE_II, vary, "threshold", options=options)


def test_invalid_point_is_reported_with_its_coordinates_before_any_work(tmp_path):
    # The preset's homogeneous width is 0.02 eV, so Gamma = 0.01 eV is not a valid sample.
    sweep = sw.Sweep(TYPE_II, {"delta_xx": [0.1, 0.2], "linewidth": [0.06, 0.01]})
    with pytest.raises(ValueError, match=r"point 1 \(delta_xx = 0.1, linewidth = 0.01\): "
                                         r"homogeneous_linewidth"):
        sw.run(sweep, tmp_path / "store", scheduler="serial")
    assert not (tmp_path / "store").exists()
    # A probe energy outside a point's band is a per-point error too.
    sweep = sw.Sweep(TYPE_II, {"linewidth": [0.06, 0.03]}, "threshold",
                     options={"energy": [2.3]})
    with pytest.raises(ValueError, match=r"point 1 \(linewidth = 0.03\): energy = 2.3"):
        sweep.point_samples()
    with pytest.raises(ValueError, match="equal length"):
        sw.Sweep(TYPE_II, {"linewidth": [0.05, 0.06], "delta_xx": [0.1]}, grid="points")
    with pytest.raises(ValueError, match="observable"):
        sw.Sweep(TYPE_II, {"linewidth": [0.05]}, "lasing")


def test_dispersed_sample_fields_are_refused():
    dispersed = models.Sample.from_core_shell("CdS", "ZnSe", 1.6, 2.0, size_dispersion=0.05,
                                              n_size_classes=3)
    with pytest.raises(ValueError, match="size classes"):
        sw.Sweep(dispersed, {"delta_xx": [0.1]})


def test_core_shell_sweep_of_size_dispersion(tmp_path):
    base = sw.CoreShell("CdS", "ZnSe", 1.6, 2.0, n_size_classes=3)
    sweep = sw.Sweep(base, {"size_dispersion": [0.0, 0.1]}, "threshold",
                     options={"time": [500.0]})
    ds = sw.run(sweep, tmp_path, scheduler="serial")
    assert ds.size_dispersion.attrs["units"] == "1"
    for s in sweep.vary["size_dispersion"]:
        ref = kinetics.gain_threshold(models.Sample.from_core_shell(
            "CdS", "ZnSe", 1.6, 2.0, size_dispersion=s, n_size_classes=3), time=500.0,
            energy_bins=1)
        assert float(ds.threshold.sel(size_dispersion=s).squeeze()) == float(ref)


def test_mismatched_store_is_refused(tmp_path):
    sweep = sw.Sweep(TYPE_II, {"linewidth": [0.05, 0.07]}, "threshold")
    sw.run(sweep, tmp_path / "s", scheduler="serial")
    other = sw.Sweep(TYPE_II, {"linewidth": [0.05, 0.08]}, "threshold",
                     options={"time": [10.0]})
    with pytest.raises(ValueError, match=r"holds a different sweep .*differing: vary, "
                                         r"options.time\)"):
        sw.run(other, tmp_path / "s", scheduler="serial")
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "notes.txt").write_text("mine")
    with pytest.raises(ValueError, match="not empty and holds no sweep"):
        sw.run(sweep, tmp_path / "x", scheduler="serial")


def test_points_grid(tmp_path):
    sweep = sw.Sweep(TYPE_II, {"linewidth": [0.05, 0.08], "homogeneous_linewidth": [0.0, 0.03]},
                     "threshold", grid="points")
    ds = sw.run(sweep, tmp_path, scheduler="serial")
    assert ds.threshold.dims[0] == "point"
    np.testing.assert_array_equal(ds.homogeneous_linewidth.values, [0.0, 0.03])
    ref = kinetics.gain_threshold(dataclasses.replace(TYPE_II, linewidth=0.08,
                                                      homogeneous_linewidth=0.03), time=3.0,
                                  energy_bins=1)
    assert float(ds.threshold.isel(point=1).squeeze()) == float(ref)


def test_cli_sweep_on_a_scheduler_address_and_resume(client, tmp_path, capsys):
    args = ["sweep", "--preset", "type-ii", "--vary", "linewidth=0.04:0.08:3",
            "--observable", "threshold", "--time", "3,300", "--energy", "E_X,any",
            "--out", str(tmp_path / "out"), "--quiet"]
    assert cli.main(args + ["--scheduler", client.scheduler.address]) == 0
    text = capsys.readouterr().out
    assert "3 points (0 already stored)" in text and "sweep.nc" in text
    with xr.open_dataset(tmp_path / "out" / "sweep.nc") as ds:
        assert ds.threshold.dims == ("linewidth", "time", "probe", "loss_fraction")
        assert list(ds.probe.values) == ["E_X", "any"]
    assert cli.main(args + ["--scheduler", "serial"]) == 0
    assert "3 points (3 already stored)" in capsys.readouterr().out
    assert cli.main(args[:-3] + ["--loss-fraction", "0.05", "--out", str(tmp_path / "out"),
                                 "--scheduler", "serial"]) == 2
    assert "different sweep" in capsys.readouterr().err
    assert cli.main(["sweep", "--vary", "linewidth=0.05", "--out", str(tmp_path / "o2"),
                     "--mean-excitons", "1"]) == 2
    assert "takes no option" in capsys.readouterr().err


def test_cw_threshold_observable_equals_direct_calls(tmp_path):
    sweep = sw.Sweep(TYPE_II, {"delta_xx": [0.05, 0.1]}, "cw-threshold",
                     options={"energy": ["E_X", "any"]})
    ds = sw.run(sweep, tmp_path, scheduler="serial")
    for d in sweep.vary["delta_xx"]:
        sample = dataclasses.replace(TYPE_II, delta_xx=d)
        for probe, energy in (("E_X", None), ("any", "any")):
            got = ds.sel(delta_xx=d, probe=probe, loss_fraction=0.0)
            try:
                ref = kinetics.cw_threshold(sample, energy=energy)
            except kinetics.NoGainError:
                assert np.isinf(float(got.cw_threshold))
                continue
            assert float(got.cw_threshold) == float(ref)
            assert float(got.cw_threshold_intensity) == float(
                np.ravel(kinetics.pump_intensity(float(ref), sample))[0])


def test_ctrl_c_on_the_command_line_stops_cleanly_and_resumes(tmp_path):
    """SIGINT to the whole process group (what a terminal's Ctrl-C does), local cluster."""
    import subprocess
    import sys

    out = tmp_path / "out"
    args = [sys.executable, "-m", "ncgain.cli", "sweep", "--preset", "type-ii",
            "--vary", "linewidth=0.04:0.1:12", "--observable", "spectra",
            "--mean-excitons", "0.5,1", "--times", "0,3", "--energies", "2.0,2.05,2.1",
            "--n-nanocrystals", "1000000", "--workers", "2", "--out", str(out)]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    start = time.monotonic()
    while not list(out.glob("points/p*.npz")) and time.monotonic() - start < 120:
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=120)
    stored = len(list(out.glob("points/p*.npz")))
    if proc.returncode == 0:  # the sweep finished before the signal arrived
        pytest.skip("the sweep finished before the interrupt")
    assert proc.returncode == 130, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr, stderr
    assert f"{stored} of 12 points are stored" in stderr
    assert 1 <= stored < 12 and not (out / "sweep.nc").exists()
    assert not (out / ".lock").exists()
    rerun = args[3:]
    i = rerun.index("--workers")
    del rerun[i:i + 2]  # the same sweep, resumed in-process
    assert cli.main(rerun + ["--scheduler", "serial", "--quiet"]) == 0
    with xr.open_dataset(out / "sweep.nc") as ds:
        assert ds.sizes["linewidth"] == 12


# ------------------------------------------------------------------ issue 20: limits, early
# validation, a failed start leaves nothing behind, a real scheduler in CI

def test_point_and_work_limits_are_refused_at_once_from_the_axis_lengths():
    axis = list(np.linspace(0.03, 0.2, 10_000))
    start = time.monotonic()
    with pytest.raises(ValueError, match=r"vary: threshold sweep of 1e\+12 points "
                                         r"\(delta_xx 10000 x linewidth 10000 x tau_xx "
                                         r"10000\) exceeds the limit of 100000 points"):
        sw.Sweep(TYPE_II, {"delta_xx": axis, "linewidth": axis,
                           "tau_xx": list(np.linspace(10, 100, 10_000))})
    with pytest.raises(ValueError, match="1e\\+06 points .* exceeds the limit"):
        sw.Sweep(TYPE_II, {"delta_xx": axis[:1000], "tau_xx": axis[:1000]})
    with pytest.raises(ValueError, match=r"work estimate: 100 points x 2\.4e\+07 core-s per "
                                         r"point = .* core-hours, more than the limit of "
                                         r"1000 core-hours"):
        sw.Sweep(TYPE_II, {"delta_xx": axis[:100]}, "threshold",
                 options={"method": "monte-carlo", "n_nanocrystals": 10 ** 12})
    assert time.monotonic() - start < 1.0


@pytest.mark.parametrize("observable, options, message", [
    ("threshold", {"time": [3.0, 2e12]}, r"time = .* allowed range \[0, 1e12\] ps"),
    ("threshold", {"max_mean_excitons": [1, 2]}, r"max_mean_excitons = \[1, 2\] must be one "
                                                 r"real number"),
    ("threshold", {"max_mean_excitons": 100.0}, r"max_mean_excitons = 100.0 is outside the "
                                                r"allowed range \[1e-06, 50\]"),
    ("threshold", {"max_mean_excitons": 0.0}, r"max_mean_excitons = 0.0 is outside"),
    ("cw-threshold", {"max_generation_rate": -1.0}, r"max_generation_rate = -1.0 is outside "
                                                    r"the allowed range \(0, inf\]"),
    ("cw-threshold", {"max_generation_rate": "1e3"}, "must be one real number"),
])
def test_options_are_refused_when_the_sweep_is_defined(observable, options, message):
    with pytest.raises(ValueError, match=message):
        sw.Sweep(TYPE_II, {"delta_xx": [0.1]}, observable, options=options)


@pytest.mark.parametrize("observable, options, message", [
    ("cw-threshold", {"max_generation_rate": 1e6},
     r"point 0 \(delta_xx = 0.1\): max_generation_rate = 1000000.0 1/ps is outside the "
     r"allowed range \(0, [0-9.]+\] 1/ps of this sample"),
    ("spectra", {"mean_excitons": list(np.linspace(0.1, 5, 1000)),
                 "times": list(np.linspace(0, 1000, 10_000)),
                 "energies": list(np.linspace(2.0, 2.2, 10_000))},
     r"point 0 \(delta_xx = 0.1\): spectra sweep point \(kinetics.simulate_pulsed\) would "
     r"need about .* GiB of memory .* shrink"),
    ("threshold", {"method": "monte-carlo", "n_nanocrystals": 10 ** 9},
     r"point 0 \(delta_xx = 0.1\): threshold sweep point \(kinetics.gain_threshold\) .*"
     r"NC-events.*n_nanocrystals"),
])
def test_point_checks_run_on_the_client_before_any_store(tmp_path, observable, options,
                                                         message):
    sweep = sw.Sweep(TYPE_II, {"delta_xx": [0.1]}, observable, options=options)
    with pytest.raises(ValueError, match=message):
        sw.run(sweep, tmp_path / "store", scheduler="serial")
    assert not (tmp_path / "store").exists()


@pytest.mark.parametrize("address, message", [
    ("foo", "is not a dask scheduler address"),
    ("xyz://host:1", "is not a dask scheduler address"),
    ("tcp://127.0.0.1:1", "cannot connect"),
])
def test_bad_scheduler_address_is_reported_before_the_store_exists(tmp_path, capsys,
                                                                   address, message):
    args = ["sweep", "--vary", "delta_xx=0.05,0.1", "--quiet", "--out",
            str(tmp_path / "out"), "--scheduler", address]
    assert cli.main(args) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1, err
    assert not (tmp_path / "out").exists()


def test_a_failed_start_leaves_nothing_that_blocks_the_corrected_command(tmp_path,
                                                                         monkeypatch):
    from ncgain.sweeps import runner

    def fail(*args, **kwargs):
        raise RuntimeError("the cluster did not start")

    sweep = sw.Sweep(TYPE_II, {"delta_xx": [0.05, 0.1]})
    monkeypatch.setattr(runner, "_compute_missing", fail)
    with pytest.raises(RuntimeError, match="did not start"):
        sw.run(sweep, tmp_path / "new", scheduler="serial")
    assert not (tmp_path / "new").exists()
    (tmp_path / "empty").mkdir()
    with pytest.raises(RuntimeError):
        sw.run(sweep, tmp_path / "empty", scheduler="serial")
    assert (tmp_path / "empty").is_dir() and not list((tmp_path / "empty").iterdir())
    monkeypatch.undo()
    ds = sw.run(sweep, tmp_path / "new", scheduler="serial")  # the same folder, now it works
    assert ds.sizes["delta_xx"] == 2


@pytest.mark.parametrize("core_shell, message", [
    ("core=CdS,shell=ZnSe", "missing core_radius, shell_width"),
    ("core=CdS,shell=ZnSe,core_radius=1.6,shell_width=2,colour=3", "unknown key"),
])
def test_cli_core_shell_errors_are_one_line(tmp_path, capsys, core_shell, message):
    assert cli.main(["sweep", "--core-shell", core_shell, "--vary", "size_dispersion=0,0.1",
                     "--scheduler", "serial", "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1, err


#: Address of an external dask scheduler with 2 workers (``.ci/run`` starts one).
EXTERNAL = os.environ.get("NCGAIN_TEST_SCHEDULER")


@pytest.mark.skipif(not EXTERNAL, reason="NCGAIN_TEST_SCHEDULER is not set: no external dask "
                    "scheduler to test against (.ci/run starts one with 2 workers)")
def test_sweep_on_an_external_scheduler_equals_serial(tmp_path, capsys):
    distributed = pytest.importorskip("distributed")
    with distributed.Client(EXTERNAL, timeout="30s") as c:
        assert len(c.scheduler_info()["workers"]) == 2
    sweep = _spectra_sweep()
    ds = sw.run(sweep, tmp_path / "api", scheduler=EXTERNAL)
    _assert_equals_reference(ds, sweep, _serial_reference(sweep))
    args = ["sweep", "--preset", "type-ii", "--vary", "linewidth=0.04:0.08:3", "--time",
            "3,300", "--quiet", "--out", str(tmp_path / "cli")]
    assert cli.main(args + ["--scheduler", EXTERNAL]) == 0
    assert f"on {EXTERNAL}" in capsys.readouterr().out
    with xr.open_dataset(tmp_path / "cli" / "sweep.nc") as ds:
        serial = sw.run(sw.Sweep(TYPE_II, {"linewidth": [float(v) for v in ds.linewidth]},
                                 options={"time": [3.0, 300.0]}), tmp_path / "ser",
                        scheduler="serial")
        np.testing.assert_array_equal(ds.threshold.values, serial.threshold.values)
@pytest.mark.parametrize("n_missing, workers, size", [(64, 2, 8), (6, 2, 1), (1000, 2, 16),
                                                      (9, 1, 2), (0, 2, 1)])
def test_points_are_batched_into_a_few_tasks_per_worker(n_missing, workers, size):
    from ncgain.sweeps.runner import _batches
    missing = list(range(3, 3 + n_missing))
    batches = _batches(missing, workers)
    assert [i for b in batches for i in b] == missing       # every point once, in order
    assert all(len(b) == size for b in batches[:-1]) and all(len(b) <= size for b in batches)


def _worker_environ(names):
    return {k: os.environ.get(k) for k in names}


def test_the_embedded_cluster_leaves_this_process_environment_as_it_was(monkeypatch):
    # dask's Nanny writes its pre-spawn variables into os.environ and leaves them there;
    # every process spawned later inherited MALLOC_TRIM_THRESHOLD_ (the stripe's pool
    # workers ran 3x slower). The workers still get them; this process keeps its own.
    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_", raising=False)
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    before = dict(os.environ)
    names = ("MALLOC_TRIM_THRESHOLD_", "OPENBLAS_NUM_THREADS")
    with sw.local_cluster(workers=1) as client:
        assert dict(os.environ) == before
        seen = client.run(_worker_environ, names)
    assert dict(os.environ) == before
    (worker_env,) = seen.values()
    assert worker_env["OPENBLAS_NUM_THREADS"] == "1"
    assert worker_env["MALLOC_TRIM_THRESHOLD_"] is not None
