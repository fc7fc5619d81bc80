"""Peak memory of one photon-field run against its estimate (issue 20, the calibration).

Runs ``simulate_cavity`` or ``simulate_stripe`` once for a small warm-up, then the case
given as JSON, and prints the peak RSS growth beside ``kinetics.memory``'s estimate::

    python scripts/measure_field_memory.py '{"kind": "cavity", "channels": 256,
        "generation_rate": [1e-3], "method": "rate-equations", "n_max": 40,
        "energy_bins": 1000}'

Keys: ``kind`` ("cavity" or "stripe"), ``channels``, ``slices`` (stripe), ``n_times`` and
``t_end`` (record times, default 2 over 100 ps); the rest are passed to the entry point.
The coefficients in ``kinetics/memory.py`` come from such runs (docs/reliability.md).
"""
import resource, sys, time, json
import numpy as np
from ncgain import kinetics, models
import ncgain.kinetics.memory as memory
seen = {}
real = memory.check_fits
def spy(estimate, dims, *, what):
    seen["estimate"] = estimate; seen["dims"] = dims
    return real(estimate, dims, what=what)
memory.check_fits = spy
case = json.loads(sys.argv[1])
def rss():
    return int(open("/proc/self/statm").read().split()[1]) * 4096
# warm-up (numba compile, imports)
film = models.Film(absorption_coefficient=2000.0, confinement_factor=0.5, loss=10.0)
kind = case.pop("kind")
times = np.linspace(0, case.pop("t_end", 100.0), case.pop("n_times", 2))
if kind == "cavity":
    cav = models.Cavity(photon_lifetime=5.0, channels=case.pop("channels"))
    kinetics.simulate_cavity("type-ii", film, models.Cavity(photon_lifetime=5.0, channels=4), [0., 1.], generation_rate=[1e-3], method=case["method"], n_nanocrystals=100, energy_bins=8)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    t0 = time.time()
    ds = kinetics.simulate_cavity("type-ii", film, cav, times, **case)
else:
    st = models.Stripe(length=0.02, slices=case.pop("slices"), channels=case.pop("channels"))
    kinetics.simulate_stripe("type-ii", film, models.Stripe(length=0.02, slices=2, channels=4), [0., 1.], mean_excitons=[1.0], method=case["method"], n_nanocrystals=100, energy_bins=8)
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    t0 = time.time()
    ds = kinetics.simulate_stripe("type-ii", film, st, times, **case)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"peak_MiB": round(peak / 2**20, 1), "base_MiB": round(base / 2**20, 1),
                  "delta_MiB": round((peak - base) / 2**20, 1), "s": round(time.time() - t0, 1),
                  "estimate_MiB": round(seen.get("estimate", float("nan")) / 2**20, 1)}))
