"""Figures of a fit: data vs model with normalized residuals, and the posterior's corner plot."""

from __future__ import annotations

import numpy as np

__all__ = ["plot_fit", "plot_corner"]

#: most curves drawn in one panel (evenly chosen among the pump level x delay combinations)
MAX_CURVES = 8


def plot_fit(result, variable: str | None = None, *, max_curves: int = MAX_CURVES):
    """Data (points with 1-sigma bars) and the fitted model (lines), residuals below.

    The x axis is the longer of the energy and time axes; each curve is one combination of
    the other two coordinates (at most ``max_curves``, evenly chosen).

    Parameters
    ----------
    result : FitResult
    variable : str, optional
        The fitted variable to draw (default: the first).
    max_curves : int, default 8
        Most curves drawn, >= 1.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If ``variable`` was not fitted or ``max_curves`` < 1.
    """
    import matplotlib.pyplot as plt
    fitted = [v for v in result.curves.data_vars if f"{v}_model" in result.curves]
    variable = fitted[0] if variable is None else variable
    if variable not in fitted:
        raise ValueError(f"variable = {variable!r} was not fitted; fitted: {fitted}")
    if isinstance(max_curves, bool) or not isinstance(max_curves, int) or max_curves < 1:
        raise ValueError(f"max_curves = {max_curves!r} is outside the allowed range: an "
                         "integer >= 1")
    c = result.curves
    data, model, sig, res = (c[variable], c[f"{variable}_model"], c[f"{variable}_sigma"],
                             c[f"{variable}_residual"])
    pump, tdim, edim = data.dims
    x = edim if c.sizes[edim] >= c.sizes[tdim] else tdim
    others = [d for d in (pump, tdim, edim) if d != x]
    combos = [(i, j) for i in range(c.sizes[others[0]]) for j in range(c.sizes[others[1]])]
    pick = np.unique(np.linspace(0, len(combos) - 1, min(max_curves, len(combos))).astype(int))
    fig, (ax, axr) = plt.subplots(2, 1, figsize=(6.4, 5.6), sharex=True, layout="constrained",
                                  gridspec_kw={"height_ratios": [3, 1]})
    xs = c[x].values
    for n, k in enumerate(pick):
        i, j = combos[k]
        sel = {others[0]: i, others[1]: j}
        label = (f"{others[0]} = {float(c[others[0]][i]):.3g}, "
                 f"{others[1]} = {float(c[others[1]][j]):.4g} {c[others[1]].attrs['units']}")
        color = f"C{n % 10}"
        ax.errorbar(xs, data.isel(sel).values, yerr=sig.isel(sel).values, fmt="o", ms=3,
                    color=color, alpha=0.7, label=label)
        ax.plot(xs, model.isel(sel).values, "-", color=color)
        axr.plot(xs, res.isel(sel).values, "o", ms=3, color=color)
    ax.set_ylabel(f"{variable} ({data.attrs['units']})")
    ax.set_title(f"data (points) and fit (lines); chi2/dof = {result.redchi:.3g}")
    ax.legend(fontsize=7)
    axr.axhline(0, color="k", lw=0.8)
    axr.set_ylabel("(data - model) / sigma")
    axr.set_xlabel(f"{x} ({c[x].attrs['units']})")
    if x == tdim and xs.min() > 0 and xs.max() / xs.min() > 50:
        ax.set_xscale("log")
    return fig


def plot_corner(result, **kwargs):
    """Corner plot of the posterior (``corner``), the least-squares best fit marked.

    Parameters
    ----------
    result : FitResult
        A fit with ``posterior=True``.
    **kwargs
        Passed to :func:`corner.corner`.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        If the fit has no posterior.
    """
    import corner
    if result.posterior is None:
        raise ValueError("this fit has no posterior: call fit(..., posterior=True)")
    names = list(result.varied)
    samples = np.column_stack([result.posterior[k].values for k in names])
    labels = [f"{k} ({result.units.get(k, '')})" for k in names]
    kwargs.setdefault("quantiles", [0.16, 0.5, 0.84])
    kwargs.setdefault("show_titles", True)
    return corner.corner(samples, labels=labels, truths=[result.values[k] for k in names],
                         **kwargs)
