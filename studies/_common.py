"""Helpers shared by the studies.

Every study module under ``studies/`` provides

* ``NAME`` (str): file stem of its outputs (``DIR/<NAME>.nc``, ``DIR/<NAME>.png``),
* ``TITLE`` (str): section heading in the report,
* ``run(quick: bool = False, progress: bool = False) -> xarray.Dataset``,
* ``plot(ds) -> matplotlib.figure.Figure``,
* ``context(ds) -> dict``: the numbers its report section quotes, read from the
  dataset, never typed in; the section's text (table rows ``quantity | paper |
  ncgain | agreement``, then notes on what the model does not reproduce and why) is
  the Jinja2 template ``templates/<NAME>.md.j2`` (:mod:`ncgain.studies._report`).
"""

from __future__ import annotations

import json

import numpy as np
import xarray as xr
from scipy import optimize

from ncgain import kinetics
from ncgain import models

#: The gain medium of every study: the default close-packed NC film
#: (:meth:`models.Film.close_packed`: alpha_0 = 5,300 cm^-1, derived from Leatherdale
#: et al. 2002 with stated assumptions; confinement factor 0.5 and modal loss
#: 50 cm^-1, assumptions). Studies store it as JSON (``film`` attribute).
STUDY_FILM = models.Film.close_packed()

#: The studies' gain criterion, in units of alpha_0(peak): net modal gain reaches the
#: film's loss, Gamma_c alpha_0 g >= loss, i.e. g = -alpha/alpha_0(peak) >=
#: loss / (Gamma_c alpha_0) = 50 / (0.5 * 5300) = 0.0189 for :data:`STUDY_FILM`.
#: It is what a stripe (ASE) or a laser made of that film needs; it also keeps "first
#: gain anywhere" out of the far Gaussian tails, where alpha_0 ~ 1e-3 of its peak and
#: any gain is unmeasurable. (The name is historical: it replaced an arbitrary margin.)
DETECTABLE_GAIN = STUDY_FILM.loss_fraction()


def gain_criterion_text(film: models.Film = STUDY_FILM) -> str:
    """The studies' gain criterion in words, with the film's numbers.

    Parameters
    ----------
    film : models.Film, default STUDY_FILM
        The gain medium.

    Returns
    -------
    str
        E.g. ``"net modal gain Gamma_c alpha_0 g >= loss = 50 cm^-1 of the film
        'close-packed NC film (ncgain default)' (Gamma_c = 0.5, alpha_0 = 5300 cm^-1),
        i.e. net gain g >= 0.0189 alpha_0(peak)"``.

    Examples
    --------
    >>> from ncgain.studies._common import gain_criterion_text
    >>> gain_criterion_text()[:56]
    'net modal gain Gamma_c alpha_0 g >= loss = 50 cm^-1 of t'
    """
    return (f"net modal gain Gamma_c alpha_0 g >= loss = {film.loss:g} cm^-1 of the film "
            f"'{film.name}' (Gamma_c = {film.confinement_factor:g}, alpha_0 = "
            f"{film.absorption_coefficient:g} cm^-1), i.e. net gain g >= "
            f"{film.loss_fraction():.4f} alpha_0(peak)")

__all__ = ["STUDY_FILM", "DETECTABLE_GAIN", "gain_criterion_text", "gain_band", "loglog_slope",
           "fit_exponential_decay", "attach", "figure", "schema",
           "ATTRS", "PROVENANCE"]

ATTRS = {"units": "1", "long_name": ""}


def figure(*args, **kwargs):
    """A matplotlib Figure that needs no display (no pyplot state).

    Parameters
    ----------
    *args, **kwargs
        Passed to :class:`matplotlib.figure.Figure`.

    Returns
    -------
    matplotlib.figure.Figure
        A new figure, not registered with pyplot, with constrained layout unless
        ``layout`` says otherwise (no clipped labels).
    """
    from matplotlib.figure import Figure
    kwargs.setdefault("layout", "constrained")
    return Figure(*args, **kwargs)


