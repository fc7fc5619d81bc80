"""Reproduction of Figs 2a-b and 3b-d of Klimov et al., Nature 447, 441 (2007).

The effective-mass core/shell model of :mod:`models.coreshell` gives

- Fig. 2a-b: radial electron and hole densities of a bare CdS core
  (R = 1.6 nm) and of a CdS/ZnSe core/shell NC (R = 1.6 nm, H = 2 nm);
- Fig. 3b: the localization (type) map over R = 0.5-3 nm, H = 0-3 nm;
- Fig. 3c-d: Delta_XX and Theta_eh versus H for R = 1.0, 1.6 and 2.4 nm,
  for three dielectric treatments (layered eps_inf [default], layered eps_0,
  uniform eps_inf);
- the reference numbers the report compares with the paper: E_X, Delta_XX and
  Theta_eh at R = 1.6 nm, H = 2 nm, and Delta_XX of a ZnTe/CdSe NC emitting
  near the paper's 770 nm.

Entry points: :func:`run` (an xarray Dataset that round-trips through
netCDF), :func:`plot`, :func:`context` (the report's numbers) and :func:`benchmark`.
"""

from __future__ import annotations

import math
import os
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import xarray as xr

from ncgain.models import coreshell

from ._analysis import crossing as _crossing

__all__ = ["run", "plot", "context", "benchmark", "type_map",
           "PAPER", "ZNTE_CDSE_GEOMETRY", "DIELECTRIC_MODELS"]

#: The paper's numbers compared here (Klimov et al., Nature 447, 441 (2007)).
PAPER = {
    "delta_xx_calculated": 0.091,   # eV, R = 1.6 nm, H = 2 nm (text, Fig. 4 discussion)
    "delta_xx_measured": 0.106,     # eV, Fig. 4a
    "exciton_energy": 2.054,        # eV, Fig. 4a (PL at t = 10 ns)
    "overlap_bound": 0.17,          # Theta_eh < 0.17 for R = 1.6 nm, H > 2 nm (Fig. 3d text)
    "type_i_radius": (1.2, 1.5),    # nm: type I for R below 1.2-1.5 nm (Fig. 3b)
    "type_i_shell": (0.6, 1.0),     # nm: ... and H below 0.6-1.0 nm (Fig. 3b)
    "znte_cdse_delta_xx": 0.080,    # eV, ~80 meV, ZnTe/CdSe emitting at 770 nm
    "znte_cdse_emission_nm": 770.0,
}

#: ZnTe(core)/CdSe(shell) geometry used for the ~80 meV comparison. Assumption:
#: the paper gives no geometry; R = H = 2.0 nm is where this model emits at
#: ~767 nm, closest to the paper's 770 nm on the line H = R.
ZNTE_CDSE_GEOMETRY = (2.0, 2.0)

#: Dielectric treatments compared: label -> solver options.
DIELECTRIC_MODELS = {
    "layered eps_inf": dict(dielectric="layered", epsilon_kind="high_frequency"),
    "layered eps_0": dict(dielectric="layered", epsilon_kind="static"),
    "uniform eps_inf": dict(dielectric="uniform", epsilon_kind="high_frequency"),
    "uniform eps_0": dict(dielectric="uniform", epsilon_kind="static"),
}

NAME = "coreshell_figures"
TITLE = "Figs 2a-b and 3b-d - core/shell electronic structure"

_CURVE_RADII = (1.0, 1.6, 2.4)
_HC_NM_EV = 1239.841984  # h c in eV nm


def _map_row(args):
    core, shell, radius, widths, options = args
    out = np.empty((6, len(widths)))
    for j, h in enumerate(widths):
        res = coreshell.solve(core, shell, float(radius), float(h), **options)
        out[:, j] = (coreshell.TYPE_CODES[res.regime],
                     coreshell.REGIME_CODES[res.electron_regime],
                     coreshell.REGIME_CODES[res.hole_regime],
                     res.delta_xx, res.overlap, res.exciton_energy)
    return out


