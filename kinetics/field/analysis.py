"""What a paper reports from a stripe (ASE) or a cavity (lasing) run: :func:`ase_summary`,
:func:`lasing_summary`, and :func:`indexed` (index coordinates on every dimension).

Definitions (the numbers ``simulate_stripe`` and ``simulate_cavity`` add to their datasets):

* **bands** of a stripe: with abs(Delta_XX) >= Gamma / 2 (the XX band resolved from the X band)
  the channels split at E_X + Delta_XX / 2 into the X band and the XX band (on the side of
  Delta_XX); otherwise all channels are the X band and the XX band is empty;
* **amplification** A_k = time-integrated edge emission of channel k / the spontaneous
  emission that reaches the edge without amplification or loss (same run,
  :func:`channel_amplification`); undefined (NaN) in a channel into which no spontaneous emission
  falls (a dark channel between the narrow lines of a sample, or every channel at zero
  pump), and left out of a band's maximum;
* **ASE threshold** of a band: the smallest pump at which max_k A_k over the band reaches
  :data:`ASE_AMPLIFICATION` (10), interpolated linearly in log(pump)-log(A) between the
  bracketing pump points (the criterion of the Fig. 5a-c study); NaN where it does not
  exist within the pump grid (never reached, or already reached at the lowest pump);
* **peak energy, FWHM** of a band at a pump: the band's channel of largest time-integrated
  edge emission, and the full width at half that maximum (linear interpolation between
  channels; where the half maximum is not reached inside the band, the band's end is used,
  so the width is then a lower bound);
* **L-L kink threshold** of a cavity: the pump at the steepest point of the log-log L-L curve
  (c.w.: time-averaged output vs generation rate; pulsed: output photons per NC per pulse vs
  <N>), the geometric midpoint of the pump interval with the largest d ln L / d ln P,
  provided that slope exceeds 1 (superlinear: the laser's S-curve); NaN otherwise. Its
  uncertainty is stated as what it is: the two pump points of that interval (``*_bounds``,
  the pump grid's bracket; the threshold is their geometric midpoint, ``kink_threshold_factor``
  their half-ratio), a resolution interval, not a standard error (a Monte Carlo run's noise
  can move the kink to a neighbouring interval, which no shot-noise error covers: near
  threshold the stochastic turn-on moves L by far more than its photon-count noise). It is the
  threshold of the run as simulated: near threshold the turn-on is slow, so a c.w. run whose
  averaging window ends before the field builds up puts the kink above the steady-state
  threshold (compare ``gain_threshold_generation_rate_per_ps``, the no-field gain threshold);
* **slope efficiency**: dL/dP over the highest pump interval above the kink, in output photons
  per created exciton (c.w.: per NC per ps each; pulsed: per NC per pulse);
  ``slope_efficiency_power`` = that times E_line / E_pump (W/W);
* **lasing line**: the output channel of largest output at the highest pump, and its FWHM
  (channel-resolution limited: at least about one channel spacing);
* tau_c (ps), Q = E_c tau_c / hbar (E_c the centre of the channel grid, where
  ``models.Cavity`` defines Q) and beta from the cavity.
"""

from __future__ import annotations

import json

import numpy as np
import xarray as xr

__all__ = ["ASE_AMPLIFICATION", "HBAR_EV_PS", "channel_amplification", "ase_summary",
           "lasing_summary", "indexed", "crossing"]

#: Amplification (time-integrated edge emission / unamplified) that defines an ASE threshold.
ASE_AMPLIFICATION = 10.0
#: hbar (eV ps).
HBAR_EV_PS = 6.582119569e-4
#: Long names (<= 40 characters) chosen by hand for the photon-field variables whose
#: full names are longer (those move into ``description``).
SHORT_NAMES = {
    "edge_emission": "edge photon flux per channel",
    "edge_emission_integrated": "time-integrated edge photon flux",
    "edge_emission_unamplified": "unamplified spontaneous edge emission",
    "net_gain": "net gain -alpha/alpha_0(peak)",
    "modal_gain": "net modal gain",
    "field_books": "light-NC exchanges expected, per NC",
    "output": "output photons per NC per ps (L-L)",
    "output_spectrum": "output spectrum per NC per ps",
    "output_rate": "output photons per NC per ps",
    "cumulative_output": "cumulative output photons per NC",
}
#: CF conventions of the photon-field datasets.
CONVENTIONS = "CF-1.10"