def distinct_colours(n: int) -> list:
    """``n`` colours that differ: the default cycle up to 10, a colormap beyond.

    Parameters
    ----------
    n : int
        Number of curves.

    Returns
    -------
    list
        Colours (names or RGBA tuples), all different.

    Examples
    --------
    >>> len(set(map(tuple, distinct_colours(16))))
    16
    """
    if n <= 10:
        return [f"C{i}" for i in range(n)]
    from matplotlib import colormaps
    return [tuple(c) for c in colormaps["viridis"](np.linspace(0.0, 0.95, n))]


def schema(study: str, **constants) -> dict:
    """Units and long names of a study's dataset variables, from ``schemas/<study>.toml``.

    Parameters
    ----------
    study : str
        The study's ``NAME``.
    **constants
        Values for the ``{NAME:spec}`` fields of the long names (the study's constants).

    Returns
    -------
    dict
        Variable name -> ``{"units": ..., "long_name": ...}`` plus ``"description"``
        where the schema has one (the full text of a long name shortened to at most
        40 characters, :data:`ncgain.kinetics.output.MAX_LONG_NAME`), and
        ``"nan_meaning"`` where it gives one (what a NaN means, docs/reliability.md).

    Examples
    --------
    >>> from ncgain.studies._common import schema
    >>> schema("lasing", TURN_ON_PUMP=2.0, PULSE_WINDOW=3000.0, BELOW_PUMP=0.5)["fwhm_below"]
    {'units': 'eV', 'long_name': 'output FWHM at 0.5 x threshold', 'description': 'FWHM of the c.w. output spectrum at 0.5 x threshold'}
    """
    import tomllib
    from pathlib import Path
    table = tomllib.loads((Path(__file__).parent / "schemas" / f"{study}.toml").read_text())
    # nan_meaning: what a NaN of the variable means (docs/reliability.md, "NaN")
    return {name: {key: entry[key].format(**constants)
                   for key in ("units", "long_name", "description", "nan_meaning")
                   if key in entry}
            for name, entry in table.items()}


def short_names(study: str) -> dict:
    """Long names chosen by hand for a study's variables whose full name is too long.

    Parameters
    ----------
    study : str
        The study's ``NAME``.

    Returns
    -------
    dict
        Variable name -> long name of at most 40 characters, from the ``[study]`` table of
        ``schemas/short_names.toml`` (empty if the study has none).

    Examples
    --------
    >>> from ncgain.studies._common import short_names
    >>> short_names("fig4_xx_repulsion")["biexciton_lifetime"]
    'model biexciton lifetime'
    """
    import tomllib
    from pathlib import Path
    path = Path(__file__).parent / "schemas" / "short_names.toml"
    return dict(tomllib.loads(path.read_text()).get(study, {}))


#: Provenance attributes every study dataset carries (set by :func:`attach`).
PROVENANCE = ("Conventions", "study", "ncgain_version", "source", "quick")


def attach(ds: xr.Dataset, *, study: str, quick: bool, samples=(), **attrs) -> xr.Dataset:
    """Add the provenance attributes every study dataset carries (netCDF-safe).

    Parameters
    ----------
    ds : xarray.Dataset
        The study's dataset; modified in place.
    study : str
        The study's ``NAME``.
    quick : bool
        Whether ``run`` was called with ``quick=True`` (stored as 0 or 1, since
        netCDF attributes cannot be booleans).
    samples : sequence of Sample, optional
        Samples of the study, stored as JSON in ``sample_0``, ``sample_1``, ...
    **attrs
        Further attributes; dicts, lists and tuples are stored as JSON.

    Returns
    -------
    xarray.Dataset
        ``ds``, with at least the attributes in :data:`PROVENANCE`.
    """
    ds.attrs.update({
        "Conventions": kinetics.output.CF_CONVENTIONS,
        "study": study,
        "ncgain_version": models.package_version(),
        "source": "Klimov et al., Nature 447, 441 (2007)",
        "quick": int(bool(quick)),
    })
    # <= 40 characters for plot labels (hand-chosen in schemas/short_names.toml); the rest
    # of a longer name goes into the description
    kinetics.output.short_long_names(ds, names=short_names(study))
    for i, sample in enumerate(samples):
        ds.attrs[f"sample_{i}"] = sample.to_json()
    for key, value in attrs.items():
        if isinstance(value, (dict, list, tuple)):
            value = json.dumps(value)
        ds.attrs[key] = value
    return ds


