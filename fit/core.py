"""``fit``: the model fitted to data, with uncertainties and identifiability stated.

See docs/fitting.md for the likelihood, the priors and the identifiability rules.
"""

from __future__ import annotations

import dataclasses
import math
import numbers
import time as _time
from dataclasses import dataclass, field

import emcee
import lmfit
import numpy as np
import xarray as xr

from ncgain import models

from .data import FitData, check_data
from .pool import resolve_workers
from .posterior import LogPosterior, run_emcee
from .forward import NUISANCE_RANGES, NUISANCES, ForwardModel, apply_fields, nuisance_names
from .targets import _FIELD_QUANTITIES, Target
from .units import CANONICAL_UNITS

__all__ = ["fit", "FitResult", "fittable_fields", "CORRELATION_LIMIT", "FLAT_TOLERANCE",
           "MINIMIZERS"]

#: The absolute correlation above which two parameters are reported as not separately determined
CORRELATION_LIMIT = 0.95
#: eigenvalue of the scaled Fisher matrix, relative to its largest, below which a direction
#: of parameter space is flat (the data do not constrain it)
FLAT_TOLERANCE = 1e-10
#: a flat eigenvector's component above which a parameter takes part in the flat direction
FLAT_COMPONENT = 0.3
#: Jacobian column norm, relative to the largest, below which a parameter has no effect at
#: the start and is held fixed during the minimization (then reported as a flat direction)
NO_EFFECT = 1e-12
#: residual of every point when the model refuses a parameter set (chi-square n * 1e6)
INVALID_RESIDUAL = 1e3
#: lmfit minimizers offered (bounded, local)
MINIMIZERS = ("least_squares", "leastsq", "nelder", "lbfgsb", "powell")
#: relative step (of the bound range) of the finite-difference Jacobian, per forward model
JACOBIAN_STEP = {"master-equation": 1e-4, "monte-carlo": 1e-2}
FORWARD_MODELS = ("master-equation", "monte-carlo")
#: fields that lmfit sees in scaled units (its bound checks use absolute tolerances): the
#: parameter holds value / scale; expressions see the scaled value
INTERNAL_SCALE = {"sigma_pump": 1e-15}


def fittable_fields(sample: models.Sample) -> dict[str, str]:
    """The Sample fields a fit may vary, with their units.

    Parameters
    ----------
    sample : models.Sample

    Returns
    -------
    dict
        Field name -> units, for the real-valued fields set on ``sample`` (optional fields
        that are None, integers, strings and tuples are not fittable).
    """
    out = {}
    for f in dataclasses.fields(models.Sample):
        value = getattr(sample, f.name)
        if isinstance(value, float) and f.name in _FIELD_QUANTITIES:
            out[f.name] = CANONICAL_UNITS[_FIELD_QUANTITIES[f.name]]
    return out


def _field_units(name: str) -> str:
    return CANONICAL_UNITS[_FIELD_QUANTITIES[name]]


def _real(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool) \
        and math.isfinite(float(value))


def _spec(owner: str, name: str, spec, default: float | None):
    """(value, low, high, expr, vary) from a vary/nuisance specification."""
    if isinstance(spec, str):
        return (default if default is not None else 0.0), -np.inf, np.inf, spec, False
    if _real(spec):
        return float(spec), -np.inf, np.inf, None, False
    if isinstance(spec, (tuple, list)) and len(spec) in (2, 3) and all(_real(v) for v in spec):
        if len(spec) == 2:
            low, high = map(float, spec)
            start = default
        else:
            start, low, high = map(float, spec)
        if not low < high:
            raise ValueError(f"{owner}[{name!r}] = {tuple(spec)!r}: bounds must satisfy "
                             "low < high")
        if start is None:
            start = 0.5 * (low + high)
        if not low <= start <= high:
            raise ValueError(
                f"{owner}[{name!r}] = {tuple(spec)!r}: the start value {start!r} is outside "
                f"the bounds [{low!r}, {high!r}]; give (start, low, high) or change the sample")
        return start, low, high, None, True
    raise ValueError(f"{owner}[{name!r}] = {spec!r} must be (low, high) or (start, low, high) "
                     "with finite numbers, a fixed number (nuisances) or an lmfit expression "
                     "string")