def crossing(pump, values, level) -> float:
    """Smallest pump where ``values`` reaches ``level`` (log-log interpolation).

    Parameters
    ----------
    pump : array_like
        Increasing positive pump values.
    values : array_like
        Positive quantity at each pump.
    level : float
        The level that defines the crossing.

    Returns
    -------
    float
        The pump at the crossing; NaN if ``level`` is never reached or already reached
        at the lowest pump (the crossing is then not bracketed by the grid).
    """
    p = np.asarray(pump, float)
    a = np.asarray(values, float)
    above = np.nonzero(a >= level)[0]
    if above.size == 0 or above[0] == 0 or p[above[0] - 1] <= 0:
        return float("nan")
    i = int(above[0])
    x0, x1 = np.log(p[i - 1]), np.log(p[i])
    y0, y1 = np.log(max(a[i - 1], 1e-300)), np.log(a[i])
    return float(np.exp(x0 + (np.log(level) - y0) * (x1 - x0) / (y1 - y0)))


def channel_amplification(ds: xr.Dataset) -> xr.DataArray:
    """Amplification of each channel of a stripe run: edge emission / unamplified emission.

    Parameters
    ----------
    ds : xarray.Dataset
        A dataset of :func:`ncgain.kinetics.simulate_stripe`.

    Returns
    -------
    xarray.DataArray
        (pump, channel), dimensionless: ``edge_emission_integrated /
        edge_emission_unamplified``; NaN where no spontaneous emission reaches the edge
        in that channel (the ratio 0/0 of a dark channel: the channel lies outside every
        line, to float precision, or the pump is zero).
    """
    unamplified = ds.edge_emission_unamplified
    ratio = ds.edge_emission_integrated / unamplified.where(unamplified > 0)
    return ratio.rename("amplification").assign_attrs(_attrs(
        "1", "amplification (edge / unamplified)",
        "time-integrated edge emission divided by the spontaneous emission that reaches the "
        "edge without amplification or loss; NaN: no spontaneous emission in the channel "
        "(a dark channel, or zero pump)"))


def _band_max(values, mask):
    """Largest finite value of ``values[:, mask]`` per row; NaN where none is finite."""
    if not mask.any():
        return np.full(values.shape[0], np.nan)
    return np.fmax.reduce(values[:, mask], axis=1)     # fmax skips NaN, without a warning


def _fwhm(energy, spectrum):
    """(peak energy, FWHM) of ``spectrum`` on the channel energies ``energy`` (see module)."""
    e = np.asarray(energy, float)
    s = np.asarray(spectrum, float)
    if e.size == 0 or not np.any(s > 0):
        return float("nan"), float("nan")
    k = int(np.argmax(s))
    half = 0.5 * s[k]

    def side(step):
        j = k
        while 0 <= j + step < e.size and s[j + step] > half:
            j += step
        if not 0 <= j + step < e.size:
            return e[j]
        a, b = s[j], s[j + step]
        return e[j] + (e[j + step] - e[j]) * (a - half) / (a - b)

    return float(e[k]), float(side(1) - side(-1))


def _bands(sample, energy):
    """Boolean masks (X band, XX band) of the channels; the XX band empty if unresolved."""
    d = sample.delta_xx
    split = sample.exciton_energy + d / 2
    if abs(d) >= sample.linewidth / 2:
        xx = energy >= split if d > 0 else energy <= split
        return ~xx, xx
    return np.ones(energy.size, bool), np.zeros(energy.size, bool)


def _attrs(units, long_name, description=""):
    # One NaN convention for every dataset ncgain writes (docs/reliability.md, "NaN"): what
    # a NaN means goes into ``nan_meaning`` ("does not exist: ..."), not the description.
    out = {"units": units, "long_name": long_name}
    description, _, nan = description.partition("NaN: ")
    description = description.strip().rstrip(";").strip()
    if description:
        out["description"] = description
    if nan:
        out["nan_meaning"] = f"does not exist: {nan.strip()}"
    return out


