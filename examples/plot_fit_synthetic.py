"""
Fitting a sample to transient absorption: values, 1σ and correlations
=====================================================================

A synthetic bleach measurement made by the model itself from the type-II preset (the
"truth": Δ_XX = 106 meV, Γ = 60 meV, τ_XX = 130 ps), 3 ⟨N⟩ × 4 delays × 12 probe
energies, with Gaussian noise of 0.01 at a fixed seed, fitted from a wrong start by
:func:`ncgain.fit.fit` (the Python side of ``ncgain fit``; docs/fitting.md). The forward
model is the exact master equation, so the fit is deterministic and takes a few seconds.

The fit returns each parameter's value ± 1σ (Fisher matrix at the best fit, σ of the data
as given, not rescaled by χ²), the correlation matrix, and the parameters the data cannot
determine (here none: all three are constrained). Because the data were made with known
parameters, the pulls (fit − truth)/σ show whether the σ are honest: over noise seeds they
scatter with unit spread (the coverage test in tests/fit).
"""

import dataclasses

import matplotlib.pyplot as plt
import numpy as np

from ncgain import fit as nfit
from ncgain import kinetics, models

truth = models.presets.TYPE_II_CDS_ZNSE
ds = kinetics.simulate_pulsed(truth, [0.3, 1.0, 2.5], [2.0, 20.0, 200.0, 1000.0],
                              energies=np.linspace(1.98, 2.22, 12),
                              method="master-equation")[["bleach"]]
rng = np.random.default_rng(1)
NOISE = 0.01
ds["bleach"] = ds.bleach + NOISE * rng.standard_normal(ds.bleach.shape)
ds.bleach.attrs["units"] = "1"
ds["bleach_sigma"] = ds.bleach * 0 + NOISE           # 1 sigma of every point
ds.bleach_sigma.attrs["units"] = "1"

start = dataclasses.replace(truth, delta_xx=0.09, tau_xx=100.0, linewidth=0.07)
vary = {"delta_xx": (0.06, 0.15), "tau_xx": (60.0, 300.0), "linewidth": (0.04, 0.09)}
result = nfit.fit(ds, start, vary)
print(result.report())

names = list(vary)
print("parameter      truth        fit ± 1 sigma       pull (fit - truth) / sigma")
for name in names:
    true, value, sigma = getattr(truth, name), result.values[name], result.stderr[name]
    print(f"{name:10s} {true:10.6g} {value:10.6g} ± {sigma:<9.2g} {(value - true) / sigma:+6.2f}")

corr = np.eye(len(names))
for (a, b), r in result.correlations.items():
    corr[names.index(a), names.index(b)] = corr[names.index(b), names.index(a)] = r

fig, (ax, ax_c) = plt.subplots(1, 2, figsize=(8.5, 3.6), layout="constrained",
                               gridspec_kw={"width_ratios": [1.6, 1]})
curves = result.curves.isel(time=0)                  # the earliest delay, 2 ps
for i, n in enumerate(curves.mean_excitons.values):
    c = curves.isel(mean_excitons=i)
    ax.errorbar(c.energy, c.bleach, yerr=c.bleach_sigma, fmt="o", ms=3, color=f"C{i}",
                label=f"<N> = {n:g}")
    ax.plot(c.energy, c.bleach_model, "-", color=f"C{i}")
ax.set(xlabel="probe energy (eV)", ylabel="bleach −Δα/α₀",
       title="data (points) and best fit (lines), t = 2 ps")
ax.legend(fontsize=8)
im = ax_c.imshow(corr, vmin=-1, vmax=1, cmap="RdBu_r")
labels = [f"{n}\n{result.values[n]:.3g} ± {result.stderr[n]:.1g}" for n in names]
ax_c.set_xticks(range(len(names)), names, fontsize=8)
ax_c.set_yticks(range(len(names)), labels, fontsize=8)
for i in range(len(names)):
    for j in range(len(names)):
        ax_c.text(j, i, f"{corr[i, j]:+.2f}", ha="center", va="center", fontsize=8,
                  color="w" if abs(corr[i, j]) > 0.6 else "k")
ax_c.set_title("correlations")
fig.colorbar(im, ax=ax_c, shrink=0.8)
plt.show()