def _sample_parameters(params: lmfit.Parameters, sample: models.Sample, vary: dict,
                       expressions: list) -> list:
    if not isinstance(vary, dict) or not vary:
        raise ValueError(f"vary must be a non-empty dict of Sample field -> (low, high), got "
                         f"{vary!r}")
    allowed = fittable_fields(sample)
    names = []
    for name, spec in vary.items():
        if name not in allowed:
            known = {f.name for f in dataclasses.fields(models.Sample)}
            why = ("not a Sample field" if name not in known else
                   "unset (None) on this sample: set a start value first"
                   if getattr(sample, name) is None else
                   "not a real-valued field (integers, names and tuples are not fitted)")
            raise ValueError(f"vary names {name!r}: {why}; fittable fields: "
                             f"{tuple(allowed)}")
        if isinstance(spec, str):
            expressions.append(("vary", name, spec))
            names.append(name)
            continue
        if _real(spec):
            raise ValueError(f"vary[{name!r}] = {spec!r}: give bounds (low, high); to fix a "
                             "field, set it on the sample")
        value, low, high, _, _ = _spec("vary", name, spec, getattr(sample, name))
        for bound in (low, high):
            try:
                dataclasses.replace(sample, **{name: bound})
            except ValueError as exc:
                raise ValueError(f"vary[{name!r}] = {tuple(spec)!r}: the bound {bound!r} "
                                 f"{_field_units(name)} is outside the field's valid range "
                                 f"({exc})") from None
        scale = INTERNAL_SCALE.get(name, 1.0)
        params.add(name, value=value / scale, min=low / scale, max=high / scale, vary=True)
        names.append(name)
    return names


def _nuisance_parameters(params: lmfit.Parameters, nuisances, variables,
                         expressions: list) -> list:
    if nuisances is None:
        return []
    if not isinstance(nuisances, dict):
        raise ValueError(f"nuisances must be a dict name -> spec, got {nuisances!r}")
    allowed = nuisance_names(variables)
    names = []
    for name, spec in nuisances.items():
        if name not in allowed:
            raise ValueError(f"nuisances names {name!r}; allowed for these data: "
                             f"{tuple(allowed)}")
        kind = allowed[name][0]
        lo_ok, hi_ok = NUISANCE_RANGES[kind]
        default = NUISANCES[kind][0]
        if isinstance(spec, (tuple, list)) and len(spec) == 2 and all(_real(v) for v in spec) \
                and not float(spec[0]) <= default <= float(spec[1]):
            default = None                     # not the user's value: start at the midpoint
        value, low, high, expr, vary = _spec("nuisances", name, spec, default)
        checks = [value] if not vary else [low, high]
        if expr is None:
            for v in checks:
                if not lo_ok <= v <= hi_ok:
                    raise ValueError(f"nuisances[{name!r}] = {spec!r}: {v!r} "
                                     f"{NUISANCES[kind][1]} is outside the allowed range "
                                     f"[{lo_ok:g}, {hi_ok:g}]")
            params.add(name, value=value, min=low, max=high, vary=vary)
        else:
            expressions.append(("nuisances", name, expr))
        names.append(name)
    return names


class _Objective:
    """Normalized residuals (data - model) / sigma, then (model - target) / sigma.

    A picklable callable (emcee's worker processes receive it).
    """

    def __init__(self, sample, forward, targets, field_names, nuisance_names_):
        self.sample = sample
        self.forward = forward
        self.targets = targets
        self.field_names = field_names
        self.nuisance_names = nuisance_names_
        self.n_data = forward.data.size
        self.n_invalid = 0
        self.values = [b.values for b in forward.data.blocks]
        self.sigmas = [b.sigma for b in forward.data.blocks]

    def split(self, pvals: dict):
        fields = {k: pvals[k] * INTERNAL_SCALE.get(k, 1.0) for k in self.field_names}
        nuis = {k: pvals[k] for k in self.nuisance_names}
        return fields, nuis

    def models(self, pvals: dict):
        fields, nuis = self.split(pvals)
        sample = apply_fields(self.sample, fields)
        return sample, self.forward.evaluate(sample, nuis)

    def __call__(self, params) -> np.ndarray:
        pvals = params.valuesdict() if hasattr(params, "valuesdict") else dict(params)
        try:
            sample, curves = self.models(pvals)
            parts = [((m - d) / s).ravel() for m, d, s in zip(curves, self.values, self.sigmas)]
            parts.append(np.array([t.residual(sample) for t in self.targets], dtype=float))
            out = np.concatenate(parts)
        except ValueError:
            # a parameter set the model refuses (Sample validation, alpha_0 vanishing at a
            # probe energy): penalized, never NaN
            self.n_invalid += 1
            return np.full(self.n_data + len(self.targets), INVALID_RESIDUAL)
        if not np.isfinite(out).all():
            self.n_invalid += 1
            return np.full(out.size, INVALID_RESIDUAL)
        return out


