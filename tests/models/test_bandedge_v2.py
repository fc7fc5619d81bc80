"""Band-edge physics v2: Einstein-consistent rates, measured XX lifetime, line lists, charges."""

import dataclasses
import json

import numpy as np
import pytest

from ncgain import kinetics, models
from ncgain.models import HigherTransition, Sample, build_state_table

BASE = dict(name="t", exciton_energy=2.0, delta_xx=0.05, linewidth=0.05, tau_x=1000.0,
            tau_xx=50.0, sigma_pump=1e-15, pump_energy=3.0)


def _einstein_samples():
    """Every preset, charged mixtures of them and samples with extra lines, g = 1 ... 4."""
    out = list(models.presets.PRESETS.values())
    out += [p.with_resident_electrons({0: 0.5, 1: 0.3, 2: 0.2})
            for p in models.presets.PRESETS.values()]
    for g in (1, 2, 3, 4):
        s = Sample(**BASE, degeneracy=g, xx_absorption_width=0.03,
                   higher_transitions=[(0.15, 2.0, 0.02, -0.01)])
        out += [s, s.with_resident_electrons([0.4] + [0.6 / g] * g)]
    for levels in ((), ((0.0, 2, 0.0), (0.010, 2, 1.0)), ((0.0, 1, 0.5), (0.005, 3, 1.0))):
        eh = Sample(**BASE, state_model="electron-hole", hole_degeneracy=4, hole_levels=levels,
                    temperature=77.0, higher_transitions=[(0.1, 1.0, 0.02)])
        out += [eh, eh.with_resident_electrons([0.5, 0.25, 0.25])]
    return out


@pytest.mark.parametrize("sample", _einstein_samples(), ids=lambda s: s.name[:20])
def test_einstein_relation_holds_for_every_state(sample):
    """k_rad(c, n) tau_x = (emission strength of the state) / (that of a neutral X)."""
    t = build_state_table(sample, 8)
    tau_x = np.array([c.tau_x for _, c in sample.size_classes()])[:, None]
    assert np.allclose(t.radiative_rate * tau_x, t.radiative_strength_ratio(), rtol=1e-14,
                       atol=0)


def _reciprocity_samples():
    eh = dataclasses.replace(models.presets.TYPE_I_CDSE_FINE_STRUCTURE, xx_absorption_width=0.04)
    return [s for s in _einstein_samples() if s.xx_absorption_width is not None] + [
        eh, eh.with_resident_electrons([0.5, 0.5]),
        dataclasses.replace(models.presets.TYPE_II_CDS_ZNSE, xx_absorption_width=0.05,
                            stokes_shift=0.03)]


@pytest.mark.parametrize("sample", _reciprocity_samples(), ids=lambda s: s.name[:20])
def test_emission_has_the_line_of_its_reverse_absorption(sample):
    """The band-edge emission n+1 -> n and absorption n -> n+1 are one transition: one width.

    Widths of the band-edge lines with non-zero strength, state by state (n = 0: the X line,
    homogeneous_linewidth; n >= 1: the X <-> XX line, xx_absorption_width).
    """
    t = build_state_table(sample, 6)
    nb = t.n_band_edge_absorption_lines
    pairs = {"X": 0, "XX": 0}     # transitions seen both ways, so that the test bites
    for c, (_, cls) in enumerate(sample.size_classes()):
        for n in range(t.absorption_line_strength.shape[1] - 1):
            width = cls.homogeneous_linewidth if n == 0 else cls.xx_absorption_width
            ab = t.absorption_line_width[c, n, :nb][t.absorption_line_strength[c, n, :nb] > 0]
            em = t.emission_line_width[c, n + 1][t.emission_line_strength[c, n + 1] > 0]
            assert np.all(ab == width) and np.all(em == width), (c, n, ab, em)
            pairs["X" if n == 0 else "XX"] += bool(ab.size and em.size)
    assert pairs["X"] >= 1 and (pairs["XX"] >= 1 or sample.degeneracy == 1), pairs