def ase_summary(ds: xr.Dataset, amplification: float = ASE_AMPLIFICATION) -> xr.Dataset:
    """ASE thresholds, peak energies and widths per band of a :func:`simulate_stripe` result.

    Parameters
    ----------
    ds : xarray.Dataset
        A dataset of :func:`ncgain.kinetics.simulate_stripe`.
    amplification : float, default ASE_AMPLIFICATION
        The amplification that defines the ASE threshold, > 1.

    Returns
    -------
    xarray.Dataset
        With a ``band`` dimension ("X", "XX"): ``ase_threshold_fluence`` (mJ cm-2) and
        ``ase_threshold_mean_excitons`` (pulsed) or ``ase_threshold_intensity`` (W cm-2) and
        ``ase_threshold_generation_rate`` (c.w.), ``ase_amplification`` (pump, band),
        ``ase_peak_energy`` and ``ase_fwhm`` (pump, band, eV), and the attribute
        ``first_ase_band`` ("X", "XX" or "none"). Definitions: the module docstring.

    Raises
    ------
    ValueError
        If ``amplification`` is not a finite number > 1.
    """
    from ncgain import models

    if not (np.isfinite(amplification) and amplification > 1):
        raise ValueError(f"amplification = {amplification!r} is outside the allowed range (1, inf)")
    sample = models.Sample.from_json(ds.attrs["sample"])
    energy = np.asarray(ds.channel_energy.values, float)
    level = float(amplification)
    amp = channel_amplification(ds).values                             # (P, C)
    spec = ds.edge_emission_integrated.values
    pulsed = "pump_fluence" in ds.coords
    primary = ds["pump_fluence" if pulsed else "pump_intensity"].values
    secondary = ds["mean_excitons" if pulsed else "generation_rate"].values
    order = np.argsort(primary, kind="stable")
    bands = dict(zip(("X", "XX"), _bands(sample, energy)))
    thr, thr2, band_amp, peak, width = [], [], [], [], []
    for name, mask in bands.items():
        a = _band_max(amp, mask)
        band_amp.append(a)
        ok = order[np.isfinite(a[order])]          # pumps at which the band emits at all
        t = crossing(primary[ok], a[ok], level) if ok.size else float("nan")
        thr.append(t)
        thr2.append(t * float(secondary[order][-1] / primary[order][-1])
                    if np.isfinite(t) and primary[order][-1] > 0 else float("nan"))
        pw = [_fwhm(energy[mask], spec[p, mask]) if mask.any() else (np.nan, np.nan)
              for p in range(spec.shape[0])]
        peak.append([v[0] for v in pw])
        width.append([v[1] for v in pw])
    finite = [(t, n) for t, n in zip(thr, bands) if np.isfinite(t)]
    first = min(finite)[1] if finite else "none"
    crit = (f"the smallest pump at which the band's largest amplification (time-integrated "
            f"edge emission / unamplified spontaneous emission) reaches {amplification:g}, "
            "log-log interpolated between pump points; NaN: not reached within the pump grid "
            "or already at its lowest pump")
    if pulsed:
        tv = {"ase_threshold_fluence": (("band",), np.array(thr), _attrs(
                  "mJ cm-2", "ASE threshold fluence", crit)),
              "ase_threshold_mean_excitons": (("band",), np.array(thr2), _attrs(
                  "1", "ASE threshold <N>", "<N> at the ASE threshold fluence (sigma_pump F); NaN: no ASE threshold fluence"))}
    else:
        tv = {"ase_threshold_intensity": (("band",), np.array(thr), _attrs(
                  "W cm-2", "ASE threshold intensity", crit)),
              "ase_threshold_generation_rate": (("band",), np.array(thr2), _attrs(
                  "ps-1", "ASE threshold generation rate",
                  "excitons per NC per ps at the ASE threshold intensity; NaN: no ASE "
                  "threshold intensity"))}
    out = xr.Dataset(
        {**tv,
         "ase_amplification": (("pump", "band"), np.array(band_amp).T, _attrs(
             "1", "largest amplification in the band",
             "max over the band's channels of the time-integrated edge emission divided by "
             "the unamplified spontaneous emission, over the channels that receive spontaneous "
             "emission; NaN: the band is empty or none of its channels does")),
         "ase_peak_energy": (("pump", "band"), np.array(peak).T, _attrs(
             "eV", "band peak of the edge emission",
             "channel of largest time-integrated edge emission within the band; NaN: the "
             "band is empty (XX not resolved)")),
         "ase_fwhm": (("pump", "band"), np.array(width).T, _attrs(
             "eV", "FWHM of the band's edge emission",
             "full width at half the band's peak, linear between channels; where half "
             "the peak is not reached inside the band its end is used (a lower bound); NaN: the band is empty"))},
        coords={"band": ("band", ["X", "XX"], _attrs("1", "emission band",
                                                     "X: single-exciton band; XX: biexciton "
                                                     "band, split at E_X + Delta_XX / 2 when "
                                                     "abs(Delta_XX) >= Gamma / 2, else empty"))},
        attrs={"first_ase_band": first, "ase_amplification_criterion": float(amplification)})
    return out