@dataclass
class FitResult:
    """The outcome of :func:`fit`.

    Parameters
    ----------
    sample : models.Sample
        The starting sample with the fitted field values.
    values : dict
        Parameter name -> best-fit value (Sample fields and nuisances, varied or derived
        from expressions).
    stderr : dict
        Parameter name -> 1-sigma uncertainty from the Fisher matrix at the best fit;
        ``math.inf`` for a parameter the data cannot determine (see ``undetermined``).
    correlations : dict
        (name_a, name_b) -> correlation coefficient of two varied parameters.
    chisqr, redchi : float
        Chi-square and chi-square per degree of freedom (ndata - nvarys).
    ndata, nvarys : int
        Data points (targets included) and varied parameters.
    curves : xarray.Dataset
        Per fitted variable ``<v>``, ``<v>_sigma``, ``<v>_model`` and ``<v>_residual``
        ((data - model) / sigma) on the data's grid; units and long names on every variable.
    undetermined : dict
        Parameter -> why the data cannot determine it (flat direction, absolute correlation >
        :data:`CORRELATION_LIMIT`, sigma larger than its bound range).
    units : dict
        Parameter -> units.
    bounds : dict
        Varied parameter -> (low, high).
    posterior : xarray.Dataset or None
        The emcee samples (``draw`` dimension, one variable per varied parameter), seed and
        chain settings in the attributes; None unless ``posterior=True``.
    covariance : ndarray
        Covariance of the varied parameters (order ``varied``); inf on the rows of
        undetermined parameters.
    varied : list of str
    method, forward : str
        The minimizer and the forward model.
    nfev : int
        Forward-model evaluations of the fit (the Jacobian included).
    n_invalid : int
        Evaluations the model refused (penalized parameter sets).
    elapsed : float
        Wall time of the fit (s), the posterior excluded.
    success : bool
    message : str
    targets : list of Target
    target_pulls : dict
        Target label -> (model - value) / sigma at the best fit.
    lmfit_result : lmfit.minimizer.MinimizerResult
    posterior_elapsed : float
        Wall time of the posterior (s), 0 without one.
    """

    sample: models.Sample
    values: dict
    stderr: dict
    correlations: dict
    chisqr: float
    redchi: float
    ndata: int
    nvarys: int
    curves: xr.Dataset
    undetermined: dict
    units: dict
    bounds: dict
    covariance: np.ndarray
    varied: list
    method: str
    forward: str
    nfev: int
    n_invalid: int
    elapsed: float
    success: bool
    message: str
    targets: list = field(default_factory=list)
    target_pulls: dict = field(default_factory=dict)
    lmfit_result: object = None
    posterior: xr.Dataset | None = None
    posterior_elapsed: float = 0.0

    def posterior_intervals(self, level: float = 0.68) -> dict:
        """Central posterior intervals of the varied parameters.

        Parameters
        ----------
        level : float, default 0.68
            Probability inside the interval, in (0, 1).

        Returns
        -------
        dict
            Parameter -> (low, median, high).

        Raises
        ------
        ValueError
            Without a posterior, or if ``level`` is outside (0, 1).
        """
        if self.posterior is None:
            raise ValueError("this fit has no posterior: call fit(..., posterior=True)")
        if not (_real(level) and 0 < level < 1):
            raise ValueError(f"level = {level!r} is outside the allowed range (0, 1)")
        q = [50 * (1 - level), 50.0, 50 * (1 + level)]
        return {k: tuple(float(v) for v in np.percentile(self.posterior[k].values, q))
                for k in self.varied}

    def report(self) -> str:
        """The fit as text: values +- 1 sigma with units, chi-square, undetermined parameters.

        Returns
        -------
        str
        """
        lines = [f"ncgain fit ({self.method}, forward model {self.forward}): "
                 f"{'converged' if self.success else 'NOT converged: ' + self.message}",
                 f"  chi-square {self.chisqr:.6g}, reduced {self.redchi:.4g} "
                 f"({self.ndata} points, {self.nvarys} varied, {self.ndata - self.nvarys} "
                 f"degrees of freedom); {self.nfev} model evaluations in {self.elapsed:.3g} s"]
        if self.redchi > 2.0:
            lines.append("  reduced chi-square > 2: the model does not describe the data "
                         "within their sigma (or the sigma are too small); the uncertainties "
                         "below take the sigma at face value")
        lines.append("  parameter            value          1 sigma       units     bounds")
        for k, v in self.values.items():
            s = self.stderr.get(k, math.inf)
            sig = "undetermined" if k in self.undetermined else f"{s:.4g}"
            b = self.bounds.get(k)
            bounds = f"[{b[0]:.4g}, {b[1]:.4g}]" if b else ("(expression)" if k in self.stderr
                                                            else "(fixed)")
            lines.append(f"  {k:<20} {v:<14.6g} {sig:<13} {self.units.get(k, ''):<9} {bounds}")
        if self.posterior is not None:
            lines.append(f"  posterior ({self.posterior.attrs['nwalkers']} walkers x "
                         f"{self.posterior.attrs['steps']} steps, burn "
                         f"{self.posterior.attrs['burn']}, seed {self.posterior.attrs['seed']}, "
                         f"{self.posterior_elapsed:.3g} s): median and 68 % interval")
            for k, (lo, med, hi) in self.posterior_intervals().items():
                if k in self.undetermined:      # a flat direction: the spread is no measure
                    lines.append(f"  {k:<20} not determined: the posterior is the prior "
                                 f"(uniform on the bounds)")
                    continue
                lines.append(f"  {k:<20} {med:<14.6g} -{med - lo:.3g} +{hi - med:.3g} "
                             f"{self.units.get(k, '')}")
        strong = [(a, b, r) for (a, b), r in self.correlations.items() if abs(r) > 0.5]
        if strong:
            lines.append("  correlations |r| > 0.5: " + ", ".join(
                f"{a}-{b} {r:+.3f}" for a, b, r in strong))
        if self.undetermined:
            lines.append("  not determined by the data:")
            for k, why in self.undetermined.items():
                lines.append(f"    {k}: {why}")
        for label, pull in self.target_pulls.items():
            lines.append(f"  target {label}: pull (model - value) / sigma = {pull:+.3g}")
        if self.n_invalid:
            lines.append(f"  {self.n_invalid} evaluations were refused by the model "
                         "(penalized parameter sets)")
        return "\n".join(lines)

    def plot(self, variable: str | None = None, **kwargs):
        """Data vs fit with normalized residuals: see :func:`ncgain.fit.plots.plot_fit`.

        Parameters
        ----------
        variable : str, optional
        **kwargs
            Passed to :func:`ncgain.fit.plots.plot_fit`.

        Returns
        -------
        matplotlib.figure.Figure
        """
        from .plots import plot_fit
        return plot_fit(self, variable, **kwargs)

    def plot_corner(self, **kwargs):
        """The posterior's corner plot: see :func:`ncgain.fit.plots.plot_corner`.

        Parameters
        ----------
        **kwargs
            Passed to :func:`ncgain.fit.plots.plot_corner`.

        Returns
        -------
        matplotlib.figure.Figure
        """
        from .plots import plot_corner
        return plot_corner(self, **kwargs)