def test_statistical_law_breaks_einstein_relation():
    """The v1 law is kept for comparison and is *not* Einstein-consistent at n = 2."""
    t = build_state_table(Sample(**BASE, radiative_scaling="statistical"), 3)
    ratio = t.radiative_rate * 1000.0 / t.radiative_strength_ratio().clip(1e-300)
    assert ratio[0, 1] == pytest.approx(1.0) and ratio[0, 2] == pytest.approx(2.0)


def test_measured_biexciton_lifetime_is_total():
    s = models.presets.TYPE_II_CDS_ZNSE
    assert s.tau_xx == 130.0 and s.tau_xx_meaning == "total"
    assert s.biexciton_lifetime == pytest.approx(130.0, rel=1e-14)
    # 1/130 = 2/1700 + 1/tau_A
    assert s.auger_time == pytest.approx(1.0 / (1 / 130.0 - 2 / 1700.0), rel=1e-14)
    assert 1.0 / (s.radiative_rate(2) + s.auger_rate(2)) == pytest.approx(130.0, rel=1e-14)
    # The default meaning is the same: tau_xx is the measured total lifetime ...
    t = Sample(**BASE)
    assert t.tau_xx_meaning == "total" and t.biexciton_lifetime == pytest.approx(50.0, rel=1e-14)
    assert t.auger_time == pytest.approx(1.0 / (1 / 50.0 - 2 / 1000.0), rel=1e-14)
    # ... and the Auger reading is available by saying so.
    a = Sample(**BASE, tau_xx_meaning="auger")
    assert a.auger_time == 50.0 and a.biexciton_lifetime == pytest.approx(1 / (2e-3 + 1 / 50))


def test_measured_lifetime_shorter_than_radiative_is_rejected():
    # k_rad(2) = 2/tau_x = 1/500 ps: a measured total lifetime of 600 ps is impossible.
    with pytest.raises(ValueError, match=r"tau_xx = 600.0 ps .*allowed range \(0, 500\) ps"):
        Sample(**{**BASE, "tau_xx": 600.0}, tau_xx_meaning="total")
    with pytest.raises(ValueError, match="tau_xx_meaning = 'measured'"):
        Sample(**BASE, tau_xx_meaning="measured")


@pytest.mark.parametrize("field, value, fragment", [
    ("resident_electrons", 3, "resident_electrons = 3"),
    ("resident_electrons", -1, "resident_electrons = -1"),
    ("resident_electrons", 1.0, "resident_electrons = 1.0"),
    ("higher_transitions", [(0.1, -1.0, 0.02)], "higher_transitions.strength = -1.0"),
    ("higher_transitions", [(0.0, 1.0, 0.02)], "higher_transitions.offset = 0.0"),
    ("higher_transitions", [(0.1, 1.0, -0.02)], "higher_transitions.width = -0.02"),
    ("higher_transitions", [(0.1, 1.0)], "higher_transitions[0]"),
    ("higher_transitions", [{"offset": 0.1, "strength": 1.0, "colour": 1}],
     "higher_transitions[0]"),
    ("xx_absorption_width", -0.01, "xx_absorption_width = -0.01"),
    ("trion_auger_time", 10.0, "trion_auger_time = 10.0"),
    ("trion_auger_time", float("nan"), "trion_auger_time must be finite"),
])
def test_bad_new_fields_raise_naming_the_field(field, value, fragment):
    with pytest.raises(ValueError) as info:
        Sample(**BASE, **{field: value})
    assert fragment in str(info.value)


def test_bad_charge_distributions():
    s = Sample(**BASE)
    with pytest.raises(ValueError, match="resident_electrons = 3"):
        s.with_resident_electrons({0: 0.5, 3: 0.5})
    with pytest.raises(ValueError, match="fractions sum to 0.5"):
        s.with_resident_electrons([0.5])
    with pytest.raises(ValueError, match=r"fractions\[1\] = -0.5"):
        s.with_resident_electrons([0.5, -0.5, 1.0])
    with pytest.raises(ValueError, match="pairwise"):
        Sample(**BASE, resident_electrons=1, auger_scaling="pairwise")
    with pytest.raises(ValueError, match="lorentzian|Lorentzian"):
        Sample(**BASE, homogeneous_lineshape="lorentzian", homogeneous_linewidth=0.01,
               higher_transitions=[(0.1, 1.0, 0.0)])


