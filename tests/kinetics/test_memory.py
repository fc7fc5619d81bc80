"""Memory is estimated before any work (issue 12, item 5)."""

import numpy as np
import pytest

from ncgain import kinetics, models
from ncgain.kinetics import memory, observables, pulsed
from ncgain.models import lineshapes


def test_too_large_problem_refused_before_any_work_naming_the_dimension(monkeypatch):
    def no_work(*args, **kwargs):
        raise AssertionError("work started before the memory check")
    monkeypatch.setattr(observables, "line_kernels", no_work)
    with pytest.raises(ValueError, match=r"shrink energies \(200000 values\)"):
        kinetics.simulate_pulsed("type-ii", np.linspace(0.1, 3, 100), np.linspace(0, 1e3, 1000),
                                 energies=np.linspace(2.0, 2.1, 200_000))


def test_memory_check_uses_the_available_memory(monkeypatch):
    monkeypatch.setattr(memory, "available_bytes", lambda: 10 * 2 ** 20)   # 10 MiB left
    with pytest.raises(ValueError, match=r"shrink times \(5000 values\)"):
        kinetics.simulate_pulsed("type-ii", [0.5, 1.0], np.linspace(0, 1e3, 5000),
                                 method="master-equation")
    with pytest.raises(ValueError, match="memory"):
        kinetics.gain_threshold("type-ii", energy="any")
    monkeypatch.undo()
    assert kinetics.simulate_pulsed("type-ii", [0.5], [0.0], method="master-equation").sizes


def test_per_thread_counts_bounded():
    small = (2, 3, 1, 5, 16)
    assert pulsed.count_parts(small) >= 1
    huge = (100, 1000, 1, 12, 16)      # 150 MB per part: at most one or two parts in parallel
    assert pulsed.count_parts(huge) * 8 * np.prod(huge) <= max(
        pulsed.PER_THREAD_COUNTS_BUDGET, 8 * np.prod(huge))


def test_narrow_lorentzian_table_memory_is_flat(monkeypatch):
    # The integrand table is built in blocks: with gamma = 1e-5 eV (step gamma / 8) a
    # single block would hold 241 x 1e5 values; record the largest one actually built.
    largest = []
    real = lineshapes.lorentzian

    def spy(x, width):
        out = real(x, width)
        largest.append(np.size(out))
        return out
    monkeypatch.setattr(lineshapes, "lorentzian", spy)
    x = np.linspace(-0.1, 0.1, 241)
    lines = lineshapes.binned_ensemble_line(x, 0.05, "lorentzian", 1e-5, 4)
    assert max(largest) <= lineshapes.BLOCK_ELEMENTS + 65 * 241
    # Still the right line: the bins average to the Voigt profile.
    assert np.allclose(lines.mean(axis=0), lineshapes.voigt(x, 0.05, 1e-5), rtol=1e-6)


def test_cw_memory_checked_before_work(monkeypatch):
    monkeypatch.setattr(memory, "available_bytes", lambda: 10 * 2 ** 20)   # 10 MiB left
    with pytest.raises(ValueError, match=r"simulate_cw .* shrink times \(20000 values\)"):
        kinetics.simulate_cw("type-ii", [0.001], np.linspace(0, 1e3, 20_000))


# -- photon field and Monte Carlo work (issue 20, item 1) -----------------------------------

from ncgain.kinetics.field import _coupling  # noqa: E402

FILM = models.Film(absorption_coefficient=2000.0, confinement_factor=0.5, loss=10.0)


@pytest.fixture
def no_coupling(monkeypatch):
    """Fail if the coupling matrices (the first large allocation) are built."""
    def no_work(*args, **kwargs):
        raise AssertionError("coupling matrices built before the size check")
    monkeypatch.setattr(_coupling, "coupling_matrices", no_work)


@pytest.mark.parametrize("method", ["rate-equations", "monte-carlo"])
def test_cavity_issue_case_refused_before_the_coupling_matrices(no_coupling, method):
    # issue 20: 1024 channels x 201 states x 2000 bins tried a 3.07 GiB array per matrix
    with pytest.raises(ValueError, match=r"simulate_cavity .*shrink energy_bins \(2000"):
        kinetics.simulate_cavity("type-ii", FILM, models.Cavity(photon_lifetime=5, channels=1024),
                                 [0.0, 100.0], generation_rate=[1e-3], n_max=200,
                                 energy_bins=2000, method=method)