def _jacobian(objective, params, varied, bounds, step_rel, best):
    """Central-difference Jacobian of the residuals in units of each bound range."""
    base = params.valuesdict()
    cols = []
    for name in varied:
        low, high = bounds[name]
        h = step_rel * (high - low)
        x = base[name]
        up, down = min(x + h, high), max(x - h, low)
        p_up, p_down = params.copy(), params.copy()
        p_up[name].set(value=up)
        p_down[name].set(value=down)
        r_up, r_down = objective(p_up), objective(p_down)
        cols.append((r_up - r_down) / ((up - down) / (high - low)))
    return np.column_stack(cols) if cols else np.zeros((best.size, 0))


def _identify(jac, varied, bounds, scales=None):
    """Covariance (physical units), stderr and the reasons for undetermined parameters."""
    n = len(varied)
    ranges = np.array([bounds[k][1] - bounds[k][0] for k in varied])
    fisher = jac.T @ jac
    undetermined = {}
    w, v = np.linalg.eigh(fisher)
    wmax = float(w.max()) if w.size else 0.0
    flat = w <= FLAT_TOLERANCE * max(wmax, 0.0) if wmax > 0 else np.ones(n, bool)
    for k in np.flatnonzero(flat):
        involved = [varied[j] for j in range(n) if abs(v[j, k]) > FLAT_COMPONENT]
        for name in involved:
            others = [o for o in involved if o != name]
            undetermined[name] = ("flat direction: the data do not change along it"
                                  + (f" (together with {', '.join(others)})" if others else "")
                                  + "; covariance not estimable")
    det = [j for j, k in enumerate(varied) if k not in undetermined]
    cov = np.full((n, n), math.inf)
    if det:
        sub = fisher[np.ix_(det, det)]
        try:
            sub_cov = np.linalg.inv(sub)
        except np.linalg.LinAlgError:
            sub_cov = np.linalg.pinv(sub)
        sub_cov = sub_cov * np.outer(ranges[det], ranges[det])
        cov[np.ix_(det, det)] = sub_cov
    stderr = {}
    for j, k in enumerate(varied):
        c = cov[j, j]
        stderr[k] = float(math.sqrt(c)) if math.isfinite(c) and c >= 0 else math.inf
        if k not in undetermined and not math.isfinite(stderr[k]):
            undetermined[k] = "covariance not estimable (negative or infinite variance)"
    correlations = {}
    for a in range(n):
        for b in range(a + 1, n):
            ka, kb = varied[a], varied[b]
            if ka in undetermined or kb in undetermined:
                continue
            r = cov[a, b] / (stderr[ka] * stderr[kb])
            correlations[(ka, kb)] = float(np.clip(r, -1.0, 1.0))
    for (ka, kb), r in correlations.items():
        if abs(r) > CORRELATION_LIMIT:
            for x, y in ((ka, kb), (kb, ka)):
                undetermined.setdefault(x, f"|correlation| with {y} = {abs(r):.3f} > "
                                           f"{CORRELATION_LIMIT}: only a combination of the "
                                           "two is determined")
    for j, k in enumerate(varied):
        if math.isfinite(stderr[k]) and stderr[k] > ranges[j]:
            f = 1.0 if scales is None else scales.get(k, 1.0)
            undetermined.setdefault(k, f"1 sigma = {stderr[k] * f:.3g} exceeds the bound "
                                       f"range {ranges[j] * f:.3g}: the bounds, not the data, "
                                       "limit it")
    return cov, stderr, correlations, undetermined