def test_new_fields_round_trip_json_and_toml(tmp_path):
    s = Sample(**BASE, tau_xx_meaning="total", resident_electrons=1, trion_auger_time=400.0,
               xx_absorption_width=0.03, higher_transitions=[(0.2, 1.5, 0.02, 0.1)])
    assert Sample.from_json(s.to_json()) == s
    assert json.loads(s.to_json())["higher_transitions"][0]["stark_shift"] == 0.1
    mix = s.with_resident_electrons({0: 0.25, 2: 0.75})
    assert Sample.from_json(mix.to_json()) == mix
    path = tmp_path / "s.toml"
    path.write_text('preset = "type-ii"\nresident_electrons = 1\nxx_absorption_width = 0.04\n'
                    "[[higher_transitions]]\noffset = 0.25\nstrength = 0.5\nwidth = 0.03\n")
    t = Sample.from_toml(path)
    assert t.resident_electrons == 1 and t.tau_xx_meaning == "total"
    assert t.higher_transitions == (HigherTransition(0.25, 0.5, 0.03),)


def test_trion_auger_rates_superposition():
    s = Sample(**BASE, resident_electrons=1, tau_xx_meaning="auger")   # tau_A(XX) = 50 ps
    # X-: one eeh triple; equal pathways give tau_A(X-) = 4 tau_A(XX).
    assert s.auger_rate(1) == pytest.approx(1 / 200.0)
    t = dataclasses.replace(s, trion_auger_time=120.0)
    assert t.auger_rate(1) == pytest.approx(1 / 120.0)
    # Neutral rates do not depend on the split: 1/tau_XX = 2/tau_X- + 2/tau_X+.
    n0 = dataclasses.replace(t, resident_electrons=0)
    assert [n0.auger_rate(n) * 50.0 for n in range(5)] == pytest.approx([0, 0, 1, 4.5, 12])
    k_eeh, k_hhe = 1 / 120.0, 1 / 50.0 / 2 - 1 / 120.0
    assert 2 * k_eeh + 2 * k_hhe == pytest.approx(1 / 50.0)


def test_line_list_shapes_padding_and_band_edge_views():
    s = Sample(**BASE, xx_absorption_width=0.03,
               higher_transitions=[(0.15, 2.0, 0.02, -0.01), (0.3, 0.5, 0.04)])
    t = build_state_table(s, 4)
    assert t.absorption_line_strength.shape == (1, 5, 3)
    assert t.emission_line_strength.shape == (1, 5, 1)
    assert np.allclose(t.absorption_strength, [1, 0.5, 0, 0, 0])
    assert np.allclose(t.absorption_line_strength[0, :, 1], 2.0)
    assert np.allclose(t.absorption_line_offset[0, :, 1], 0.15 - 0.01 * np.arange(5))
    assert np.allclose(t.absorption_line_width[0, :, 0], [0, 0.03, 0.03, 0.03, 0.03])
    assert np.allclose(t.absorption_line_width[0, :, 2], 0.04)
    # Charged classes: state filling by resident electrons.
    c = build_state_table(Sample(**BASE).with_resident_electrons([0, 0.5, 0.5]), 3)
    assert np.allclose(c.absorption_strength, [[0.5, 0, 0, 0], [0, 0, 0, 0]])
    assert np.allclose(c.emission_strength, [[0, 0.5, 1, 1], [0, 0.5, 1, 1]])
    assert c.resident_electrons.tolist() == [1, 2]


def test_neutral_two_level_tables_unchanged_by_v2():
    """A sample with only v1 fields gives v1's band-edge lines (the paper's model)."""
    t = build_state_table(Sample(**BASE, stokes_shift=0.01), 4)
    assert np.allclose(t.absorption_strength, [1, 0.5, 0, 0, 0])
    assert np.allclose(t.absorption_offset[0], 0.01 + 0.05 * np.arange(5))
    assert np.allclose(t.emission_offset[0, 1:], [0, 0.05, 0.05, 0.05])
    assert t.absorption_line_strength.shape[2] == 1


