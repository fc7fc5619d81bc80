"""Joint fits of a sample to quoted numbers: :func:`fit_quoted`.

A paper quotes numbers (a band position, a decay time, a threshold, a growth law), each
computed from the sample by a forward function of its own. :func:`fit_quoted` varies a few
named parameters within bounds, builds a :class:`~ncgain.models.Sample` from them (any
builder: a Sample field, a size-class mixture, the strength of a higher transition), and
minimizes chi-square = sum of pull^2 with lmfit, where each :class:`QuotedTarget`'s pull is
(model - value) / sigma (one-sided targets: zero on the allowed side).

The result (:class:`QuotedFit`) holds the best fit, the Fisher-matrix covariance and 1-sigma
intervals where estimable (the identifiability rules of :mod:`ncgain.fit.core`: flat
directions, absolute correlation > 0.95, sigma larger than the bound range are reported, never
given a false precision), optionally an emcee posterior, every target's pull, and the
*tensions*: at the best fit each target pushes each parameter one way (the sign of
pull x d pull / d parameter); two targets pull against each other along a parameter when
they push it in opposite directions (:meth:`QuotedFit.tensions`).

Forward functions that share one expensive computation can share it through
:func:`shared`, which caches the last results per sample.
"""

from __future__ import annotations

import collections
import functools
import math
import numbers
import time as _time
from dataclasses import dataclass, field
from typing import Any, Callable

import lmfit
import numpy as np

from ncgain import models

from .core import _identify

__all__ = ["QuotedTarget", "QuotedFit", "fit_quoted", "shared", "compare", "pull",
           "BOUND_KINDS", "UNDEFINED_PULL"]

#: one-sided kinds of a target: None (two-sided), "upper" (model <= value is fine),
#: "lower" (model >= value is fine)
BOUND_KINDS = (None, "upper", "lower")
#: pull of a target whose model value is undefined (not finite): large, never NaN
UNDEFINED_PULL = 30.0
#: finite-difference step of the Jacobian, relative to each parameter's bound range
JACOBIAN_STEP = 1e-3


def _real(x) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, bool) and math.isfinite(float(x))


def pull(model: float, value: float, sigma: float, bound: str | None = None) -> float:
    """(model - value) / sigma; zero on the allowed side of a one-sided target.

    Parameters
    ----------
    model, value : float
        The model's number and the quoted one (same units).
    sigma : float
        The quoted number's 1-sigma uncertainty (> 0).
    bound : {None, "upper", "lower"}
        None: two-sided; "upper": ``value`` is an upper limit (pull 0 if model <= value);
        "lower": a lower limit.

    Returns
    -------
    float
        The pull; :data:`UNDEFINED_PULL` if ``model`` is not finite.

    Examples
    --------
    >>> pull(2.5, 2.0, 0.5), pull(-0.01, 0.0, 0.01, "upper"), pull(0.02, 0.0, 0.01, "upper")
    (1.0, 0.0, 2.0)
    """
    if not math.isfinite(model):
        return UNDEFINED_PULL
    p = (model - value) / sigma
    if bound == "upper":
        return max(p, 0.0)
    if bound == "lower":
        return min(p, 0.0)
    return p