def _expression_stderr(params, varied, cov, stderr, expr_names):
    """Linear propagation of the covariance to expression parameters."""
    out = {}
    base = params.copy()
    for name in expr_names:
        grad = []
        for k in varied:
            h = 1e-6 * max(abs(base[k].value), stderr[k] if math.isfinite(stderr[k]) else 0,
                           1e-12)
            p = base.copy()
            p[k].set(value=base[k].value + h)
            p.update_constraints()
            grad.append((p[name].value - base[name].value) / h)
        grad = np.array(grad)
        used = np.abs(grad) > 0
        if (~np.isfinite(cov[np.ix_(used, used)])).any():
            out[name] = math.inf
        else:
            var = float(grad[used] @ cov[np.ix_(used, used)] @ grad[used])
            out[name] = math.sqrt(max(var, 0.0))
    return out


def _curves(data: FitData, models_, names_units) -> xr.Dataset:
    out = xr.Dataset()
    pump_attrs = {"mean_excitons": {"units": "1", "long_name": "mean excitons per NC <N> "
                                                              "(nominal)"},
                  "pump_fluence": {"units": "mJ cm-2", "long_name": "pump fluence"}}
    for block, model in zip(data.blocks, models_):
        dims = []
        for dim, vals in ((block.pump, block.pump_values), ("time", block.times),
                          ("energy", block.energies)):
            name = dim
            if dim in out.coords and not np.array_equal(out[dim].values, vals):
                name = f"{dim}_{block.name}"
            dims.append((name, dim, vals))
        coords = {}
        for name, dim, vals in dims:
            attrs = dict(pump_attrs.get(dim) or {
                "time": {"units": "ps", "long_name": "delay after the nominal pump arrival"},
                "energy": {"units": "eV", "long_name": "photon energy"}}[dim])
            coords[name] = (name, vals, attrs)
        dnames = [d[0] for d in dims]
        units, long = names_units[block.name]
        out = out.assign_coords(coords)
        out[block.name] = (dnames, block.values, {"units": units, "long_name": f"{long} "
                                                                               "(data)"})
        out[f"{block.name}_sigma"] = (dnames, block.sigma, {
            "units": units, "long_name": f"1-sigma uncertainty of {block.name}"})
        out[f"{block.name}_model"] = (dnames, model, {"units": units,
                                                      "long_name": f"{long} (fitted model)"})
        out[f"{block.name}_residual"] = (dnames, (block.values - model) / block.sigma, {
            "units": "1", "long_name": f"normalized residual (data - model) / sigma of "
                                       f"{block.name}"})
    return out


