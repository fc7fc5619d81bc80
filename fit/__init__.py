"""ncgain.fit: fit the model to measured data, with honest uncertainties (issue 17).

Public entry points: :func:`fit` (bounded least squares with lmfit, an emcee posterior on
request) returning a :class:`FitResult`; the data readers :func:`check_data`,
:func:`read_netcdf`, :func:`read_csv`; scalar :class:`Target` numbers; the figures
:func:`plot_fit` and :func:`plot_corner`; :func:`fit_quoted` fits a sample builder to quoted
numbers computed by forward functions of their own (:mod:`ncgain.fit.joint`). See
docs/fitting.md.
"""

from .core import CORRELATION_LIMIT, FitResult, fit, fittable_fields
from .data import FITTED_VARIABLES, FitData, check_data, read_csv, read_netcdf
from .forward import NUISANCES, ForwardModel
from .plots import plot_corner, plot_fit
from .joint import QuotedFit, QuotedTarget, compare, fit_quoted, shared
from .targets import DERIVED_QUANTITIES, Target

__all__ = ["fit", "FitResult", "fittable_fields", "check_data", "read_netcdf", "read_csv",
           "FitData", "Target", "DERIVED_QUANTITIES", "NUISANCES", "FITTED_VARIABLES",
           "ForwardModel", "plot_fit", "plot_corner", "CORRELATION_LIMIT",
           "fit_quoted", "QuotedTarget", "QuotedFit", "shared", "compare"]
