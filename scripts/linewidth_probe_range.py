"""What the Gamma <= 20 meV feature of the linewidth-sensitivity figure was (issue 18).

The study's gain-band threshold (probe "any", 3 ps, loss = DETECTABLE_GAIN) of the type-II
preset jumped from 0.84 to 2.15-2.34 at Gamma <= 15 meV while the 'any' grid was cut where
alpha_0 < 1e-12 of its peak. Since 2026-12-03 the gain thresholds probe every band-edge
line (``default_energies(..., resolvable=False)``) and give the "extended" column; the
"default" column below is the cut grid, which the bleaching spectra still use. This recomputes the affected
points (and neighbours as controls) with the same exact master equation and criterion,
min_E alpha(E, t) / alpha_0(peak) < -DETECTABLE_GAIN at t = 3 ps and 650 ps, on three probe
grids:

* ``default``: ``observables.default_energies`` (241 points; what the study used before
  2026-12-03), which stops where the unexcited absorption falls below 1e-12 of its peak;
* ``4x finer``: the same range with 4 x 241 points (the resolution hypothesis);
* ``extended``: the default range widened to cover E_X + Delta_XX +- 4 ensemble widths of
  the biexciton line, at the default spacing (the range hypothesis).

Run: ``python scripts/linewidth_probe_range.py`` (about a second).
"""
import dataclasses
import time

import numpy as np
from scipy import optimize

from ncgain import models
from ncgain.kinetics import observables
from ncgain.kinetics.pulsed import PulsedProblem
from ncgain.studies._common import DETECTABLE_GAIN
from ncgain.studies.linewidth_sensitivity import (PROBE_TIME, SEARCH_LIMIT, T_AFTER,
                                                  homogeneous_widths)


def threshold(problem, energies, i_time):
    """Smallest <N> with min_E alpha / alpha_0(peak) < -DETECTABLE_GAIN, and where."""
    p = dataclasses.replace(problem, energies=energies,
                            kernels=observables.line_kernels(problem.table, energies, 1))

    def alpha(mean):
        a, _ = observables.spectra(p.exact_occupation(np.atleast_1d(mean)), p.kernels)
        return a[:, i_time, :]

    grid = np.linspace(0.0, SEARCH_LIMIT, 201)[1:]
    below = np.flatnonzero(alpha(grid).min(axis=-1) + DETECTABLE_GAIN < 0)
    if below.size == 0:
        return np.inf, np.nan
    k = int(below[0])
    lo = grid[k - 1] if k else 0.0
    found = optimize.brentq(lambda x: float(alpha(x).min() + DETECTABLE_GAIN), lo, grid[k],
                            xtol=1e-6)
    return found, float(energies[np.argmin(alpha(min(found + 1e-6, grid[k]))[0])])


def main():
    t0 = time.process_time()
    print("preset  Gamma  grid top   E_X+D_XX  time  gain-band threshold <N> (gain energy, eV)")
    print("        (meV)  (eV)       (eV)      (ps)  default          4x finer         extended")
    for key in ("type-ii", "type-i"):
        base = models.presets.get(key)
        for gamma in (0.010, 0.015, 0.020, 0.025, 0.030):
            s = dataclasses.replace(base, linewidth=gamma,
                                    homogeneous_linewidth=float(homogeneous_widths([gamma], key)[0]))
            table = models.build_state_table(s, s.degeneracy)
            default = observables.default_energies(table)
            problem = PulsedProblem.build(s, [PROBE_TIME, T_AFTER], energies=[s.exciton_energy],
                                          max_mean_excitons=SEARCH_LIMIT, method="master-equation",
                                          energies_name="energy", need_bleach=False, n_levels=200)
            finer = np.linspace(default.min(), default.max(), 4 * default.size)
            xx, w = s.exciton_energy + s.delta_xx, np.hypot(gamma, s.homogeneous_linewidth)
            step = default[1] - default[0]
            extended = np.arange(min(default.min(), xx - 4 * w), max(default.max(), xx + 4 * w)
                                 + step / 2, step)
            for i, t in enumerate((PROBE_TIME, T_AFTER)):
                cells = [threshold(problem, e, i) for e in (default, finer, extended)]
                print(f"{key:7s} {1e3 * gamma:5.0f}  {default.max():.4f}    {xx:.4f}    {t:4g}  "
                      + "  ".join(f"{n:6.4f} ({e:.4f})" for n, e in cells))
    print(f"CPU {time.process_time() - t0:.1f} s")


if __name__ == "__main__":
    main()
