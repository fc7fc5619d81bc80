"""The README quick-start example; run it to regenerate docs/img/quickstart.png.

Works from any directory: the figure goes next to this script, into img/, or to the path
given as the first argument (``python docs/quickstart.py /tmp/quickstart.png``).
"""
import sys
from pathlib import Path

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from ncgain import kinetics, models  # noqa: E402

OUT = (Path(sys.argv[1]) if len(sys.argv) > 1
       else Path(__file__).resolve().parent / "img" / "quickstart.png")

sample = models.presets.TYPE_II_CDS_ZNSE
ds = kinetics.simulate_pulsed(sample, mean_excitons=[0.5, 1.0, 2.0], times=[3.0, 1000.0],
                              energies=np.linspace(1.90, 2.25, 141),  # eV
                              n_nanocrystals=200_000, seed=1)
print(float(kinetics.gain_threshold(sample, time=3.0)))       # <N> for gain at E_X
fig, axes = plt.subplots(1, 2, figsize=(10, 3.8), layout="constrained")
ds.absorption.sel(time=3.0).plot.line(x="energy", ax=axes[0])  # axes label themselves
ds.population.sel(mean_excitons=1.0).plot.line(x="excitons", ax=axes[1], marker="o")
axes[0].axhline(0.0, color="k", lw=0.8)                      # gain below this line
axes[0].set_title("absorption 3 ps after the pulse")
axes[1].set_title("<N> = 1 (2.0 mJ cm$^{-2}$)")              # xarray's own title is too long
fig.savefig(OUT, dpi=90)
print(f"wrote {OUT}")