def gain_band(sample: models.Sample, *, time: float = 3.0, statistics: str = "poisson",
              loss: float = DETECTABLE_GAIN) -> tuple[float, float]:
    """Where gain above the film loss first appears: (energy in eV, threshold <N>).

    The threshold is the smallest <N> with alpha(E, t) < -loss alpha_0(peak)
    anywhere in the band (master equation); the gain band is the energy of the
    most negative absorption just above that threshold, located to 0.1 meV.

    Parameters
    ----------
    sample : Sample
        The sample.
    time : float, default 3.0
        Delay after the pump pulse (ps).
    statistics : {"poisson", "single"}
        Pump statistics.
    loss : float, default DETECTABLE_GAIN
        Net gain required, in units of alpha_0(peak) (default: the loss fraction of
        :data:`STUDY_FILM`, modal gain >= 50 cm^-1).

    Returns
    -------
    energy : float
        The gain band (eV).
    threshold : float
        The threshold ⟨N⟩ (excitons per NC).
    """
    threshold = kinetics.gain_threshold(sample, time=time, energy="any", statistics=statistics,
                                        loss=loss)
    if not np.isfinite(threshold):
        raise ValueError(f"{sample.name}: no gain at t = {time} ps up to the search limit")
    ds = kinetics.simulate_pulsed(sample, [threshold * 1.001], [time],
                                  method="master-equation", statistics=statistics)
    alpha = ds.absorption.isel(mean_excitons=0, time=0).values
    e0 = float(ds.energy[int(np.argmin(alpha))])
    step = float(ds.energy[1] - ds.energy[0])
    fine = np.arange(e0 - 2 * step, e0 + 2 * step, 1e-4)
    ds = kinetics.simulate_pulsed(sample, [threshold * 1.001], [time], energies=fine,
                                  method="master-equation", statistics=statistics)
    alpha = ds.absorption.isel(mean_excitons=0, time=0).values
    return float(ds.energy[int(np.argmin(alpha))]), float(threshold)


def loglog_slope(x, y) -> float:
    """Least-squares slope of log(y) against log(x).

    Parameters
    ----------
    x, y : array_like
        Positive values of equal length.

    Returns
    -------
    float
        The slope d log y / d log x (1 for linear growth, 2 for quadratic).

    Examples
    --------
    >>> from ncgain.studies._common import loglog_slope
    >>> round(loglog_slope([1.0, 2.0, 4.0], [3.0, 12.0, 48.0]), 12)
    2.0
    """
    x, y = np.asarray(x, float), np.asarray(y, float)
    if (x <= 0).any() or (y <= 0).any():
        raise ValueError("loglog_slope needs positive x and y")
    return float(np.polyfit(np.log(x), np.log(y), 1)[0])


def fit_exponential_decay(t, y, *, offset: bool = False) -> dict:
    """Fit y = A exp(-t/tau) (+ C) by least squares.

    Parameters
    ----------
    t, y : array_like
        Times and values.
    offset : bool, default False
        Fit the constant C too (otherwise C = 0).

    Returns
    -------
    dict
        ``amplitude`` A (unit of ``y``), ``tau`` (unit of ``t``) and ``offset`` C.
    """
    t, y = np.asarray(t, float), np.asarray(y, float)
    tau0 = float(t[np.argmin(np.abs(y - y[0] / np.e))]) or float(t[-1]) / 3
    if offset:
        f = lambda t, a, tau, c: a * np.exp(-t / tau) + c  # noqa: E731
        p0 = (y[0] - y[-1], max(tau0, 1e-9), y[-1])
    else:
        f = lambda t, a, tau: a * np.exp(-t / tau)  # noqa: E731
        p0 = (y[0], max(tau0, 1e-9))
    popt, _ = optimize.curve_fit(f, t, y, p0=p0, maxfev=20000)
    return {"amplitude": float(popt[0]), "tau": float(popt[1]),
            "offset": float(popt[2]) if offset else 0.0}
