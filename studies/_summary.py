"""The report's summary: the paper's headline claims against the computed datasets.

:func:`claims` reads each claim's ncgain number from the study datasets and gives it
a verdict by one of three rules (:data:`RULES`; the report states them above the
table):

* ``relative``: |ncgain / paper - 1| <= tol is *reproduced*, <= 3 tol *partly*, else
  *not reproduced*;
* ``absolute`` (log-log slopes): |ncgain - paper| <= tol, <= 3 tol, else not;
* ``qualitative``: the stated test on the numbers holds (*reproduced*), holds only in
  part (*partly*) or fails (*not reproduced*).

A claim whose paper number the presets were matched to is flagged ``input``: its
verdict is a consistency check, not a prediction. The wording of each row is in
``templates/report.md.j2``; a claim whose studies were not run is left out.

:func:`calibration_claims` gives the verdicts of the calibration study (the samples
*fitted* to the paper's numbers, not the presets), by its pull rule; the report lists
them in a table of their own below the presets' claims.
"""

from __future__ import annotations

import numpy as np

from ncgain import models

__all__ = ["RULES", "TOLERANCE", "SLOPE_TOLERANCE", "verdict", "claims", "calibration_claims"]

#: Relative tolerance of the ``relative`` rule (15 %: about the paper's own spread,
#: e.g. 91 meV calculated vs 106 meV measured).
TOLERANCE = 0.15
#: Absolute tolerance of the ``absolute`` rule (log-log slopes: 1 vs 2 must differ).
SLOPE_TOLERANCE = 0.3
#: The rules and their tolerances.
RULES = {"relative": TOLERANCE, "absolute": SLOPE_TOLERANCE}

_VERDICTS = ("reproduced", "partly", "not reproduced")


def verdict(rule: str, paper: float, ncgain: float, tol: float | None = None) -> dict:
    """Verdict of a numerical claim.

    Parameters
    ----------
    rule : {"relative", "absolute"}
        How the deviation is measured.
    paper, ncgain : float
        The paper's number and the model's.
    tol : float, optional
        Tolerance (default: ``RULES[rule]``).

    Returns
    -------
    dict
        ``rule``, ``paper``, ``ncgain``, ``deviation`` (relative or absolute),
        ``tol`` and ``verdict`` ("reproduced", "partly" or "not reproduced"; also
        "not reproduced" when ncgain is not finite).

    Examples
    --------
    >>> from ncgain.studies._summary import verdict
    >>> verdict("relative", 106.0, 86.2)["verdict"], verdict("absolute", 2, 1.04)["verdict"]
    ('partly', 'not reproduced')
    """
    tol = RULES[rule] if tol is None else tol
    if rule == "relative":
        dev = abs(ncgain / paper - 1)
    else:
        dev = abs(ncgain - paper)
    if not np.isfinite(dev):
        v = "not reproduced"
    else:
        v = _VERDICTS[0] if dev <= tol else _VERDICTS[1] if dev <= 3 * tol else _VERDICTS[2]
    return {"rule": rule, "paper": float(paper), "ncgain": float(ncgain),
            "deviation": float(dev), "tol": float(tol), "verdict": v}


def _qualitative(full: bool, part: bool = False, **numbers) -> dict:
    return {"rule": "qualitative", **numbers,
            "verdict": _VERDICTS[0] if full else _VERDICTS[1] if part else _VERDICTS[2]}


def _sel(da, **where) -> float:
    return float(da.sel(**where))


