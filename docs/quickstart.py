"""The README quick-start example; run it to regenerate docs/img/quickstart.png."""
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from ncgain import kinetics
from ncgain import models

sample = models.presets.TYPE_II_CDS_ZNSE
ds = kinetics.simulate_pulsed(sample, mean_excitons=[0.5, 1.0, 2.0], times=[3.0, 1000.0],
                              energies=np.linspace(1.90, 2.25, 141),  # eV
                              n_nanocrystals=200_000, seed=1)
print(float(kinetics.gain_threshold(sample, time=3.0)))       # <N> for gain at E_X
fig, axes = plt.subplots(1, 2, figsize=(10, 3.8), layout="constrained")
ds.absorption.sel(time=3.0).plot.line(x="energy", ax=axes[0])  # axes label themselves
ds.population.sel(mean_excitons=1.0).plot.line(x="excitons", ax=axes[1], marker="o")
axes[0].axhline(0.0, color="k", lw=0.8)                      # gain below this line
fig.savefig("docs/img/quickstart.png", dpi=90)
