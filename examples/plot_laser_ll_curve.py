"""
A laser's light-in/light-out (L-L) curve
========================================

The type-II preset's close-packed film in a ring resonator (Q = 2500, spontaneous coupling
beta = 1e-4), pumped c.w. at eight generation rates from 0.3 to 8 times its steady-state
gain threshold: the Python equivalent of ``ncgain lase --generation-rate ...
--method rate-equations``. :func:`ncgain.kinetics.simulate_cavity` integrates the rate
equations of the NC populations and the cavity photon field and adds what a paper reports
(``kinetics/field/analysis.py``): the L-L kink threshold (with its pump-grid uncertainty
factor), the slope efficiency above it and the lasing line.

The grid is small so that this builds in a few seconds (16 spectral channels, 16 energy
bins of the transition energies instead of the default 160, a 2 ns window): the kink is
located to within the grid's factor ``kink_threshold_factor`` (printed), the slope within a
few per cent of a finer grid (0.56 here, 0.55 with 24 bins and a 3 ns window). The lasing
study of ``ncgain reproduce`` uses 32 channels, 40 bins and 41 to 81 pumps.

Just above the kink the output is one narrow band (three neighbouring channels at 2 x
G_th); far above it the gain clamps over a wider band and more channels lase. How those
channels share the output at 8 x G_th is resolution-limited: with 16 bins it alternates
channel by channel (steady state: 0.43, 0.14, 0.44, 0.09, 0.59, 0.40, 1, 0.67 of the
maximum between 2.02 and 2.18 eV), with 40 bins the same band reads 0.35, 0.14, 0.30,
0.33, 0.34, 0.43, 0.70, 1, 0.59 between 2.00 and 2.18 eV. Read the width of the lasing
band from this figure, not its fine pattern.
"""

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import NullFormatter

from ncgain import kinetics, models

sample = models.presets.get("type-ii")
film = models.Film.close_packed()
cavity = models.Cavity(quality_factor=2500.0, spontaneous_coupling=1e-4, channels=16)
BINS = 16

# the no-field steady-state gain threshold at the cavity loss sets the pump scale
problem = kinetics.cavity.CavityProblem.build(sample, film, cavity, [0.0, 1.0],
                                              generation_rate=[1e-3],
                                              method="rate-equations", energy_bins=BINS)
g_th, _ = kinetics.cavity_gain_threshold(problem)
rates = g_th * np.geomspace(0.3, 8.0, 8)            # excitons created per NC per ps
ds = kinetics.simulate_cavity(sample, film, cavity, np.linspace(0.0, 2000.0, 21),
                              generation_rate=rates, method="rate-equations",
                              energy_bins=BINS)

kink = float(ds.kink_threshold_generation_rate)
print(f"steady-state gain threshold G_th = {g_th:.3g} ps^-1 per NC")
print(f"L-L kink at G = {kink:.3g} ps^-1 per NC (x/÷ {float(ds.kink_threshold_factor):.2f}) "
      f"= {float(ds.kink_threshold_intensity):.3g} W cm^-2")
print(f"slope efficiency {float(ds.slope_efficiency):.2f} photons per exciton "
      f"({float(ds.slope_efficiency_power):.2f} W/W); lasing line "
      f"{float(ds.lasing_energy):.3f} eV, FWHM {1e3 * float(ds.lasing_fwhm):.0f} meV "
      f"(channel spacing {1e3 * float(ds.channel_spacing):.0f} meV)")

fig, (ax, ax_spec) = plt.subplots(1, 2, figsize=(8.0, 3.6), layout="constrained")
ax.loglog(rates / g_th, ds.output, "o-", label="output (time average)")
ax.axvline(kink / g_th, color="k", ls="--", lw=0.8, label="L-L kink")
top = rates[-2:] / g_th
ax.loglog(top, float(ds.output[-1]) + float(ds.slope_efficiency) * (rates[-2:] - rates[-1]),
          "r-", lw=2, alpha=0.6, label=f"slope {float(ds.slope_efficiency):.2f}")
ax.set(xlabel="pump G / G_th (gain threshold)", ylabel="output photons per NC per ps",
       title="L-L curve")
ax.legend(fontsize=8)
ax.xaxis.set_minor_formatter(NullFormatter())      # decade labels only: no overlap
for i in (2, 4, 7):                                  # below, just above, far above the kink
    spectrum = ds.output_spectrum.isel(pump=i)
    ax_spec.semilogy(ds.channel, spectrum / spectrum.max(), "o-", ms=3,
                     label=f"G = {rates[i] / g_th:.2g} G_th")
ax_spec.set(xlabel="photon energy (eV)", ylabel="output spectrum / its maximum",
            ylim=(1e-6, 2.0), title="output spectra")
ax_spec.legend(fontsize=8)
plt.show()
