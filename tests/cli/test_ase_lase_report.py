"""``ncgain ase`` reports per band what a paper reports; ``lase`` its method's assumptions."""

import math
import re

import numpy as np
import xarray as xr

from ncgain import cli, kinetics, models
from ncgain.kinetics.field.analysis import ASE_AMPLIFICATION

TYPE_II = models.presets.TYPE_II_CDS_ZNSE
FLUENCE = [1.0, 2.0, 4.0, 8.0]


def test_ase_prints_per_band_thresholds_peak_width_and_first_band(tmp_path, capsys):
    out = tmp_path / "ase.nc"
    assert cli.main(["ase", "--fluence", ",".join(map(str, FLUENCE)), "--slices", "4",
                     "--channels", "16", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert "it/s" not in captured.err and "ps/s" not in captured.err   # no bar: not a tty
    text = captured.out
    per_n = float(kinetics.pump_fluence(1.0, TYPE_II))
    with xr.open_dataset(out) as ds:
        amp = (ds.edge_emission_integrated / ds.edge_emission_unamplified).values
        e = ds.channel_energy.values
    split = TYPE_II.exciton_energy + TYPE_II.delta_xx / 2
    found = {}
    for band, sel in (("X", e < split), ("XX", e >= split)):
        m = re.search(rf"^  {band} band: ASE threshold ([0-9.e+-]+) mJ cm\^-2 \(<N> = "
                      rf"([0-9.e+-]+)\); at the largest pump peak ([0-9.]+) eV, FWHM (\d+) meV",
                      text, re.M)
        assert m, (band, text)
        f_th, n_th, peak, fwhm = map(float, m.groups())
        band_amp = amp[:, sel].max(axis=1)
        k = int(np.argmax(band_amp >= ASE_AMPLIFICATION))   # first fluence at/above ASE
        assert band_amp[k] >= ASE_AMPLIFICATION and (k == 0 or band_amp[k - 1] < 10)
        assert (FLUENCE[k - 1] if k else 0.0) <= f_th <= FLUENCE[k]
        # both printed to 4 significant digits: each off by at most 5e-4 relative
        assert math.isclose(n_th, f_th / per_n, rel_tol=1e-3)
        assert e[sel].min() <= peak <= e[sel].max() and fwhm > 0
        found[band] = f_th
    first = min(found, key=found.get)
    assert f"first band to reach ASE: {first}" in text
    assert ("NOTE: the reverse of the paper" in text) == (first == "XX")
    lines = text.split("assumptions:", 1)[1]
    assert "Monte Carlo" not in lines and "method: mean-field rate equations" in lines
    assert "stripe: L = 0.04 cm, 4 slices" in lines


def test_lase_lists_only_the_assumptions_of_the_method_and_pump_that_ran():
    import json

    from ncgain.cli import field
    from ncgain.kinetics.field.cavity_dataset import ASSUMPTIONS
    ds = xr.Dataset(attrs={"assumptions": json.dumps(ASSUMPTIONS)})
    assert any(a.startswith("Monte Carlo") for a in ASSUMPTIONS)   # the library lists it
    rate = field._library_assumptions(ds, "rate-equations", pulsed=False)
    assert not any("Monte Carlo" in a for a in rate)
    assert any(a.startswith("c.w. pump") for a in rate)
    mc = field._library_assumptions(ds, "monte-carlo", pulsed=True)
    assert any(a.startswith("Monte Carlo") for a in mc)
    assert not any(a.startswith("c.w. pump") for a in mc)


def test_assumptions_flag_a_lase_intensity_above_the_photostability_limit():
    from ncgain.cli._assumptions import assumption_lines
    from ncgain.studies._photostability import PHOTOSTABILITY_LIMIT
    film = models.Film.close_packed()
    g = np.array([1e-3, 2e-3])
    intensity = kinetics.cavity.intensity_from_generation_rate(g, TYPE_II)
    lines = assumption_lines(TYPE_II, method="rate-equations", film=film, intensity=intensity)
    top = float(np.max(intensity))
    assert top > PHOTOSTABILITY_LIMIT
    assert lines[-1].startswith(f"WARNING: pump intensity {top:.3g} W cm^-2 is "
                                f"{top / PHOTOSTABILITY_LIMIT:.3g}x the photostability limit")
    low = assumption_lines(TYPE_II, method="rate-equations", film=film, intensity=[1e3])
    assert low[-1].startswith("pump intensity at most 1e+03 W cm^-2, within the")
