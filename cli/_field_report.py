"""What ``ncgain ase`` and ``ncgain lase`` print from their datasets' analysis.

The numbers are the variables that :mod:`ncgain.kinetics.field.analysis` puts in the
written dataset (``ase_summary``, ``lasing_summary``); this module only words them, and
says when the ASE band order is the reverse of the paper's.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["ase_report", "lase_report", "PAPER_ASE"]

#: The paper's type-II ASE (Klimov et al. 2007, Fig. 5a-c): the X band reaches ASE first,
#: near 2.01 eV at ~2 mJ cm^-2; the XX band at ~6 mJ cm^-2.
PAPER_ASE = {"first": "X", "X": (2.01, 2.0), "XX": (None, 6.0)}


def _g(value, fmt=".4g", scale=1.0) -> str:
    value = float(value)
    return "n/a" if not math.isfinite(value) else format(scale * value, fmt)


def _not_bracketed(ds, band, crit: float, grid: str) -> str:
    """Why a band has no ASE threshold: never reached, or already at the lowest pump."""
    pump, unit = ((ds.pump_fluence, "mJ cm^-2") if "pump_fluence" in ds.coords
                  else (ds.pump_intensity, "W cm^-2"))
    k = int(np.argmin(pump.values))
    a = float(ds.ase_amplification.sel(band=band).values[k])
    if math.isfinite(a) and a >= crit:
        return (f"ASE already at the lowest pump {float(pump.values[k]):.4g} {unit} "
                f"(amplification {a:.3g} >= {crit:g}): the threshold lies below the {grid}")
    return f"no ASE within the {grid} (amplification < {crit:g})"


def ase_report(ds) -> list[str]:
    """Lines of the per-band ASE report of a stripe dataset (``simulate_stripe``).

    Parameters
    ----------
    ds : xarray.Dataset
        Output of :func:`ncgain.kinetics.simulate_stripe`, with its ASE summary.

    Returns
    -------
    list of str
    """
    pulsed = "ase_threshold_fluence" in ds
    crit = ds.attrs.get("ase_amplification_criterion", float("nan"))
    lines = []
    top = -1   # the largest pump
    for band in ds.band.values:
        b = str(band)
        if pulsed:
            f_th = float(ds.ase_threshold_fluence.sel(band=band))
            n_th = float(ds.ase_threshold_mean_excitons.sel(band=band))
            where = (f"ASE threshold {f_th:.4g} mJ cm^-2 (<N> = {n_th:.4g})"
                     if math.isfinite(f_th) else _not_bracketed(ds, band, crit, "fluences"))
        else:
            i_th = float(ds.ase_threshold_intensity.sel(band=band))
            where = (f"ASE threshold {i_th:.4g} W cm^-2" if math.isfinite(i_th)
                     else _not_bracketed(ds, band, crit, "pump range"))
        peak = ds.ase_peak_energy.sel(band=band).isel(pump=top)
        fwhm = ds.ase_fwhm.sel(band=band).isel(pump=top)
        lines.append(f"{b} band: {where}; at the largest pump peak {_g(peak, '.3f')} eV, "
                     f"FWHM {_g(fwhm, '.0f', 1e3)} meV")
    first = str(ds.attrs.get("first_ase_band", "none"))
    if first == "none":
        above = [str(b) for b, line in zip(ds.band.values, lines) if "ASE already" in line]
        lines.append(f"which band reaches ASE first is not resolved: {', '.join(above)} "
                     "already above the criterion at the lowest pump; lower the pumps"
                     if above else "no band reaches ASE at the given pumps")
    else:
        lines.append(f"first band to reach ASE: {first} (criterion: edge emission {crit:g}x "
                     "the unamplified one)")
        if first != PAPER_ASE["first"]:
            lines.append("NOTE: the reverse of the paper, where the X band reaches ASE first "
                         "(near 2.01 eV at ~2 mJ cm^-2) and the XX band at ~6 mJ cm^-2 "
                         "(Klimov et al. 2007, Fig. 5a-c; docs/validation.md)")
    if "slice_error_bound" in ds.attrs:   # rate equations: the solve's slicing
        import json
        sub = json.loads(ds.attrs["sub_slices"])
        bound = max(json.loads(ds.attrs["slice_error_bound"]))
        a_dz = math.sqrt(bound / 0.016)
        head = (f"slices of the solve: each requested slice cut into up to {max(sub)} "
                f"(max_slice_gain = {ds.attrs['max_slice_gain']:g}), a dz <= {a_dz:.2g}; ")
        lines.append(head + (f"edge-emission discretization error <= ~{100 * bound:.2g} % "
                             "(0.016 (a dz)^2)" if a_dz <= 2.0 else
                             "edge emission NOT converged in slices (a dz > 2: the error grows "
                             "fast, +51 % at 5.7, x3 at 8.7, x480 at 23; docs/theory.md §10); "
                             "lower --max-slice-gain"))
    return lines


def lase_report(ds) -> list[str]:
    """Lines of the L-L report of a cavity dataset (``simulate_cavity``).

    Parameters
    ----------
    ds : xarray.Dataset
        Output of :func:`ncgain.kinetics.simulate_cavity`, with its lasing summary.

    Returns
    -------
    list of str
    """
    lines = []
    if "kink_threshold_intensity" in ds:
        lines.append(f"L-L kink threshold: {_g(ds.kink_threshold_intensity)} W cm^-2 "
                     f"(G = {_g(ds.kink_threshold_generation_rate)} ps^-1 per NC)")
    elif "kink_threshold_fluence" in ds:
        lines.append(f"L-L kink threshold: <N> = {_g(ds.kink_threshold_mean_excitons)} "
                     f"= {_g(ds.kink_threshold_fluence)} mJ cm^-2")
    if "slope_efficiency" in ds:
        lines.append(f"slope efficiency: {_g(ds.slope_efficiency)} (quantum), "
                     f"{_g(ds.slope_efficiency_power)} W/W")
    if "lasing_energy" in ds:
        lines.append(f"lasing line: {_g(ds.lasing_energy, '.4f')} eV, FWHM "
                     f"{_g(ds.lasing_fwhm, '.0f', 1e3)} meV (channel spacing "
                     f"{_g(ds.channel_spacing, '.0f', 1e3)} meV)")
    if "photon_lifetime" in ds:
        lines.append(f"cavity: tau_c = {_g(ds.photon_lifetime)} ps, Q = "
                     f"{_g(ds.quality_factor)}, beta = {_g(ds.spontaneous_coupling)}")
    return lines