@pytest.mark.parametrize("r, expected", [(0, 1.1461932206), (1, 0.5830738760), (2, 0.0)])
def test_charged_poisson_thresholds_exact(r, expected):
    """Two-level, Delta = 0, Poisson at t = 0, gain at E_X: 1.146, 0.583, 0."""
    s = Sample(**{**BASE, "delta_xx": 0.0}, resident_electrons=r)
    assert models.poisson_threshold_charged(r) == pytest.approx(expected, abs=1e-9)
    got = kinetics.gain_threshold(s, time=0.0)
    assert float(got) == pytest.approx(models.poisson_threshold_charged(r), abs=2e-5)


def test_charged_mixture_threshold_against_direct_sum():
    """A 50/50 mixture of r = 0 and r = 1 NCs: root of the weighted alpha(E_X)."""
    from scipy import optimize, stats
    s = Sample(**{**BASE, "delta_xx": 0.0}).with_resident_electrons([0.5, 0.5])
    n = np.arange(100)

    def alpha(lam):
        p = stats.poisson.pmf(n, lam)
        e = np.minimum(n, 2) / 2
        return sum(0.5 * np.dot(p, np.maximum(2 - r - n, 0) / 2 - e) for r in (0, 1))

    exact = optimize.brentq(alpha, 1e-6, 5.0, xtol=1e-12)
    assert float(kinetics.gain_threshold(s)) == pytest.approx(exact, abs=2e-5)
    assert models.poisson_threshold_charged(1) < exact < models.poisson_threshold_charged(0)


def test_charged_monte_carlo_matches_master_equation():
    from tests.kinetics.test_monte_carlo import compare
    s = dataclasses.replace(models.presets.TYPE_I_CDSE).with_resident_electrons([0.5, 0.3, 0.2])
    mc, me = compare(s, [0.3, 1.0], [0.0, 20.0, 200.0], n_nanocrystals=50_000, seed=3)
    assert float(abs(me.population.isel(time=0) - me.population.isel(time=-1)).max()) > 0.05


def test_higher_transition_adds_to_spectra_exactly():
    """alpha_0 with a higher transition = band edge + strength x its ensemble line."""
    s = Sample(**BASE, higher_transitions=[(0.12, 1.5, 0.02, 0.03)])
    e = np.linspace(1.95, 2.1, 7)
    ds = kinetics.simulate_pulsed(s, [0.5], [0.0], energies=e, method="master-equation")
    from ncgain.models import lineshapes
    width = 0.05  # Gaussian lines: ensemble width hypot(inh, gamma) = Gamma for the band edge
    band = lineshapes.gaussian(e - 2.0, width)
    inh = s.inhomogeneous_linewidth
    higher = 1.5 * lineshapes.gaussian(e - 2.12, np.hypot(inh, 0.02))
    peak = lineshapes.gaussian(0.0, width)
    assert np.allclose(ds.alpha0.values, (band + higher) / peak, rtol=1e-12)


# ----------------------------------------------------------------- electron-hole model

EH = dict(BASE, delta_xx=0.0, state_model="electron-hole")


def test_electron_hole_two_by_two_exact_lines():
    """g_e = g_h = 2, independent carriers: X has f_e = f_h = 1/2, so A = E = 1/4."""
    s = Sample(**EH, hole_degeneracy=2)
    lines = [s.band_edge_lines(n) for n in range(4)]
    assert [a[0][1] for a, _ in lines] == [1.0, 0.25, 0.0, 0.0]
    assert [e[0][1] for _, e in lines] == [0.0, 0.25, 1.0, 1.0]
    # Einstein: k_rad(XX) = 4 k_rad(X), the v1 'statistical' law, *with* weaker X emission.
    assert [s.radiative_rate(n) * s.tau_x for n in range(4)] == pytest.approx([0, 1, 4, 4])
    # At Delta = 0 the single exciton is transparent at E_X in both models: 1.146.
    assert float(kinetics.gain_threshold(s)) == pytest.approx(
        models.poisson_threshold_no_interaction(), abs=2e-5)


