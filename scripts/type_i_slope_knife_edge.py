"""How robust the calibrated type-I quadratic bleach is: slope and threshold vs one parameter.

Since the X <-> XX line obeys reciprocity (2026-12-04: the XX -> X emission has the width
of the X -> XX absorption), the calibration study's fit ``type-i two-channel`` reaches the
paper's growth law, slope 2.00 at its ASE band. This rescans that best-fit sample in the
one parameter the fit determined, the strength of its higher transition (+100 meV, Stark
-30 meV per exciton), with the calibration's own forward model (``Forward.probe``: bleach
at the ASE band at 3 ps, log-log slope over the study's <N> range; slope 0 is its code for
induced absorption, a negative bleach, at low <N>).

Run: ``python scripts/type_i_slope_knife_edge.py`` after ``ncgain reproduce --out
docs/validation --report docs/validation.md`` (reads docs/validation/calibration.nc; ~10 s).
"""
import dataclasses
from pathlib import Path

import xarray as xr

from ncgain import models
from ncgain.studies.calibration_model import Forward

STRENGTHS = (0.0, 0.5, 1.0, 1.2, 1.3, None, 1.4, 1.5, 2.0)   # None: the fit's own value


def main():
    path = Path(__file__).parents[1] / "docs" / "validation" / "calibration.nc"
    with xr.open_dataset(path) as ds:
        names = [models.Sample.from_json(ds.attrs[k]).name
                 for k in sorted(a for a in ds.attrs if a.startswith("sample_"))]
        best = models.Sample.from_json(ds.attrs[f"sample_{names.index(models.presets.TYPE_I_CDSE.name)}"])
    forward = Forward(quick=False)
    higher = best.higher_transitions[0]
    print(f"type-i two-channel best fit: delta_xx = {best.delta_xx:.4f} eV, "
          f"xx_absorption_width = {best.xx_absorption_width:.4f} eV, "
          f"higher_strength = {higher.strength:.4f}")
    for k in STRENGTHS:
        k = higher.strength if k is None else k
        s = dataclasses.replace(best, higher_transitions=(dataclasses.replace(higher, strength=k),))
        p = forward.probe(s)
        print(f"  higher_strength {k:6.3f}: slope {p['slope']:.3f}, threshold <N> {p['threshold']:.3f}")


if __name__ == "__main__":
    main()