@dataclass(frozen=True)
class QuotedTarget:
    """A quoted number and the forward function that computes it from a sample.

    Parameters
    ----------
    name : str
        Identifier (used as a key in results).
    value : float
        The quoted value, in ``units``.
    sigma : float
        Its 1-sigma uncertainty (> 0), in ``units``.
    function : callable
        ``function(sample) -> float``, the model's value in ``units`` (may return
        ``math.inf`` or ``math.nan`` where the quantity does not exist: the pull is then
        :data:`UNDEFINED_PULL`).
    units : str, default "1"
        Units of ``value``, ``sigma`` and the function's result (for reports).
    bound : {None, "upper", "lower"}, default None
        One-sided target (see :func:`pull`).
    label : str, optional
        Text for reports (default: ``name``).
    why_sigma : str, optional
        Why this sigma (the reports quote it).

    Raises
    ------
    ValueError
        If value or sigma is not finite, sigma <= 0, the function is not callable or the
        bound is not one of :data:`BOUND_KINDS`.

    Examples
    --------
    >>> t = QuotedTarget("e_x", 2.054, 0.005, lambda s: s.exciton_energy, "eV")
    >>> t.pull(models.presets.TYPE_II_CDS_ZNSE)
    0.0
    """

    name: str
    value: float
    sigma: float
    function: Callable[[models.Sample], float]
    units: str = "1"
    bound: str | None = None
    label: str = ""
    why_sigma: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise ValueError(f"QuotedTarget name = {self.name!r} must be a non-empty string")
        for key in ("value", "sigma"):
            v = getattr(self, key)
            if not _real(v):
                raise ValueError(f"QuotedTarget {self.name}: {key} = {v!r} must be a finite "
                                 "real number")
        if not self.sigma > 0:
            raise ValueError(f"QuotedTarget {self.name}: sigma = {self.sigma!r} is outside the "
                             "allowed range (0, inf)")
        if not callable(self.function):
            raise ValueError(f"QuotedTarget {self.name}: function = {self.function!r} must be "
                             "callable sample -> float")
        if self.bound not in BOUND_KINDS:
            raise ValueError(f"QuotedTarget {self.name}: bound = {self.bound!r} is not one of "
                             f"{BOUND_KINDS}")
        object.__setattr__(self, "value", float(self.value))
        object.__setattr__(self, "sigma", float(self.sigma))
        object.__setattr__(self, "label", self.label or self.name)

    def model_value(self, sample: models.Sample) -> float:
        """The model's number for ``sample`` (``units``); nan if the function fails.

        A ``ValueError`` of the forward function (a quantity that does not exist for
        this sample, e.g. no gain in range) gives nan.

        Parameters
        ----------
        sample : models.Sample

        Returns
        -------
        float
        """
        try:
            return float(self.function(sample))
        except ValueError:
            return math.nan

    def pull(self, sample: models.Sample) -> float:
        """(model - value) / sigma for ``sample`` (see :func:`pull`).

        Parameters
        ----------
        sample : models.Sample

        Returns
        -------
        float
        """
        return pull(self.model_value(sample), self.value, self.sigma, self.bound)


def shared(function: Callable[[models.Sample], Any], maxsize: int = 8):
    """Cache ``function(sample)`` for the last ``maxsize`` samples (by value).

    Several targets computed from one expensive simulation call the shared function;
    it runs once per parameter set.

    Parameters
    ----------
    function : callable
        ``function(sample)``; samples are hashable (frozen dataclasses).
    maxsize : int, default 8

    Returns
    -------
    callable
        The cached function (``.cache_clear()`` empties it).
    """
    cache = collections.OrderedDict()

    @functools.wraps(function)
    def wrapper(sample):
        key = sample
        if key in cache:
            cache.move_to_end(key)
            return cache[key]
        value = function(sample)
        cache[key] = value
        if len(cache) > maxsize:
            cache.popitem(last=False)
        return value

    wrapper.cache_clear = cache.clear
    return wrapper