def lasing_summary(ds: xr.Dataset) -> xr.Dataset:
    """L-L kink threshold, slope efficiency, lasing line and cavity figures of a cavity run.

    Parameters
    ----------
    ds : xarray.Dataset
        A dataset of :func:`ncgain.kinetics.simulate_cavity`.

    Returns
    -------
    xarray.Dataset
        Scalars: ``kink_threshold_generation_rate`` (ps-1) and ``kink_threshold_intensity``
        (W cm-2) for c.w., ``kink_threshold_mean_excitons`` and ``kink_threshold_fluence``
        (mJ cm-2) for pulsed; ``slope_efficiency`` (1), ``slope_efficiency_power`` (1),
        ``kink_threshold_factor`` (1, the pump grid's resolution of the kink), and for each
        kink threshold its ``*_bounds`` (dimension ``bound``: lower, upper; the pump grid's
        bracket, in the threshold's units; CF ``bounds`` attribute on the threshold),
        ``lasing_energy`` and ``lasing_fwhm`` (eV), ``channel_spacing`` (eV),
        ``photon_lifetime`` (ps), ``quality_factor`` (1), ``spontaneous_coupling`` (1).
        NaN where a quantity does not exist (no superlinear kink; fewer than two pump
        points). Definitions: the module docstring.
    """
    from ncgain import models

    sample = models.Sample.from_json(ds.attrs["sample"])
    cav = json.loads(ds.attrs["cavity"])
    energy = np.asarray(ds.channel_energy.values, float)
    cw = "generation_rate" in ds.coords
    pump = np.asarray(ds["generation_rate" if cw else "mean_excitons"].values, float)
    other = np.asarray(ds["pump_intensity" if cw else "pump_fluence"].values, float)
    if cw:
        ll = np.asarray(ds.output.values, float)
        spectra = np.asarray(ds.output_spectrum.values, float)
    else:
        spectra = np.asarray(ds.cumulative_output.isel(time=-1).values, float)
        ll = spectra.sum(axis=1)
    order = np.argsort(pump, kind="stable")
    p, l, q = pump[order], ll[order], other[order]
    kink = kink_other = slope = factor = float("nan")
    bracket = bracket_other = np.full(2, np.nan)   # the steepest segment's pump interval
    ok = (p > 0) & (l > 0)
    if ok.sum() >= 2:
        lp, lq, ll_ = np.log(p[ok]), np.log(q[ok]), np.log(l[ok])
        d = np.diff(ll_) / np.diff(lp)
        i = int(np.argmax(d))
        if d[i] > 1.0:
            kink = float(np.exp(0.5 * (lp[i] + lp[i + 1])))
            factor = float(np.exp(0.5 * (lp[i + 1] - lp[i])))
            kink_other = float(np.exp(0.5 * (lq[i] + lq[i + 1])))
            bracket, bracket_other = p[ok][i:i + 2].copy(), q[ok][i:i + 2].copy()
            pk, lk = p[ok], l[ok]
            if pk[-1] > kink and pk.size >= 2:
                slope = float((lk[-1] - lk[-2]) / (pk[-1] - pk[-2]))
    top = spectra[order[-1]] if spectra.shape[0] else np.zeros(energy.size)
    line, fwhm = _fwhm(energy, top)
    tau_c = float(ds.attrs["photon_lifetime_ps"])
    e_ref = line if np.isfinite(line) else float(energy.mean())
    e_centre = 0.5 * float(energy[0] + energy[-1])      # the Cavity's Q is defined here
    q_factor = e_centre * tau_c / HBAR_EV_PS
    thr_desc = ("pump at the steepest point of the log-log L-L curve (geometric midpoint of the "
                "pump interval with the largest d ln L / d ln P), when that slope exceeds 1; "
                "NaN: no superlinear kink on the pump grid")
    names = (("kink_threshold_generation_rate", "kink_threshold_intensity") if cw
             else ("kink_threshold_mean_excitons", "kink_threshold_fluence"))
    if cw:
        tv = {"kink_threshold_generation_rate": ((), kink, _attrs(
                  "ps-1", "L-L kink threshold, generation rate", thr_desc)),
              "kink_threshold_intensity": ((), kink_other, _attrs(
                  "W cm-2", "L-L kink threshold intensity (c.w.)", thr_desc))}
        s_desc = ("dL/dG over the highest pump interval above the kink: output photons per NC "
                  "per ps per exciton created per NC per ps; NaN: no kink below the top pump")
    else:
        tv = {"kink_threshold_mean_excitons": ((), kink, _attrs(
                  "1", "L-L kink threshold <N>", thr_desc)),
              "kink_threshold_fluence": ((), kink_other, _attrs(
                  "mJ cm-2", "L-L kink threshold fluence", thr_desc))}
        s_desc = ("d(output photons per NC per pulse)/d<N> over the highest pump interval "
                  "above the kink; NaN: no kink below the top pump")
    bounds_desc = ("the pump grid's bracket of the kink: the two pump points of the steepest "
                   "log-log segment, between which the kink threshold lies (its geometric "
                   "midpoint). A resolution interval of the grid, not a statistical error: "
                   "exact for the rate equations; a Monte Carlo run's noise can move the "
                   "kink to a neighbouring segment, which this does not include; NaN: no kink")
    for name, values in zip(names, (bracket, bracket_other)):
        units = tv[name][2]["units"]
        tv[name][2]["bounds"] = f"{name}_bounds"      # CF: the cell boundaries of the value
        tv[f"{name}_bounds"] = (("bound",), values, _attrs(
            units, "pump-grid bracket of the L-L kink", bounds_desc))
    out = xr.Dataset({
        **tv,
        "kink_threshold_factor": ((), factor, _attrs(
            "1", "kink threshold grid uncertainty factor",
            "the kink lies in [threshold / f, threshold * f]: half the pump interval of the "
            "steepest segment in log pump (the pump grid's resolution; a Monte Carlo run adds "
            "its own noise to L, not included); NaN: no kink")),
        "slope_efficiency": ((), slope, _attrs("1", "slope efficiency (quantum)", s_desc)),
        "slope_efficiency_power": ((), slope * e_ref / sample.pump_energy, _attrs(
            "1", "slope efficiency (power, W/W)",
            "slope_efficiency times E_line / E_pump: output power per pump power absorbed "
            "by the NCs; NaN: no kink below the top pump")),
        "lasing_energy": ((), line, _attrs("eV", "lasing line (output peak)",
                                           "channel of largest output at the highest pump; "
                                           "NaN: no output")),
        "lasing_fwhm": ((), fwhm, _attrs("eV", "lasing line FWHM",
                                         "full width at half maximum of the output spectrum "
                                         "at the highest pump; resolution: channel_spacing; "
                                         "NaN: no output")),
        "channel_spacing": ((), float(energy[1] - energy[0]) if energy.size > 1 else np.nan,
                            _attrs("eV", "channel spacing",
                                   "NaN: a single channel")),
        "photon_lifetime": ((), tau_c, _attrs("ps", "photon lifetime tau_c")),
        "quality_factor": ((), q_factor, _attrs("1", "quality factor Q",
                                                "Q = E_c tau_c / hbar at the channel "
                                                "centre E_c (the Cavity's definition)")),
        "spontaneous_coupling": ((), float(cav["spontaneous_coupling"]), _attrs(
            "1", "spontaneous coupling beta",
            "fraction of a single exciton's radiative rate emitted into the channels")),
    }, coords={"bound": ("bound", ["lower", "upper"], _attrs(
        "1", "bound of an interval", "lower and upper end of a *_bounds interval"))})
    return out