def type_map(core: str = "CdS", shell: str = "ZnSe", core_radii=None, shell_widths=None,
             *, workers: int | None = 1, **options) -> dict:
    """Compute the localization map and Delta_XX, Theta_eh, E_X over (R, H).

    Parameters
    ----------
    core, shell : str
        Materials.
    core_radii, shell_widths : array_like
        R and H values (nm); default 60 x 60 over R 0.5-3 nm, H 0-3 nm.
    workers : int or None, default 1
        Processes (rows of constant R are distributed); None uses all CPUs.
    **options
        Solver options of :func:`models.coreshell.solve`.

    Returns
    -------
    dict
        Arrays of shape (len(core_radii), len(shell_widths)): ``nc_type``,
        ``electron_regime``, ``hole_regime`` (integer codes of
        :data:`models.coreshell.TYPE_CODES` / ``REGIME_CODES``), ``delta_xx``
        (eV), ``overlap``, ``exciton_energy`` (eV).
    """
    radii = np.linspace(0.5, 3.0, 60) if core_radii is None else np.asarray(core_radii, float)
    widths = np.linspace(0.0, 3.0, 60) if shell_widths is None else np.asarray(shell_widths,
                                                                               float)
    jobs = [(core, shell, r, widths, options) for r in radii]
    if workers is None:
        workers = os.cpu_count() or 1
    if workers > 1 and len(jobs) > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            rows = list(pool.map(_map_row, jobs, chunksize=max(1, len(jobs) // (4 * workers))))
    else:
        rows = [_map_row(job) for job in jobs]
    data = np.stack(rows, axis=1)  # (6, R, H)
    return {"nc_type": data[0].astype(np.int8), "electron_regime": data[1].astype(np.int8),
            "hole_regime": data[2].astype(np.int8), "delta_xx": data[3], "overlap": data[4],
            "exciton_energy": data[5]}


def run(quick: bool = False, progress: bool = False, *, workers: int | None = 1) -> xr.Dataset:
    """Compute the data of Figs 2a-b and 3b-d.

    Parameters
    ----------
    quick : bool, default False
        Coarse grids (15 x 15 map, 16 shell widths per curve) for tests.
    progress : bool, default False
        Unused (the study takes seconds); accepted for the common study interface.
    workers : int or None, default 1
        Processes for the type map (None: all CPUs).

    Returns
    -------
    xarray.Dataset
        Every variable and coordinate has ``units`` and ``long_name``; integer
        maps carry ``flag_values`` / ``flag_meanings``. Round-trips through
        netCDF.
    """
    n_map = 15 if quick else 60
    n_curve = 16 if quick else 61

    # --- Fig. 2a-b: radial densities on a common grid
    radius = np.linspace(0.0, 3.6, 361)
    structures = [("CdS", "ZnSe", 1.6, 0.0), ("CdS", "ZnSe", 1.6, 2.0)]
    density = np.zeros((2, 2, radius.size))
    for i, (c, s, r_c, h) in enumerate(structures):
        res = coreshell.solve(c, s, r_c, h)
        density[i, 0] = np.interp(radius, res.r, res.rho_e, right=0.0)
        density[i, 1] = np.interp(radius, res.r, res.rho_h, right=0.0)

    # --- Fig. 3b: map
    map_r = np.linspace(0.5, 3.0, n_map)
    map_h = np.linspace(0.0, 3.0, n_map)
    tm = type_map("CdS", "ZnSe", map_r, map_h, workers=workers)

    # --- Fig. 3c-d: curves, three dielectric treatments
    curve_h = np.linspace(0.0, 3.0, n_curve)
    curve_models = ["layered eps_inf", "layered eps_0", "uniform eps_inf"]
    curve_dxx = np.zeros((len(curve_models), len(_CURVE_RADII), n_curve))
    curve_ov = np.zeros((len(_CURVE_RADII), n_curve))
    curve_ex = np.zeros((len(_CURVE_RADII), n_curve))
    curve_type = np.zeros((len(_CURVE_RADII), n_curve), dtype=np.int8)
    for k, label in enumerate(curve_models):
        for i, r_c in enumerate(_CURVE_RADII):
            for j, h in enumerate(curve_h):
                res = coreshell.solve("CdS", "ZnSe", r_c, float(h), **DIELECTRIC_MODELS[label])
                curve_dxx[k, i, j] = res.delta_xx
                if k == 0:
                    curve_ov[i, j] = res.overlap
                    curve_ex[i, j] = res.exciton_energy
                    curve_type[i, j] = res.regime_code

    # --- reference numbers, all dielectric treatments
    models_ = list(DIELECTRIC_MODELS)
    ref = [coreshell.solve("CdS", "ZnSe", 1.6, 2.0, **DIELECTRIC_MODELS[m]) for m in models_]
    zt = [coreshell.solve("ZnTe", "CdSe", *ZNTE_CDSE_GEOMETRY, **DIELECTRIC_MODELS[m])
          for m in models_]

    type_flags = dict(flag_values=np.array(list(coreshell.TYPE_CODES.values()), np.int8),
                      flag_meanings="type_I quasi_type_II type_II")
    regime_flags = dict(flag_values=np.array(list(coreshell.REGIME_CODES.values()), np.int8),
                        flag_meanings="delocalized core shell")
    ds = xr.Dataset(
        data_vars=dict(
            density=(("structure", "carrier", "radius"), density),
            radial_probability=(("structure", "carrier", "radius"),
                                4.0 * np.pi * radius ** 2 * density),
            nc_type=(("map_core_radius", "map_shell_width"), tm["nc_type"], type_flags),
            electron_regime=(("map_core_radius", "map_shell_width"),
                             tm["electron_regime"], regime_flags),
            hole_regime=(("map_core_radius", "map_shell_width"), tm["hole_regime"], regime_flags),
            map_delta_xx=(("map_core_radius", "map_shell_width"), tm["delta_xx"]),
            map_overlap=(("map_core_radius", "map_shell_width"), tm["overlap"]),
            map_exciton_energy=(("map_core_radius", "map_shell_width"), tm["exciton_energy"]),
            delta_xx=(("dielectric_model_curve", "curve_core_radius", "curve_shell_width"),
                      curve_dxx),
            overlap=(("curve_core_radius", "curve_shell_width"), curve_ov),
            exciton_energy=(("curve_core_radius", "curve_shell_width"), curve_ex),
            curve_nc_type=(("curve_core_radius", "curve_shell_width"), curve_type, type_flags),
            reference_delta_xx=(("dielectric_model",), [r.delta_xx for r in ref]),
            reference_exciton_energy=(("dielectric_model",), [r.exciton_energy for r in ref]),
            reference_overlap=((), ref[0].overlap),
            reference_electron_energy=((), ref[0].electron_energy),
            reference_hole_energy=((), ref[0].hole_energy),
            reference_coulomb_eh=(("dielectric_model",), [r.coulomb_eh for r in ref]),
            znte_cdse_delta_xx=(("dielectric_model",), [r.delta_xx for r in zt]),
            znte_cdse_exciton_energy=(("dielectric_model",), [r.exciton_energy for r in zt]),
            znte_cdse_overlap=((), zt[0].overlap),
        ),
        coords=dict(
            structure=("structure", ["CdS R=1.6 nm", "CdS/ZnSe R=1.6 nm H=2 nm"]),
            carrier=("carrier", ["electron", "hole"]),
            radius=("radius", radius),
            map_core_radius=("map_core_radius", map_r),
            map_shell_width=("map_shell_width", map_h),
            curve_core_radius=("curve_core_radius", np.array(_CURVE_RADII)),
            curve_shell_width=("curve_shell_width", curve_h),
            dielectric_model_curve=("dielectric_model_curve", curve_models),
            dielectric_model=("dielectric_model", models_),
        ),
        attrs=dict(
            title="Klimov et al., Nature 447, 441 (2007), Figs 2a-b and 3b-d: effective-mass "
                  "model",
            method="models.coreshell: 1S states, BenDaniel-Duke, infinite outer barrier, "
                   "first-order Coulomb (Gauss law in a layered dielectric)",
            core="CdS", shell="ZnSe",
            solvent_epsilon=2.0,
            znte_cdse_core_radius=ZNTE_CDSE_GEOMETRY[0],
            znte_cdse_shell_width=ZNTE_CDSE_GEOMETRY[1],
            paper_delta_xx_calculated=PAPER["delta_xx_calculated"],
            paper_delta_xx_measured=PAPER["delta_xx_measured"],
            paper_exciton_energy=PAPER["exciton_energy"],
            paper_znte_cdse_delta_xx=PAPER["znte_cdse_delta_xx"],
        ),
    )
    # Local import: the worker processes import this module and need no kinetics.
    from ._common import attach, schema
    for name, attrs in schema(NAME).items():  # units and long names first, then flags
        ds.variables[name].attrs = {**attrs, **ds.variables[name].attrs}
    return attach(ds, study=NAME, quick=quick)


def plot(ds: xr.Dataset):
    """Draw Figs 2a-b and 3b-d from :func:`run` output.

    Parameters
    ----------
    ds : xarray.Dataset

    Returns
    -------
    matplotlib.figure.Figure
        Six panels (no pyplot state; safe with the Agg backend).
    """
    from matplotlib.colors import ListedColormap
    from matplotlib.figure import Figure

    fig = Figure(figsize=(13, 8), layout="constrained")
    axes = fig.subplots(2, 3)
    r = ds["radius"].values
    for ax, i, title in ((axes[0, 0], 0, "a  CdS core, R = 1.6 nm"),
                         (axes[0, 1], 1, "b  CdS/ZnSe, R = 1.6 nm, H = 2 nm")):
        ax.plot(r, ds["radial_probability"].values[i, 0], color="tab:blue", label="electron")
        ax.plot(r, ds["radial_probability"].values[i, 1], color="tab:red", label="hole")
        ax.axvline(1.6, color="0.6", lw=0.8, ls="--")
        ax.set(xlabel="r (nm)", ylabel=r"$4\pi r^2\rho$ (nm$^{-1}$)", title=title)
        ax.legend()
    ax = axes[0, 2]
    cmap = ListedColormap(["#9ecae1", "#f0f0f0", "#fc9272"])
    ax.pcolormesh(ds["map_shell_width"].values, ds["map_core_radius"].values,
                  ds["nc_type"].values, cmap=cmap, vmin=-0.5, vmax=2.5, shading="nearest")
    ax.set(xlabel="H (nm)", ylabel="R (nm)", title="Fig. 3b  type I (blue), quasi-II "
           "(grey), II (red)")
    ax.plot([1.0, 1.0, 0.0], [0.5, 1.5, 1.5], color="k", lw=0.8, ls=":")
    ax.annotate("paper: type I below\nR 1.2-1.5, H 0.6-1.0", (0.05, 1.55), fontsize=8)
    h = ds["curve_shell_width"].values
    colors = ("tab:green", "tab:orange", "tab:purple")
    styles = ("-", "--", ":")
    for i, rc in enumerate(ds["curve_core_radius"].values):
        for k, model in enumerate(ds["dielectric_model_curve"].values):
            axes[1, 0].plot(h, 1e3 * ds["delta_xx"].values[k, i], color=colors[i],
                            ls=styles[k], label=f"R = {rc:g} nm" if k == 0 else None)
        axes[1, 1].plot(h, ds["overlap"].values[i], color=colors[i], label=f"R = {rc:g} nm")
        axes[1, 2].plot(h, ds["exciton_energy"].values[i], color=colors[i],
                        label=f"R = {rc:g} nm")
    axes[1, 0].axhline(1e3 * PAPER["delta_xx_calculated"], color="k", lw=0.8, ls="-.",
                       label="paper calc. 91 meV (R 1.6, H 2)")
    axes[1, 0].axhline(1e3 * PAPER["delta_xx_measured"], color="0.5", lw=0.8, ls="-.",
                       label="paper meas. 106 meV")
    styles_text = ", ".join(f"{st} {m}" for st, m in zip(("solid", "dashed", "dotted"),
                                                         ds["dielectric_model_curve"].values))
    axes[1, 0].set(xlabel="H (nm)", ylabel=r"$\Delta_{XX}$ (meV)",
                   title=f"Fig. 3c ({styles_text})")
    axes[1, 0].title.set_fontsize(8)
    axes[1, 0].legend(fontsize=7)
    axes[1, 1].axhline(PAPER["overlap_bound"], color="k", lw=0.8, ls="-.",
                       label="paper: < 0.17 for H > 2 (R 1.6)")
    axes[1, 1].set(xlabel="H (nm)", ylabel=r"$\Theta_{eh}$", title="Fig. 3d", ylim=(0, 1.02))
    axes[1, 1].legend(fontsize=7)
    axes[1, 2].axhline(PAPER["exciton_energy"], color="k", lw=0.8, ls="-.",
                       label="paper: 2.054 eV measured (R 1.6, H 2)")
    axes[1, 2].set(xlabel="H (nm)", ylabel=r"$E_X$ (eV)", title="E_X (model)")
    axes[1, 2].legend(fontsize=7)
    return fig


def _type_i_extent(ds: xr.Dataset) -> tuple[float, float]:
    """Largest R with a type-I point at H > 0, and largest H of any type-I point (nm)."""
    t = ds["nc_type"].values
    rr = ds["map_core_radius"].values
    hh = ds["map_shell_width"].values
    is_i = (t == coreshell.TYPE_CODES["I"]) & (hh[None, :] > 0)
    if not is_i.any():
        return 0.0, 0.0
    ri, hi = np.nonzero(is_i)
    return float(rr[ri].max()), float(hh[hi].max())


def context(ds: xr.Dataset) -> dict:
    """The numbers of the report's core/shell section (template ``coreshell_figures.md.j2``).

    Parameters
    ----------
    ds : xarray.Dataset
        Output of :func:`run`.

    Returns
    -------
    dict
        Variables of the template, read from ``ds``; ``*_ok`` are the agreement criteria.
    """
    models_ = list(ds["dielectric_model"].values)
    dxx = {m: float(v) for m, v in zip(models_, ds["reference_delta_xx"].values)}
    zdx = {m: float(v) for m, v in zip(models_, ds["znte_cdse_delta_xx"].values)}
    main = "layered eps_inf"
    d, zd = dxx[main], zdx[main]
    i16 = int(np.argmin(np.abs(ds["curve_core_radius"].values - 1.6)))
    h_cross = _crossing(ds["curve_shell_width"].values, ds["overlap"].values[i16],
                        PAPER["overlap_bound"])
    ov2 = float(ds["reference_overlap"])
    r_max, h_max = _type_i_extent(ds)
    (r_lo, r_hi), (h_lo, h_hi) = PAPER["type_i_radius"], PAPER["type_i_shell"]
    step_r = float(np.diff(ds["map_core_radius"].values)[0])
    step_h = float(np.diff(ds["map_shell_width"].values)[0])
    e = dict(zip(models_, ds["reference_exciton_energy"].values.tolist()))[main]
    rel_z = (zd - PAPER["znte_cdse_delta_xx"]) / PAPER["znte_cdse_delta_xx"]
    return {
        "dxx": dxx, "zdx": zdx, "d": d, "zd": zd, "e": e, "ov2": ov2, "h_cross": h_cross,
        "r_max": r_max, "h_max": h_max, "step_r": step_r, "step_h": step_h,
        "rel_c": (d - PAPER["delta_xx_calculated"]) / PAPER["delta_xx_calculated"],
        "rel_m": (d - PAPER["delta_xx_measured"]) / PAPER["delta_xx_measured"],
        "rel_z": rel_z, "znte_geometry": ZNTE_CDSE_GEOMETRY,
        "overlap_ok": ov2 <= PAPER["overlap_bound"] + 0.02
        and (math.isnan(h_cross) or h_cross <= 2.3),
        "type_i_ok": r_lo - step_r <= r_max <= r_hi + step_r
        and h_lo - step_h <= h_max <= h_hi + step_h,
        "znte_emission_nm": _HC_NM_EV / float(ds["znte_cdse_exciton_energy"].values[0]),
    }


def benchmark(workers: int = 2) -> dict:
    """Time one (R, H) point and the 60 x 60 type map.

    Parameters
    ----------
    workers : int, default 2
        Processes for the map.

    Returns
    -------
    dict
        ``one_point_seconds`` (median of 20 solves at R = 1.6, H = 2 nm),
        ``map_60x60_seconds`` (wall time with ``workers`` processes),
        ``map_workers``.
    """
    coreshell.solve("CdS", "ZnSe", 1.6, 2.0)
    times = []
    for _ in range(20):
        t = time.perf_counter()
        coreshell.solve("CdS", "ZnSe", 1.6, 2.0)
        times.append(time.perf_counter() - t)
    t = time.perf_counter()
    type_map("CdS", "ZnSe", workers=workers)
    map_time = time.perf_counter() - t
    return {"one_point_seconds": float(np.median(times)), "map_60x60_seconds": float(map_time),
            "map_workers": int(workers)}