_VARIABLE_UNITS = {"bleach": ("1", "normalized bleaching -dalpha/alpha_0"),
                   "absorption": ("1", "absorption alpha / alpha_0(peak)"),
                   "gain": ("1", "net gain -alpha / alpha_0(peak)"),
                   "pl": ("ps-1 eV-1", "spontaneous emission per NC")}


def fit(data, sample, vary, *, targets=None, nuisances=None, method="least_squares",
        posterior=False, sigma=None, variables=None, forward="master-equation",
        n_nanocrystals=200_000, seed=0, statistics="poisson", nwalkers=32, steps=2000,
        burn=None, thin=1, workers=1, max_nfev=None) -> FitResult:
    """Fit a Sample (and the measurement's nuisances) to data, with honest uncertainties.

    The likelihood is Gaussian with independent points of the given 1-sigma uncertainties
    (chi-square = sum ((data - model) / sigma)^2 over the data and the targets); the
    priors are uniform within the bounds (docs/fitting.md).

    Parameters
    ----------
    data : xarray.Dataset, list of xarray.Dataset or FitData
        Measured data in ncgain's schema (see :mod:`ncgain.fit.data`; a list for variables
        on different grids); checked and converted to eV, ps, mJ cm^-2 before any work.
    sample : models.Sample
        The starting sample; its other fields stay fixed. Homogeneous samples only.
    vary : dict
        Sample field -> ``(low, high)`` bounds (start: the sample's value), ``(start, low,
        high)``, or an lmfit expression string tying it to other parameters (e.g.
        ``"0.5 * delta_xx"``). Bounds must lie in the field's valid range.
    targets : sequence of Target, optional
        Scalar targets (quoted numbers) added to the chi-square.
    nuisances : dict, optional
        Nuisance -> a fixed number, ``(low, high)``, ``(start, low, high)`` or an expression:
        ``pump_scale`` (default 1), ``time_zero`` (ps, default 0), ``irf_fwhm`` (ps, default
        0), and per variable ``time_zero_<v>``, ``irf_fwhm_<v>``, ``amplitude_<v>``.
    method : str, default "least_squares"
        The lmfit minimizer, one of :data:`MINIMIZERS`.
    posterior : bool, default False
        Also sample the posterior with emcee (called directly, vectorized over the walkers), from the best fit.
    sigma, variables :
        As in :func:`ncgain.fit.data.check_data`.
    forward : {"master-equation", "monte-carlo"}, default "master-equation"
        The forward model; the Monte Carlo runs at the fixed ``seed`` (common random
        numbers for every evaluation) with ``n_nanocrystals``.
    n_nanocrystals : int, default 200_000
    seed : int, default 0
        Seed of the Monte Carlo forward model and of emcee (recorded in the posterior).
    statistics : {"poisson", "single"}, default "poisson"
        Pump statistics of the forward model.
    nwalkers, steps, burn, thin : int
        emcee settings (burn default: steps // 4).
    workers : int, Pool-like or distributed.Client, default 1
        Who evaluates the posterior's walkers: 1 this process, n > 1 a pool of n
        processes, a Pool-like object (``map``), or a dask client (e.g. the sweep
        machinery's cluster). The chain is the same for any choice at a fixed seed.
    max_nfev : int, optional
        Most evaluations of the minimizer (default: lmfit's).

    Returns
    -------
    FitResult

    Raises
    ------
    ValueError
        Before any fitting, for bad data (see :func:`~ncgain.fit.data.check_data`), an
        unknown or unfittable field, bounds outside a field's valid range, an unknown
        nuisance, fewer data points than parameters plus one, or a starting sample the
        model refuses on the data's grid.

    Examples
    --------
    >>> import numpy as np
    >>> from ncgain import fit as nfit, kinetics, models
    >>> truth = models.presets.TYPE_II_CDS_ZNSE
    >>> ds = kinetics.simulate_pulsed(truth, [0.5, 1.5], [3.0, 300.0],
    ...                               energies=np.linspace(2.0, 2.2, 11),
    ...                               method="master-equation")[["bleach"]]
    >>> ds["bleach_sigma"] = ds.bleach * 0 + 0.01
    >>> ds.bleach_sigma.attrs["units"] = "1"
    >>> start = models.Sample.from_dict({**truth.to_dict(), "delta_xx": 0.09})
    >>> r = nfit.fit(ds, start, {"delta_xx": (0.05, 0.15)})
    >>> round(r.values["delta_xx"], 4), r.stderr["delta_xx"] < 1e-3
    (0.106, True)
    """
    t_start = _time.perf_counter()
    if not isinstance(sample, models.Sample):
        raise ValueError(f"sample must be a models.Sample, got {type(sample).__name__}")
    if sample.components:
        raise ValueError("sample has size classes (components); fit varies the fields of a "
                         "homogeneous sample: start from one size class")
    if method not in MINIMIZERS:
        raise ValueError(f"method = {method!r} is not one of {MINIMIZERS}"
                         + ("; the forward model is chosen with forward="
                            if method in FORWARD_MODELS else ""))
    if forward not in FORWARD_MODELS:
        raise ValueError(f"forward = {forward!r} is not one of {FORWARD_MODELS}")
    for key, value, lo in (("nwalkers", nwalkers, 2), ("steps", steps, 1), ("thin", thin, 1),
                           ("seed", seed, 0)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < lo:
            raise ValueError(f"{key} = {value!r} is outside the allowed range: an integer "
                             f">= {lo}")
    workers = resolve_workers(workers)
    if burn is None:
        burn = steps // 4
    if isinstance(burn, bool) or not isinstance(burn, (int, np.integer)) \
            or not 0 <= burn < steps:
        raise ValueError(f"burn = {burn!r} is outside the allowed range: an integer in "
                         f"[0, steps = {steps})")
    fd = data if isinstance(data, FitData) else check_data(data, sigma=sigma,
                                                           variables=variables)
    targets = list(targets or [])
    for k, t in enumerate(targets):
        if not isinstance(t, Target):
            raise ValueError(f"targets[{k}] = {t!r} must be a ncgain.fit.Target")
    params = lmfit.Parameters()
    expressions = []
    field_names = _sample_parameters(params, sample, vary, expressions)
    variables_ = [b.name for b in fd.blocks]
    nuis_names = _nuisance_parameters(params, nuisances, variables_, expressions)
    # expressions last, so that they may name any parameter
    for owner, name, expr in expressions:
        try:
            params.add(name, expr=expr)
        except Exception as exc:   # lmfit/asteval raise NameError, SyntaxError, ...
            raise ValueError(f"{owner}[{name!r}] = {expr!r} is not a valid expression of the "
                             f"parameters {[k for k in params if k != name]}: "
                             f"{type(exc).__name__} {exc}") from None
    varied = [k for k in params if params[k].vary]
    ndata = fd.size + len(targets)
    if ndata <= len(varied):
        raise ValueError(f"the data hold {ndata} points (targets included) for "
                         f"{len(varied)} varied parameters; allowed: at least "
                         f"{len(varied) + 1} points (one degree of freedom)")
    if posterior and nwalkers < 2 * len(varied):
        raise ValueError(f"nwalkers = {nwalkers} is outside the allowed range: at least "
                         f"2 x {len(varied)} varied parameters = {2 * len(varied)}")
    forward_model = ForwardModel(fd, method=forward, n_nanocrystals=n_nanocrystals, seed=seed,
                                 statistics=statistics)
    objective = _Objective(sample, forward_model, targets, field_names, nuis_names)
    # the starting point must run: a model that refuses it says why, before the fit
    try:
        objective.models(params.valuesdict())
    except ValueError as exc:
        raise ValueError(f"the starting sample and nuisances cannot be simulated on the "
                         f"data's grid: {exc}") from None
    # a parameter without any effect at the start (a zero Jacobian column: temperature on a
    # two-channel band edge) would make the minimizer wander along a flat direction; it is
    # held at its start value and reported undetermined below
    start_residual = objective(params)
    start_bounds = {k: (params[k].min, params[k].max) for k in varied}
    start_jac = _jacobian(objective, params, varied, start_bounds, JACOBIAN_STEP[forward],
                          start_residual)
    norms = np.linalg.norm(start_jac, axis=0)
    inert = [k for k, nrm in zip(varied, norms) if not nrm > NO_EFFECT * norms.max()]
    for k in inert:
        params[k].set(vary=False)
    minimizer = lmfit.Minimizer(objective, params, scale_covar=False, max_nfev=max_nfev)
    result = minimizer.minimize(method=method)
    best = result.params
    for k in inert:
        best[k].set(vary=True)
        params[k].set(vary=True)
    residual = objective(best)
    bounds = {k: (best[k].min, best[k].max) for k in varied}
    jac = _jacobian(objective, best, varied, bounds, JACOBIAN_STEP[forward], residual)
    cov, stderr, correlations, undetermined = _identify(
        jac, varied, bounds, {k: INTERNAL_SCALE.get(k, 1.0) for k in field_names})
    expr_names = [k for k in best if best[k].expr is not None]
    stderr.update(_expression_stderr(best, varied, cov, stderr, expr_names))
    # back to physical units (INTERNAL_SCALE)
    scales = {k: INTERNAL_SCALE.get(k, 1.0) if k in field_names else 1.0 for k in best}
    values = {k: float(best[k].value) * scales[k] for k in best}
    stderr = {k: v * scales[k] for k, v in stderr.items()}
    bounds = {k: (lo * scales[k], hi * scales[k]) for k, (lo, hi) in bounds.items()}
    scale_vec = np.array([scales[k] for k in varied])
    with np.errstate(invalid="ignore"):
        cov = np.where(np.isfinite(cov), cov * np.outer(scale_vec, scale_vec), math.inf)
    fitted_sample = apply_fields(sample, {k: values[k] for k in field_names})
    _, curves = objective.models(best.valuesdict())
    chisqr = float(residual @ residual)
    dof = ndata - len(varied)
    units = {k: _field_units(k) for k in field_names}
    units.update({k: NUISANCES[nuisance_names(variables_)[k][0]][1] for k in nuis_names})
    pulls = {t.label: float(t.residual(fitted_sample)) for t in targets}
    out = FitResult(
        sample=fitted_sample, values=values, stderr=stderr, correlations=correlations,
        chisqr=chisqr, redchi=chisqr / dof, ndata=ndata, nvarys=len(varied),
        curves=_curves(fd, curves, _VARIABLE_UNITS), undetermined=undetermined, units=units,
        bounds=bounds, covariance=cov, varied=varied, method=method, forward=forward,
        nfev=forward_model.n_evaluations, n_invalid=objective.n_invalid,
        elapsed=_time.perf_counter() - t_start, success=bool(result.success),
        message=str(result.message), targets=targets, target_pulls=pulls,
        lmfit_result=result)
    out.curves.attrs.update({"chisqr": chisqr, "redchi": chisqr / dof, "ndata": ndata,
                             "nvarys": len(varied), "sample": fitted_sample.to_json(),
                             "forward_model": forward})
    if posterior:
        t_post = _time.perf_counter()
        out.posterior = _posterior(objective, best, varied, units, scales, nwalkers=nwalkers,
                                   steps=steps, burn=burn, thin=thin, seed=seed,
                                   workers=workers)
        out.posterior_elapsed = _time.perf_counter() - t_post
    return out


def _posterior(objective, best, varied, units, scales, *, nwalkers, steps, burn, thin, seed,
               workers) -> xr.Dataset:
    # start the walkers in a small ball inside the bounds around the best fit
    rng = np.random.default_rng(seed)
    start = np.empty((nwalkers, len(varied)))
    for j, k in enumerate(varied):
        low, high = best[k].min, best[k].max
        width = 1e-3 * (high - low)
        start[:, j] = np.clip(best[k].value + width * rng.standard_normal(nwalkers),
                              low + 1e-9 * (high - low), high - 1e-9 * (high - low))
    res = run_emcee(LogPosterior(objective, best, varied), start, steps=steps, burn=burn,
                    thin=thin, seed=seed, workers=workers)
    chain = res["chain"]
    ds = xr.Dataset({k: (("draw",), np.asarray(chain[:, j], float) * scales[k],
                         {"units": units.get(k, ""), "long_name": f"posterior draws of {k}"})
                     for j, k in enumerate(varied)})
    acor = res["autocorrelation"]
    ds.attrs.update({"seed": int(seed), "nwalkers": int(nwalkers), "steps": int(steps),
                     "burn": int(burn), "thin": int(thin),
                     "sampler": f"emcee {emcee.__version__} (vectorized ensemble sampler)",
                     "prior": "uniform within the bounds",
                     "likelihood": "Gaussian, independent points: -chi^2 / 2",
                     "acceptance_fraction": res["acceptance"]})
    if acor is not None and np.all(np.isfinite(acor)):
        ds.attrs["autocorrelation_time"] = [float(a) for a in acor]
    return ds