def claims(datasets: dict) -> dict:
    """The headline claims of Klimov et al. 2007, each with its ncgain number and verdict.

    Parameters
    ----------
    datasets : dict
        Study name -> its dataset (those of ``ncgain reproduce``); claims whose
        studies are missing are left out.

    Returns
    -------
    dict
        Claim id -> dict with ``verdict``, ``rule``, the numbers the report quotes and
        ``input`` (True if a preset was matched to the paper's number).
    """
    d = datasets
    out = {}
    if "fig5d_bleaching" in d:
        ds = d["fig5d_bleaching"]
        th, en, sl = ds.threshold, ds.probe_energy, ds.low_excitation_slope
        sample = models.Sample.from_json(ds.attrs["sample_0"])
        first = _sel(en, probe="type-II gain band")
        x_band = abs(first - sample.exciton_energy) < abs(first - sample.exciton_energy
                                                          - sample.delta_xx)
        x_th = _sel(th, probe="type-II E_X")
        out["single_exciton_gain"] = {**_qualitative(
            x_band, part=bool(np.isfinite(x_th)),
            first_energy=first, first_threshold=_sel(th, probe="type-II gain band"),
            x_threshold=x_th, exciton_energy=sample.exciton_energy,
            xx_energy=sample.exciton_energy + sample.delta_xx), "input": False}
        out["linear_bleach"] = {**verdict("absolute", 1.0, _sel(sl, probe="type-II E_X")),
                                "input": False}
        out["quadratic_bleach"] = {**verdict("absolute", 2.0, _sel(sl, probe="type-I gain band")),
                                   "input": False}
        ratio = _sel(th, probe="type-I gain band") / _sel(th, probe="type-II gain band")
        out["threshold_ratio"] = {**verdict("relative", 5.0, ratio), "input": False,
                                  "ratio_x": _sel(th, probe="type-I gain band") / x_th}
    if "fig4_xx_repulsion" in d:
        ds = d["fig4_xx_repulsion"]
        out["delta_xx_measured"] = {**verdict("relative", 106.0, 1e3 * float(ds.fit_delta_xx)),
                                    "input": True}
        out["xx_decay"] = {**verdict("relative", 130.0, float(ds.xx_decay_time)), "input": True}
        out["pl_slopes"] = {**_qualitative(
            abs(float(ds.slope_x) - 1) <= SLOPE_TOLERANCE
            and abs(float(ds.slope_xx) - 2) <= SLOPE_TOLERANCE,
            slope_x=float(ds.slope_x), slope_xx=float(ds.slope_xx)), "input": False,
            "tol": SLOPE_TOLERANCE}
    if "coreshell_figures" in d:
        ds = d["coreshell_figures"]
        ref = float(ds.reference_delta_xx.sel(dielectric_model="layered eps_inf"))
        out["delta_xx_calculated"] = {**verdict("relative", 91.0, 1e3 * ref), "input": False}
        curves = 1e3 * ds.delta_xx.sel(dielectric_model_curve="layered eps_inf")
        radii = ds.curve_core_radius.values
        h = ds.curve_shell_width.values
        c10, c16, c24 = (curves.sel(curve_core_radius=r, method="nearest").values
                         for r in (1.0, 1.6, 2.4))
        thick = h >= 1.0  # nm: past the type-I corner, where the paper compares the radii
        rises = bool((np.diff(c16) >= 0).all())
        out["delta_xx_size"] = {**_qualitative(
            rises and bool((c16[thick] > c10[thick]).all()),
            part=rises, h_min=float(h[0]), h_max=float(h[-1]), h_from=float(h[thick][0]),
            at_h_max={float(r): float(c[-1]) for r, c in zip(radii, (c10, c16, c24))},
            r16_at_2=float(np.interp(2.0, h, c16))), "input": False}
        out["znte_cdse"] = {**verdict("relative", 80.0, 1e3 * float(
            ds.znte_cdse_delta_xx.sel(dielectric_model="layered eps_inf"))), "input": False}
    if "fig1c_threshold" in d:
        ds = d["fig1c_threshold"]
        ok = np.isfinite(ds.threshold_formula) & np.isfinite(ds.threshold_single_exact) \
            & (ds.delta_over_gamma > 0)
        dev = float(abs(ds.threshold_single_exact / ds.threshold_formula - 1).where(ok).max())
        out["formula"] = {**verdict("relative", 2 / 3, _sel(
            ds.threshold_single_exact, delta_over_gamma=3.0, method="nearest")),
            "input": False, "max_deviation": dev,
            "poisson": float(ds.threshold_preset_poisson_early),
            "formula_preset": float(ds.threshold_preset_formula)}
    if "fig5a_gain_lifetime" in d:
        ds = d["fig5a_gain_lifetime"]
        t = ds.gain_decay_time
        out["lifetime_ii"] = {**verdict("relative", 1700.0, _sel(t, curve="type-II E_X")),
                              "input": True, "first_band": _sel(t, curve="type-II gain band")}
        out["lifetime_i"] = {**verdict("relative", 30.0, _sel(t, curve="type-I gain band")),
                             "input": True}
    if "fig5abc_ase" in d:
        a = d["fig5abc_ase"].attrs
        x, xx = a["type-ii_x_ase_threshold"], a["type-ii_xx_ase_threshold"]
        x_first = bool(np.isfinite(x) and (not np.isfinite(xx) or x < xx))
        out["ase_order"] = {**_qualitative(x_first, x=float(x), xx=float(xx)), "input": False}
        # sigma_pump is matched to <N> = 1 at 2 mJ cm^-2: the fluence scale is an input.
        out["ase_x"] = {**verdict("relative", 2.0, x), "input": True}
        out["ase_xx"] = {**verdict("relative", 6.0, xx), "input": False}
    if "cw_threshold" in d:
        ds = d["cw_threshold"]
        i = ds.cw_threshold_intensity
        ratio = _sel(i, preset="type-i", criterion="film") / _sel(i, preset="type-ii",
                                                                  criterion="film")
        fine = (_sel(i, preset="type-i-fine-structure", criterion="film")
                / _sel(i, preset="type-ii", criterion="film"))
        out["cw"] = {**_qualitative(ratio >= 10, part=fine > 1, ratio=ratio, ratio_fine=fine),
                     "input": False}
    return out


def calibration_claims(datasets: dict) -> dict:
    """The headline claims the calibration study gives a verdict on (fitted samples).

    Parameters
    ----------
    datasets : dict
        Study name -> dataset; empty result without ``"calibration"``.

    Returns
    -------
    dict
        Claim id -> ``verdict`` (largest |pull| of the claim's targets <= 1 reproduced,
        <= 3 partly, else not reproduced), ``pulls``, ``models`` and ``fit``; see
        :func:`ncgain.studies.calibration.claims`.
    """
    if "calibration" not in datasets:
        return {}
    from .calibration import claims as _calibration_claims
    return _calibration_claims(datasets["calibration"])