def test_thermal_hole_occupation():
    s = Sample(**EH, hole_levels=[(0.0, 2, 0.0), (0.010, 2, 1.0)], temperature=300.0)
    f = s.hole_occupation(1)
    ratio = np.exp(-0.010 / (models.sample.K_BOLTZMANN * 300.0))
    assert f[2] / f[0] == pytest.approx(ratio, rel=1e-12) and f.sum() == pytest.approx(1.0)
    assert s.hole_occupation(4).tolist() == [1, 1, 1, 1]
    hot = dataclasses.replace(s, temperature=2000.0).hole_occupation(1)
    cold = dataclasses.replace(s, temperature=4.0).hole_occupation(1)
    assert cold[2] < 1e-10 < hot[2] < 0.25
    # Dark lowest level: the single exciton's stimulated emission falls as T drops.
    em = [dataclasses.replace(s, temperature=t).emission_strength_total(1) for t in (4, 300)]
    assert em[0] < 1e-10 < em[1] < 0.25


@pytest.mark.parametrize("field, value, fragment", [
    ("state_model", "quantum", "state_model = 'quantum'"),
    ("hole_degeneracy", 0, "hole_degeneracy = 0"),
    ("hole_degeneracy", 2.5, "hole_degeneracy = 2.5"),
    ("temperature", 0.0, "temperature = 0.0"),
    ("temperature", -5.0, "temperature = -5.0"),
    ("hole_levels", [(0.0, 2, 1.0)], "hole_levels states sum to 2"),
    ("hole_levels", [(0.0, 2.0, 1.0), (0.01, 2, 1.0)], "hole_levels[0].states = 2.0"),
    ("hole_levels", [(0.0, 2, -1.0), (0.01, 2, 1.0)], "hole_levels[0].strength = -1.0"),
    ("hole_levels", [(-0.01, 2, 1.0), (0.01, 2, 1.0)], "hole_levels[0].energy = -0.01"),
    ("hole_levels", [(0.0, 4, 0.0)], "all 0"),
])
def test_bad_electron_hole_fields(field, value, fragment):
    with pytest.raises(ValueError) as info:
        Sample(**{**EH, field: value})
    assert fragment in str(info.value)


def test_electron_hole_fields_round_trip():
    s = Sample(**EH, hole_levels=[(0.0, 2, 0.0), (0.01, 2, 1.0)], temperature=77.0)
    assert Sample.from_json(s.to_json()) == s
    assert build_state_table(s, 4).absorption_line_strength.shape == (1, 5, 2)


def test_electron_hole_multiline_monte_carlo_matches_master_equation():
    """Several absorption/emission lines per state (fine structure + a Stark-shifted higher
    transition + broad X->XX absorption): Monte Carlo spectra = exact within noise."""
    from tests.kinetics.test_monte_carlo import compare
    s = dataclasses.replace(models.presets.TYPE_I_CDSE_FINE_STRUCTURE, xx_absorption_width=0.04,
                            higher_transitions=[(0.08, 1.0, 0.02, -0.02)])
    mc, me = compare(s, [0.3, 1.5], [0.0, 30.0, 3000.0], n_nanocrystals=40_000, seed=9)
    # not vacuous: the higher transition and the fine structure both shape alpha_0
    assert float(me.alpha0.max()) > 1.0


def test_electron_hole_radiative_ratios_xx_trion_x():
    """Independent carriers without fine structure: k_rad(XX) : k_rad(X-) : k_rad(X) = 4 : 2 : 1,
    the strong-confinement ratios computed for spherical CdSe dots (Rajadell et al.,
    J. Phys. Chem. C 113, 11268 (2009)); the two-channel model gives 2 : 1 : 1."""
    eh = Sample(**EH, hole_degeneracy=2)
    trion = dataclasses.replace(eh, resident_electrons=1)
    assert [eh.radiative_rate(2) * 1000, trion.radiative_rate(1) * 1000,
            eh.radiative_rate(1) * 1000] == pytest.approx([4, 2, 1])
    tc = Sample(**BASE)
    assert [tc.radiative_rate(2) * 1000,
            dataclasses.replace(tc, resident_electrons=1).radiative_rate(1) * 1000,
            tc.radiative_rate(1) * 1000] == pytest.approx([2, 1, 1])
