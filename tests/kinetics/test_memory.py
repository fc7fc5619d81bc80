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
