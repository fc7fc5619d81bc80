"""The one BLAS thread policy (kinetics.threads) is in force inside the solvers.

Each test replaces a function that a solver calls from inside its linear algebra by a
wrapper that records threadpoolctl's view of the BLAS libraries at that moment, runs
the solver, and compares the recorded thread counts with the policy's limit.
"""

import numpy as np
import pytest
from scipy.linalg import lapack
from threadpoolctl import threadpool_info

from ncgain import kinetics, models
from ncgain.kinetics import cavity, master_equation, threads


def _blas_threads():
    return {i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"}


def _recording(func, seen):
    def wrapper(*args, **kwargs):
        seen.append(_blas_threads())
        return func(*args, **kwargs)
    return wrapper


@pytest.fixture(autouse=True)
def _reset(monkeypatch):
    monkeypatch.delenv(threads.ENV_VAR, raising=False)
    threads.set_blas_threads(None)
    yield
    threads.set_blas_threads(None)


def _stripe():
    film = models.Film(absorption_coefficient=2000.0, confinement_factor=0.5, loss=10.0)
    stripe = models.Stripe(length=0.02, slices=2, channels=8)
    kinetics.simulate_stripe("type-ii", film, stripe, [0.0, 100.0], mean_excitons=[1.0])


def _cavity_twin():
    film = models.Film(absorption_coefficient=500.0, confinement_factor=0.5)
    cav = models.Cavity(photon_lifetime=5.0, channels=8, spontaneous_coupling=1e-3)
    kinetics.simulate_cavity("type-ii", film, cav, [0.0, 40.0], generation_rate=[0.02],
                             method="rate-equations")


def _pulsed_master_equation():
    kinetics.simulate_pulsed("type-ii", mean_excitons=[0.5, 2.0], times=[0.0, 3.0, 100.0],
                             method="master-equation")


def _small_signal():
    cav = models.Cavity(quality_factor=2500.0, channels=8, spontaneous_coupling=1e-4)
    problem = cavity.CavityProblem.build("type-ii", models.Film.close_packed(), cav, [0.0, 1.0],
                                         generation_rate=[1e-3], method="rate-equations",
                                         energy_bins=16)
    cavity.cavity_small_signal(problem, 1e-3)


# (solver, module holding the function it calls, that function's name)
CASES = {
    "stripe twin (BDF, LAPACK gttrf)": (_stripe, lapack, "dgttrf"),
    "cavity twin (BDF, LAPACK gttrf)": (_cavity_twin, lapack, "dgttrf"),
    "pulsed master equation": (_pulsed_master_equation, master_equation, "_expm_triangular"),
    "cavity small signal (eigvals)": (_small_signal, np.linalg, "eigvals"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_solver_runs_under_the_policy_limit(case, monkeypatch):
    solver, module, name = CASES[case]
    seen = []
    monkeypatch.setattr(module, name, _recording(getattr(module, name), seen))
    before = _blas_threads()
    solver()
    assert seen, f"{name} was never called: the test no longer probes the solver"
    assert all(s == {threads.DEFAULT_BLAS_THREADS} for s in seen), seen
    assert _blas_threads() == before      # the libraries' own setting is restored


@pytest.mark.parametrize("how", ["setter", "environment"])
def test_user_override_reaches_the_solver(how, monkeypatch):
    if max(_blas_threads(), default=0) < 2:
        pytest.skip("the BLAS library here runs one thread at most: no override to observe")
    if how == "setter":
        threads.set_blas_threads(2)
    else:
        monkeypatch.setenv(threads.ENV_VAR, "2")
    seen = []
    monkeypatch.setattr(lapack, "dgttrf", _recording(lapack.dgttrf, seen))
    _stripe()
    assert seen and all(s == {2} for s in seen), seen


def test_nested_entries_keep_the_outer_limit_and_restore_once():
    before = _blas_threads()
    with threads.blas_thread_policy() as outer:
        with threads.blas_thread_policy() as inner:
            assert inner == outer == 1 and _blas_threads() == {1}
        assert _blas_threads() == {1}     # the inner exit did not restore
    assert _blas_threads() == before


@pytest.mark.parametrize("bad", [0, -1, 2.5, "two", True, 10_000])
def test_bad_thread_counts_raise(bad, monkeypatch):
    with pytest.raises(ValueError, match=r"threads = .* must be an integer number of threads"):
        threads.set_blas_threads(bad)
    monkeypatch.setenv(threads.ENV_VAR, str(bad))
    with pytest.raises(ValueError, match="NCGAIN_BLAS_THREADS"):
        _pulsed_master_equation()