def indexed(ds: xr.Dataset) -> xr.Dataset:
    """``ds`` with an index coordinate on ``pump``, ``channel`` (and ``slice``), ``Conventions``.

    ``pump`` holds the pump as given (<N> pulsed, generation rate c.w.), ``channel`` the
    channel energies (eV), ``slice`` the slice centres (cm); the physical pump coordinates (``pump_fluence``,
    ``pump_intensity``, ...) get their own index, so ``ds.sel(pump_fluence=4.0)`` works
    (after reading a file back, ``ds.set_xindex("pump_fluence")`` restores it).

    Parameters
    ----------
    ds : xarray.Dataset
        A dataset of the cavity or the stripe.

    Returns
    -------
    xarray.Dataset
        A new dataset with the coordinates and attributes; values unchanged, long
        names within :data:`ncgain.kinetics.output.MAX_LONG_NAME` characters.
    """
    pulsed = "mean_excitons" in ds.coords
    name = "mean_excitons" if pulsed else "generation_rate"
    coords = {"pump": ("pump", ds[name].values, dict(ds[name].attrs)),
              "channel": ("channel", ds.channel_energy.values,
                          dict(ds.channel_energy.attrs))}
    if "slice_position" in ds.coords:
        coords["slice"] = ("slice", ds.slice_position.values, dict(ds.slice_position.attrs))
    ds = ds.assign_coords(coords)
    for c in ("mean_excitons", "pump_fluence", "generation_rate", "pump_intensity"):
        if c in ds.coords and ds[c].dims == ("pump",):
            ds = ds.set_xindex(c)
    ds.attrs["Conventions"] = CONVENTIONS
    from ..output import short_long_names
    return short_long_names(ds, names=SHORT_NAMES)
