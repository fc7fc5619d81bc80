"""
Your own sample's c.w. threshold in W cm⁻²
==========================================

A sample built from scratch (the eight required :class:`ncgain.models.Sample` fields, see
docs/sample.md), its continuous-wave gain threshold and its lasing threshold in the
close-packed film (loss 50 cm⁻¹), as a function of the biexciton lifetime. The steady state
is exact (closed form), so this runs in well under a second.
"""

import dataclasses

import matplotlib.pyplot as plt
import numpy as np

from ncgain import kinetics, models

sample = models.Sample(name="my CdSe", exciton_energy=2.05, delta_xx=-0.01, linewidth=0.05,
                       tau_x=20000.0, tau_xx=50.0, sigma_pump=5e-16, pump_energy=3.1,
                       tau_xx_meaning="total")   # tau_xx: the measured total XX lifetime
film = models.Film.close_packed()

tau_xx = np.array([20.0, 50.0, 100.0, 200.0, 500.0])   # ps
gain, lasing = [], []
for t in tau_xx:
    s = dataclasses.replace(sample, tau_xx=float(t))
    gain.append(float(kinetics.pump_intensity(float(kinetics.cw_threshold(s)), s)[0]))
    lasing.append(float(kinetics.pump_intensity(float(kinetics.cw_threshold(s, film=film)),
                                                s)[0]))
print(f"{sample.name}: c.w. gain threshold {gain[1]:.3g} W cm^-2, lasing threshold in the "
      f"close-packed film {lasing[1]:.3g} W cm^-2 (tau_xx = 50 ps)")

fig, ax = plt.subplots(figsize=(5.5, 3.8), layout="constrained")
ax.loglog(tau_xx, gain, "o-", label="gain threshold (net gain > 0)")
ax.loglog(tau_xx, lasing, "s-", label="lasing threshold, close-packed film")
ax.axhline(1e4, color="k", ls=":", lw=0.8, label="assumed photostability limit")
ax.set(xlabel="biexciton lifetime tau_xx (ps)", ylabel="pump intensity (W cm$^{-2}$)",
       title=f"{sample.name}: c.w. thresholds")
ax.legend(fontsize=8)
plt.show()
