"""
Sensitivity of the gain threshold to the line width Γ
=====================================================

The pulsed gain threshold ⟨N⟩ at E_X, 3 ps after the pulse, of the type-II preset as the
ensemble line width Γ changes (the homogeneous width γ kept below Γ). Master equation
(exact); :mod:`ncgain.sweeps` runs the same on a dask cluster for large grids.
"""

import dataclasses

import matplotlib.pyplot as plt
import numpy as np

from ncgain import kinetics, models

base = models.presets.TYPE_II_CDS_ZNSE
linewidths = np.array([0.04, 0.06, 0.08, 0.10, 0.12])   # eV
thresholds = []
for gamma in linewidths:
    s = dataclasses.replace(base, linewidth=float(gamma))
    thresholds.append(float(kinetics.gain_threshold(s, time=3.0)))
for g, th in zip(linewidths, thresholds):
    print(f"Gamma = {1e3 * g:.0f} meV: gain threshold <N> = {th:.3f}")

fig, ax = plt.subplots(figsize=(5.5, 3.8), layout="constrained")
ax.plot(1e3 * linewidths, thresholds, "o-")
ax.axvline(1e3 * base.delta_xx, color="k", ls=":", lw=0.8, label="Gamma = Delta_XX")
ax.set(xlabel="ensemble line width Gamma (meV)", ylabel="gain threshold <N> at E_X, 3 ps",
       title="type-II preset: threshold vs Gamma")
ax.legend(fontsize=8)
plt.show()