def test_cavity_records_refused_naming_times(no_coupling):
    # issue 20: 1e6 record times x 1000 rates
    with pytest.raises(ValueError, match=r"simulate_cavity would need about .* GiB of memory "
                                         r".*shrink times \(1000000 values\)"):
        kinetics.simulate_cavity("type-ii", FILM, models.Cavity(photon_lifetime=5),
                                 np.linspace(0, 1e4, 10 ** 6),
                                 generation_rate=np.linspace(0, 1e-2, 1000),
                                 method="rate-equations")


def test_cavity_monte_carlo_memory_uses_the_available_memory(no_coupling, monkeypatch):
    monkeypatch.setattr(memory, "available_bytes", lambda: 2 ** 30)
    need = 10 ** 8 * 22 / 2 ** 30
    assert need > memory.FRACTION_USABLE
    with pytest.raises(ValueError, match=r"shrink n_nanocrystals \(100000000 values\)"):
        kinetics.simulate_cavity("type-ii", FILM, models.Cavity(photon_lifetime=5), [0.0, 10.0],
                                 generation_rate=[1e-3], n_nanocrystals=10 ** 8)


def test_cavity_monte_carlo_steps_refused(no_coupling, monkeypatch):
    # 1e9 NCs fit into 1 TiB but 1e9 x (1e5 ps / dt) NC-steps are beyond the work limit
    monkeypatch.setattr(memory, "available_bytes", lambda: 2 ** 40)
    with pytest.raises(ValueError, match=r"NC-steps of work .*WORK_LIMITS\['NC-steps'\]"
                                         r".*shrink n_nanocrystals"):
        kinetics.simulate_cavity("type-ii", FILM, models.Cavity(photon_lifetime=5), [0.0, 1e5],
                                 generation_rate=[1e-3], n_nanocrystals=10 ** 9)


def test_stripe_issue_case_refused_before_the_coupling_matrices(no_coupling):
    # issue 20: a 4096-slice, 1024-channel stripe tried 6.28 GiB
    with pytest.raises(ValueError, match=r"simulate_stripe .*state-channels.*shrink slices \(4096"):
        kinetics.simulate_stripe("type-ii", FILM, models.Stripe(length=0.1, slices=4096,
                                                                channels=1024),
                                 [0.0, 100.0], mean_excitons=[1.0])


def test_stripe_rate_equation_memory_checked(no_coupling, monkeypatch):
    monkeypatch.setattr(memory, "available_bytes", lambda: 10 * 2 ** 20)   # 10 MiB left
    with pytest.raises(ValueError, match=r"simulate_stripe would need .* memory .*shrink times"):
        kinetics.simulate_stripe("type-ii", FILM, models.Stripe(length=0.02, slices=8,
                                                                channels=8),
                                 np.linspace(0, 100, 5000), mean_excitons=[1.0])


def test_stripe_monte_carlo_refused_naming_n_nanocrystals(no_coupling):
    with pytest.raises(ValueError, match=r"simulate_stripe .*shrink n_nanocrystals \(1000000"):
        kinetics.simulate_stripe("type-ii", FILM, models.Stripe(length=0.1, slices=4096,
                                                                channels=64),
                                 [0.0, 100.0], mean_excitons=[1.0], method="monte-carlo",
                                 n_nanocrystals=10 ** 6)


def test_cw_and_pulsed_monte_carlo_work_refused(monkeypatch):
    def no_work(*args, **kwargs):
        raise AssertionError("work started before the work check")
    monkeypatch.setattr(observables, "line_kernels", no_work)
    # issue 20: simulate_cw(method="monte-carlo", n_nanocrystals=10**12) ran > 13 min
    with pytest.raises(ValueError, match=r"simulate_cw .*NC-events.*shrink n_nanocrystals"):
        kinetics.simulate_cw("type-ii", [1e-3], method="monte-carlo", n_nanocrystals=10 ** 12)
    with pytest.raises(ValueError, match=r"simulate_pulsed .*NC-events.*shrink n_nanocrystals"):
        kinetics.simulate_pulsed("type-ii", [1.0], [0.0, 10.0], n_nanocrystals=10 ** 12)


def test_work_limit_is_a_setting(monkeypatch):
    monkeypatch.setitem(memory.WORK_LIMITS, "NC-events", 1e3)
    with pytest.raises(ValueError, match=r"limit of 1e\+03"):
        kinetics.simulate_pulsed("type-ii", [1.0], [0.0, 10.0], n_nanocrystals=2000)
    monkeypatch.undo()
    assert kinetics.simulate_pulsed("type-ii", [1.0], [0.0, 10.0], n_nanocrystals=2000).sizes
