"""
Single- versus biexciton gain
=============================

The net gain spectrum 3 ps after the pulse split by the number of excitons in the NCs
that produce it (``gain_by_excitons``): for the type-II preset (Δ_XX = +106 meV) singly
excited NCs give gain near E_X, biexcitons near E_X + Δ_XX. Master equation (exact).
"""

import matplotlib.pyplot as plt
import numpy as np

from ncgain import kinetics, models

sample = models.presets.TYPE_II_CDS_ZNSE
energies = np.linspace(1.90, 2.30, 161)   # eV
ds = kinetics.simulate_pulsed(sample, mean_excitons=[1.5], times=[3.0], energies=energies,
                              method="master-equation")
by_n = ds.gain_by_excitons.isel(mean_excitons=0, time=0)

fig, ax = plt.subplots(figsize=(6, 3.8), layout="constrained")
ax.plot(energies, ds.gain.isel(mean_excitons=0, time=0), "k", lw=1.5, label="total")
for n, label in ((1, "single excitons (n = 1)"), (2, "biexcitons (n = 2)")):
    ax.plot(energies, by_n.sel(excitons=n), label=label)
ax.axhline(0.0, color="0.5", lw=0.8)
ax.axvline(sample.exciton_energy, color="C0", ls=":", lw=0.8)
ax.axvline(sample.exciton_energy + sample.delta_xx, color="C1", ls=":", lw=0.8)
ax.set(xlabel="photon energy (eV)", ylabel="net gain -alpha/alpha_0(peak)",
       title="<N> = 1.5, 3 ps after the pulse")
ax.legend(fontsize=8)
plt.show()