@dataclass
class QuotedFit:
    """The outcome of :func:`fit_quoted`.

    Parameters
    ----------
    sample : models.Sample
        The best-fit sample (the builder at ``values``).
    values : dict
        Parameter -> best-fit value.
    stderr : dict
        Parameter -> 1-sigma (Fisher matrix at the best fit; ``math.inf`` where not
        estimable, see ``undetermined``).
    intervals : dict
        Parameter -> (low, high) 68 % interval: from the posterior if one was drawn, else
        best +- stderr clipped to the bounds; (nan, nan) for undetermined parameters.
    correlations : dict
        (a, b) -> correlation coefficient of two determined parameters.
    undetermined : dict
        Parameter -> why the targets do not determine it.
    bounds : dict
        Parameter -> (low, high).
    at_bound : list of str
        Parameters whose best fit sits on a bound (within 1e-3 of the range).
    targets : list of QuotedTarget
    model_values : dict
        Target -> the model's number at the best fit.
    pulls : dict
        Target -> pull at the best fit.
    jacobian : numpy.ndarray
        d pull_i / d parameter_j at the best fit (per unit of the parameter), shape
        (targets, parameters).
    parameters : list of str
        Parameter order of ``jacobian``.
    chisqr : float
        Sum of squared pulls.
    ndof : int
        Targets minus varied parameters (may be <= 0: then no goodness of fit).
    nfev : int
        Builder evaluations.
    elapsed : float
        Wall time (s), posterior included.
    success : bool
    message : str
    posterior : dict or None
        Parameter -> draws (numpy arrays), with ``"_settings"`` (nwalkers, steps, burn,
        seed, acceptance_fraction); None unless asked.
    derived : dict
        Name -> (value, 1-sigma) of the ``derived`` numbers at the best fit (linear
        propagation of the covariance; inf where a parameter it depends on is
        undetermined).
    """

    sample: models.Sample
    values: dict
    stderr: dict
    intervals: dict
    correlations: dict
    undetermined: dict
    bounds: dict
    at_bound: list
    targets: list
    model_values: dict
    pulls: dict
    jacobian: np.ndarray
    parameters: list
    chisqr: float
    ndof: int
    nfev: int
    elapsed: float
    success: bool
    message: str
    posterior: dict | None = None
    derived: dict = field(default_factory=dict)

    def pushes(self) -> np.ndarray:
        """Each target's push on each parameter: pull_i x d pull_i / d p_j x range_j.

        Half the target's contribution to d chi^2 / d p_j, in units of the parameter's
        bound range: positive means the target wants the parameter *lower*.

        Returns
        -------
        numpy.ndarray, shape (targets, parameters)
        """
        ranges = np.array([self.bounds[p][1] - self.bounds[p][0] for p in self.parameters])
        pulls = np.array([self.pulls[t.name] for t in self.targets])
        return pulls[:, None] * self.jacobian * ranges[None, :]

    def tensions(self, min_push: float = 0.1) -> list[dict]:
        """Pairs of targets that pull a parameter in opposite directions at the best fit.

        For each parameter, the target pushing it up hardest is paired with the one
        pushing it down hardest (see :meth:`pushes`); pairs whose weaker push is below
        ``min_push`` (in units of the parameter's bound range) are left out.

        Parameters
        ----------
        min_push : float, default 0.1

        Returns
        -------
        list of dict
            ``parameter``, ``up`` (target wanting it higher), ``down`` (lower), their
            pushes ``push_up`` (> 0 in magnitude) and ``push_down``, and ``strength`` =
            min of the two magnitudes; strongest first.
        """
        push = self.pushes()
        out = []
        for j, p in enumerate(self.parameters):
            col = push[:, j]
            if not (col < 0).any() or not (col > 0).any():
                continue
            up, down = int(np.argmin(col)), int(np.argmax(col))
            strength = float(min(-col[up], col[down]))
            if strength < min_push:
                continue
            out.append({"parameter": p, "up": self.targets[up].name,
                        "down": self.targets[down].name, "push_up": float(-col[up]),
                        "push_down": float(col[down]), "strength": strength})
        return sorted(out, key=lambda d: -d["strength"])

    def worst(self, k: int = 3) -> list[str]:
        """The ``k`` targets with the largest absolute pull, largest first.

        Parameters
        ----------
        k : int, default 3

        Returns
        -------
        list of str
            Target names.
        """
        return sorted(self.pulls, key=lambda n: -abs(self.pulls[n]))[:k]


def _value(function, sample) -> float:
    try:
        return float(function(sample))
    except ValueError:
        return math.nan


def _check_parameters(parameters) -> dict:
    if not isinstance(parameters, dict) or not parameters:
        raise ValueError(f"parameters must be a non-empty dict name -> (start, low, high), "
                         f"got {parameters!r}")
    out = {}
    for name, spec in parameters.items():
        if not (isinstance(spec, (tuple, list)) and len(spec) == 3 and all(map(_real, spec))):
            raise ValueError(f"parameters[{name!r}] = {spec!r} must be (start, low, high) "
                             "with finite numbers")
        start, low, high = map(float, spec)
        if not low < high:
            raise ValueError(f"parameters[{name!r}] = {spec!r}: bounds must satisfy low < high")
        if not low <= start <= high:
            raise ValueError(f"parameters[{name!r}] = {spec!r}: start {start!r} is outside "
                             f"the bounds [{low!r}, {high!r}]")
        out[name] = (start, low, high)
    return out


def fit_quoted(build: Callable[[dict], models.Sample], parameters: dict, targets, *,
               method: str = "least_squares", max_nfev: int | None = None,
               posterior: bool = False, nwalkers: int = 16, steps: int = 200,
               burn: int | None = None, seed: int = 0,
               derived: dict | None = None) -> QuotedFit:
    """Fit the parameters of a sample builder to quoted numbers.

    chi^2 = sum_i pull_i^2 with pull_i = (f_i(sample) - value_i) / sigma_i (Gaussian
    likelihood of independent quoted numbers; uniform priors within the bounds).

    Parameters
    ----------
    build : callable
        ``build(values) -> Sample`` for a dict parameter -> value; a ``ValueError``
        (a set the model refuses) is penalized, never NaN.
    parameters : dict
        Parameter -> (start, low, high).
    targets : sequence of QuotedTarget
        At least one.
    method : {"least_squares", "nelder", "powell"}, default "least_squares"
        lmfit minimizer (bounded).
    max_nfev : int, optional
        Most evaluations of the minimizer.
    posterior : bool, default False
        Also draw an emcee posterior (through lmfit) from the best fit.
    nwalkers, steps, burn, seed : int
        emcee settings (burn default steps // 4; nwalkers >= 2 x parameters).
    derived : dict, optional
        Name -> ``function(sample) -> float``: further numbers of the best fit whose
        1-sigma is propagated linearly from the covariance (``QuotedFit.derived``); they
        are evaluated at the Jacobian's points, so shared computations are reused.

    Returns
    -------
    QuotedFit

    Raises
    ------
    ValueError
        Before any work: bad parameters or targets, an unknown method, a starting point
        the builder refuses, nwalkers too small.

    Examples
    --------
    >>> import dataclasses
    >>> base = models.presets.TYPE_II_CDS_ZNSE
    >>> t = QuotedTarget("xx", 2.160, 0.01, lambda s: s.exciton_energy + s.delta_xx, "eV")
    >>> r = fit_quoted(lambda v: dataclasses.replace(base, delta_xx=v["d"]),
    ...                {"d": (0.09, 0.05, 0.15)}, [t])
    >>> round(r.values["d"], 4), round(r.stderr["d"], 4)
    (0.106, 0.01)
    """
    t0 = _time.perf_counter()
    specs = _check_parameters(parameters)
    targets = list(targets)
    if not targets:
        raise ValueError("targets must hold at least one QuotedTarget")
    for k, t in enumerate(targets):
        if not isinstance(t, QuotedTarget):
            raise ValueError(f"targets[{k}] = {t!r} must be a QuotedTarget")
    names = [t.name for t in targets]
    if len(set(names)) != len(names):
        raise ValueError(f"target names must be unique, got {names}")
    if method not in ("least_squares", "nelder", "powell"):
        raise ValueError(f"method = {method!r} is not one of ('least_squares', 'nelder', "
                         "'powell')")
    if posterior and nwalkers < 2 * len(specs):
        raise ValueError(f"nwalkers = {nwalkers} is outside the allowed range: at least "
                         f"2 x {len(specs)} parameters")
    derived = dict(derived or {})
    for k, f in derived.items():
        if not callable(f):
            raise ValueError(f"derived[{k!r}] = {f!r} must be callable sample -> float")
    if not callable(build):
        raise ValueError(f"build = {build!r} must be callable values -> Sample")
    start = {k: s[0] for k, s in specs.items()}
    try:
        sample0 = build(start)
    except ValueError as exc:
        raise ValueError(f"the builder refuses the starting values {start}: {exc}") from None
    if not isinstance(sample0, models.Sample):
        raise ValueError(f"build must return a models.Sample, got {type(sample0).__name__}")
    order = list(specs)
    counter = {"n": 0}

    def residual_of(values: dict, extra: list | None = None) -> np.ndarray:
        counter["n"] += 1
        try:
            sample = build(values)
        except ValueError:
            if extra is not None:
                extra.extend(math.nan for _ in derived)
            return np.full(len(targets), UNDEFINED_PULL)
        if extra is not None:
            extra.extend(_value(f, sample) for f in derived.values())
        return np.array([t.pull(sample) for t in targets])

    params = lmfit.Parameters()
    for k, (s, lo, hi) in specs.items():
        params.add(k, value=s, min=lo, max=hi)
    objective = lambda p: residual_of(p.valuesdict())  # noqa: E731
    kws = {}
    if method == "least_squares":
        # a relative step of the bound range: the forward functions interpolate on grids
        kws = {"diff_step": JACOBIAN_STEP, "x_scale": [hi - lo for _, lo, hi in specs.values()]}
    minimizer = lmfit.Minimizer(objective, params, max_nfev=max_nfev, scale_covar=False)
    # lmfit's own covariance is not used (ours follows below); at an exact fit its
    # correlation estimate divides 0 by 0
    with np.errstate(invalid="ignore", divide="ignore"):
        result = minimizer.minimize(method=method, **kws)
    best = {k: float(result.params[k].value) for k in order}
    bounds = {k: (specs[k][1], specs[k][2]) for k in order}
    d_best = []
    base = residual_of(best, d_best)
    # central differences in units of the bound range (one-sided at a bound)
    cols, d_cols = [], []
    for k in order:
        lo, hi = bounds[k]
        h = JACOBIAN_STEP * (hi - lo)
        up, down = min(best[k] + h, hi), max(best[k] - h, lo)
        d_up, d_down = [], []
        r_up = residual_of({**best, k: up}, d_up)
        r_down = residual_of({**best, k: down}, d_down)
        cols.append((r_up - r_down) / ((up - down) / (hi - lo)))
        d_cols.append((np.array(d_up) - np.array(d_down)) / (up - down))
    jac_scaled = np.column_stack(cols)
    cov, stderr, correlations, undetermined = _identify(jac_scaled, order, bounds)
    ranges = np.array([bounds[k][1] - bounds[k][0] for k in order])
    derived_out = {}
    det = [j for j, k in enumerate(order) if k not in undetermined]
    for i, name in enumerate(derived):
        grad = np.array([c[i] for c in d_cols])
        if not np.isfinite(d_best[i]) or not np.isfinite(grad[det]).all():
            derived_out[name] = (float(d_best[i]), math.inf)
            continue
        g = grad[det]
        var = float(g @ cov[np.ix_(det, det)] @ g) if det else 0.0
        # an undetermined parameter the number depends on leaves it undetermined too
        free = [j for j in range(len(order)) if j not in det and grad[j] != 0]
        derived_out[name] = (float(d_best[i]), math.inf if free else math.sqrt(max(var, 0)))
    sample = build(best)
    pulls = {t.name: float(v) for t, v in zip(targets, base)}
    model_values = {t.name: t.model_value(sample) for t in targets}
    at_bound = [k for k in order if min(best[k] - bounds[k][0], bounds[k][1] - best[k])
                <= 1e-3 * (bounds[k][1] - bounds[k][0])]
    intervals = {}
    for k in order:
        if k in undetermined or not math.isfinite(stderr[k]):
            intervals[k] = (math.nan, math.nan)
        else:
            intervals[k] = (max(best[k] - stderr[k], bounds[k][0]),
                            min(best[k] + stderr[k], bounds[k][1]))
    post = None
    if posterior:
        burn = steps // 4 if burn is None else burn
        res = minimizer.emcee(params=result.params, steps=steps, nwalkers=nwalkers, burn=burn,
                              seed=seed, is_weighted=True, progress=False)
        post = {k: np.asarray(res.flatchain[k], float) for k in order}
        post["_settings"] = {"nwalkers": nwalkers, "steps": steps, "burn": burn, "seed": seed,
                             "acceptance_fraction": float(np.mean(res.acceptance_fraction))}
        for k in order:
            lo, hi = np.percentile(post[k], [16.0, 84.0])
            intervals[k] = (float(lo), float(hi))
    chisqr = float(base @ base)
    return QuotedFit(
        sample=sample, values=best, stderr=stderr, intervals=intervals,
        correlations=correlations, undetermined=undetermined, bounds=bounds,
        at_bound=at_bound, targets=targets, model_values=model_values, pulls=pulls,
        jacobian=jac_scaled / ranges[None, :], parameters=order, chisqr=chisqr,
        ndof=len(targets) - len(order), nfev=counter["n"], elapsed=_time.perf_counter() - t0,
        success=bool(result.success), message=str(result.message), posterior=post,
        derived=derived_out)


def compare(fits: dict) -> list[tuple[str, float, float]]:
    """Rank alternative fits (a discrete model choice) by chi-square.

    Parameters
    ----------
    fits : dict
        Label -> QuotedFit (same targets).

    Returns
    -------
    list of (label, chi-square, chi-square minus the best's)
        Best first.
    """
    if not fits:
        raise ValueError("fits must hold at least one QuotedFit")
    ranked = sorted(fits.items(), key=lambda kv: kv[1].chisqr)
    best = ranked[0][1].chisqr
    return [(k, float(f.chisqr), float(f.chisqr - best)) for k, f in ranked]
