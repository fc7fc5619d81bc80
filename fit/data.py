"""Measured data in ncgain's schema: checking, unit conversion and the file readers.

The schema is that of :func:`ncgain.kinetics.simulate_pulsed`: a fitted variable is one of
:data:`FITTED_VARIABLES` (``bleach``, ``absorption``, ``gain``, ``pl``) over the pump level
(``mean_excitons`` or ``pump_fluence``), ``time`` and ``energy``. Each of the three may be a
dimension or a scalar coordinate (a single kinetic trace at one energy and one fluence is
``bleach(time)`` with scalar ``energy`` and ``pump_fluence``). Beside each fitted variable
stands its 1-sigma uncertainty: a variable ``<name>_sigma`` of the same shape, or a constant
(an attribute ``sigma`` of the variable, or the ``sigma=`` argument). Every coordinate and
variable carries CF ``units``; known units are converted to ncgain's (meV -> eV, fs/ns -> ps,
uJ cm-2 -> mJ cm-2), others are refused.

CSV files are read in *long format*: one row per measured point, with columns

``variable`` (optional when the file holds one variable; else bleach/absorption/gain/pl),
``mean_excitons [1]`` or ``pump_fluence [mJ cm-2]``, ``time [ps]``, ``energy [eV]``,
``value [1]`` and ``sigma [1]``,

the units in square brackets in each header (required). The rows of one variable must fill
a complete grid of its pump levels x times x energies.
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xarray as xr

from .units import CANONICAL_UNITS, conversion_factor

__all__ = ["FITTED_VARIABLES", "PUMP_COORDINATES", "DataBlock", "FitData", "check_data",
           "read_netcdf", "read_csv"]

#: fitted variable -> the quantity of its units (see :mod:`ncgain.fit.units`)
FITTED_VARIABLES = {"bleach": "dimensionless", "absorption": "dimensionless",
                    "gain": "dimensionless", "pl": "pl"}
#: the two ways of giving the pump level, and the quantity of their units
PUMP_COORDINATES = {"mean_excitons": "mean_excitons", "pump_fluence": "pump_fluence"}
#: the coordinates of a fitted variable besides the pump level
_AXES = {"time": "time", "energy": "energy"}
#: most points of one fitted dataset (a guard against accidental huge inputs)
MAX_POINTS = 10 ** 7


@dataclass(frozen=True)
class DataBlock:
    """One fitted variable on its grid, in ncgain's units (eV, ps, mJ cm^-2).

    Parameters
    ----------
    name : str
        The variable (a key of :data:`FITTED_VARIABLES`).
    pump : str
        ``"mean_excitons"`` or ``"pump_fluence"``: how the pump level is given.
    pump_values : ndarray, shape (P,)
        Pump levels (excitons per NC, or mJ cm^-2), >= 0.
    times : ndarray, shape (T,)
        Delays after the nominal pump arrival (ps); may be negative (before the pump).
    energies : ndarray, shape (E,)
        Photon energies (eV), strictly increasing.
    values, sigma : ndarray, shape (P, T, E)
        The measured values and their 1-sigma uncertainties (> 0), in the model's units.
    units : str
        The units the values were given in (after conversion they are the model's).
    """

    name: str
    pump: str
    pump_values: np.ndarray
    times: np.ndarray
    energies: np.ndarray
    values: np.ndarray
    sigma: np.ndarray
    units: str

    @property
    def size(self) -> int:
        """Number of measured points."""
        return int(self.values.size)


@dataclass(frozen=True)
class FitData:
    """Checked data: the fitted variables as :class:`DataBlock` objects.

    Parameters
    ----------
    blocks : tuple of DataBlock
    attrs : dict
        The dataset's attributes (kept for the result).
    """

    blocks: tuple
    attrs: dict

    @property
    def size(self) -> int:
        """Number of measured points over all blocks."""
        return sum(b.size for b in self.blocks)


def _finite_array(name: str, values) -> np.ndarray:
    arr = np.asarray(values)
    if arr.dtype.kind not in "iuf":
        raise ValueError(f"{name} must hold real numbers, got dtype {arr.dtype}")
    arr = arr.astype(float)
    bad = ~np.isfinite(arr)
    if bad.any():
        raise ValueError(f"{name} holds {int(bad.sum())} non-finite value(s) (NaN or inf), "
                         f"first at flat index {int(np.flatnonzero(bad)[0])}; allowed: finite "
                         "numbers (drop or fill missing points before fitting)")
    return arr


def _axis(ds: xr.Dataset, var: xr.DataArray, coord: str, quantity: str) -> np.ndarray:
    """The values of one of a variable's axes (a dimension or a scalar coordinate)."""
    if coord not in var.coords:
        raise ValueError(f"{var.name} needs a {coord!r} coordinate (a dimension or a scalar "
                         f"coordinate, units {CANONICAL_UNITS[quantity]!r}); it has "
                         f"{tuple(var.coords)}")
    c = ds[coord] if coord in ds.coords else var.coords[coord]
    factor = conversion_factor(quantity, c.attrs.get("units"), name=f"coordinate {coord!r}")
    vals = _finite_array(f"coordinate {coord!r}", np.atleast_1d(c.values)) * factor
    if vals.ndim != 1:
        raise ValueError(f"coordinate {coord!r} must be 1-D or scalar, got shape {vals.shape}")
    return vals


def _constant_sigma(name: str, given, attrs: dict):
    if isinstance(given, dict):
        given = given.get(name)
    if given is None:
        given = attrs.get("sigma")
    if given is None:
        return None
    if isinstance(given, bool) or not isinstance(given, (int, float, np.integer, np.floating)):
        raise ValueError(f"sigma of {name} = {given!r} must be a positive real number (1 sigma, "
                         "in the variable's units)")
    return float(given)


def check_data(data, *, sigma=None, variables=None) -> FitData:
    """Check a dataset for fitting and convert it to ncgain's units.

    Parameters
    ----------
    data : xarray.Dataset or list of xarray.Dataset
        Measured (or simulated) data in ncgain's schema (see the module docstring); a list
        when the variables lie on different grids (transient absorption and PL), one
        dataset per grid.
    sigma : float or dict, optional
        A constant 1-sigma uncertainty (in the variable's units) for variables without a
        ``<name>_sigma`` variable: one number for all, or ``{variable: sigma}``.
    variables : sequence of str, optional
        The variables to fit. Default: every variable of :data:`FITTED_VARIABLES` that has
        an uncertainty (``<name>_sigma``, a ``sigma`` attribute or the ``sigma`` argument).

    Returns
    -------
    FitData
        One :class:`DataBlock` per fitted variable, in eV, ps, mJ cm^-2.

    Raises
    ------
    ValueError
        If the data are not a Dataset, a fitted variable or its uncertainty holds NaN or
        inf, an uncertainty is <= 0, a coordinate or variable lacks ``units`` or has units
        ncgain cannot convert, a fitted variable has dimensions outside the schema, a pump
        level is negative, energies are not positive, or no variable has an uncertainty.

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> ds = xr.Dataset({"bleach": (("time",), [0.1, 0.2], {"units": "1"})},
    ...                 coords={"time": ("time", [1.0, 2.0], {"units": "ns"}),
    ...                         "energy": ((), 2.05, {"units": "eV"}),
    ...                         "mean_excitons": ((), 0.5, {"units": "1"})})
    >>> fd = check_data(ds, sigma=0.01)
    >>> fd.blocks[0].times, fd.blocks[0].values.shape
    (array([1000., 2000.]), (1, 2, 1))
    """
    if isinstance(data, (list, tuple)) and data:
        parts = [check_data(d, sigma=sigma, variables=variables) for d in data]
        names = [b.name for p in parts for b in p.blocks]
        if len(set(names)) != len(names):
            raise ValueError(f"data: the datasets repeat a fitted variable ({names}); each "
                             "variable may come from one dataset (its nuisances are named "
                             "after it)")
        return FitData(tuple(b for p in parts for b in p.blocks), dict(parts[0].attrs))
    if not isinstance(data, xr.Dataset):
        raise ValueError(f"data must be an xarray.Dataset in ncgain's schema (or a list of "
                         f"them, one per grid), got {type(data).__name__}")
    if sigma is not None and not isinstance(sigma, dict):
        sigma = {name: sigma for name in FITTED_VARIABLES}
    if isinstance(sigma, dict):
        unknown = set(sigma) - set(FITTED_VARIABLES)
        if unknown:
            raise ValueError(f"sigma names {sorted(unknown)}, not fitted variables; allowed: "
                             f"{tuple(FITTED_VARIABLES)}")
    if variables is None:
        chosen = [v for v in FITTED_VARIABLES if v in data.data_vars and (
            f"{v}_sigma" in data.data_vars
            or _constant_sigma(v, sigma, data[v].attrs) is not None)]
        if not chosen:
            present = [v for v in FITTED_VARIABLES if v in data.data_vars]
            raise ValueError(
                "no variable to fit: the data need one of " f"{tuple(FITTED_VARIABLES)} with its "
                "1-sigma uncertainty (a '<name>_sigma' variable, a 'sigma' attribute or the "
                f"sigma= argument); found variables {present or list(data.data_vars)}")
    else:
        chosen = list(variables)
        for v in chosen:
            if v not in FITTED_VARIABLES:
                raise ValueError(f"variables names {v!r}; allowed: {tuple(FITTED_VARIABLES)}")
            if v not in data.data_vars:
                raise ValueError(f"variables names {v!r}, which the data do not hold "
                                 f"(they hold {list(data.data_vars)})")
    blocks = []
    for name in chosen:
        blocks.append(_block(data, name, sigma))
    total = sum(b.size for b in blocks)
    if total > MAX_POINTS:
        raise ValueError(f"the data hold {total} points; allowed at most {MAX_POINTS}")
    return FitData(tuple(blocks), dict(data.attrs))


def _block(ds: xr.Dataset, name: str, sigma) -> DataBlock:
    var = ds[name]
    quantity = FITTED_VARIABLES[name]
    pumps = [c for c in PUMP_COORDINATES if c in var.dims]
    if len(pumps) > 1:
        raise ValueError(f"{name} has both mean_excitons and pump_fluence as dimensions; "
                         "allowed: one of them")
    if not pumps:
        pumps = [c for c in PUMP_COORDINATES if c in var.coords]
        if not pumps:
            raise ValueError(f"{name} needs the pump level: a 'mean_excitons' (units '1') or "
                             "'pump_fluence' (units 'mJ cm-2') dimension or scalar coordinate")
        pumps = pumps[:1] if "mean_excitons" not in pumps else ["mean_excitons"]
    pump = pumps[0]
    allowed_dims = {pump, "time", "energy"}
    extra = [d for d in var.dims if d not in allowed_dims]
    if extra:
        raise ValueError(f"{name} has dimension(s) {extra} outside ncgain's schema; allowed: "
                         f"{pump}, time, energy (select or average the others first)")
    pump_values = _axis(ds, var, pump, PUMP_COORDINATES[pump])
    if (pump_values < 0).any():
        raise ValueError(f"coordinate {pump!r} = {float(pump_values.min())!r} is outside the "
                         "allowed range [0, inf)")
    times = _axis(ds, var, "time", "time")
    energies = _axis(ds, var, "energy", "energy")
    if (energies <= 0).any():
        raise ValueError(f"coordinate 'energy' = {float(energies.min())!r} eV is outside the "
                         "allowed range (0, inf) eV")
    for label, vals in ((pump, pump_values), ("time", times), ("energy", energies)):
        if np.unique(vals).size != vals.size:
            raise ValueError(f"coordinate {label!r} of {name} has repeated values; allowed: "
                             "distinct values")
    factor = conversion_factor(quantity, var.attrs.get("units"), name=f"variable {name!r}")
    full = var.expand_dims([d for d in (pump, "time", "energy") if d not in var.dims])
    full = full.transpose(pump, "time", "energy")
    values = _finite_array(f"variable {name!r}", full.values) * factor
    sig_name = f"{name}_sigma"
    if sig_name in ds.data_vars:
        sig_var = ds[sig_name]
        sfactor = conversion_factor(quantity, sig_var.attrs.get("units"),
                                    name=f"variable {sig_name!r}")
        try:
            sig_full = sig_var.broadcast_like(full).transpose(pump, "time", "energy")
        except ValueError as exc:
            raise ValueError(f"{sig_name} does not fit the shape of {name}: {exc}") from None
        sig = _finite_array(f"variable {sig_name!r}", sig_full.values) * sfactor
    else:
        const = _constant_sigma(name, sigma, var.attrs)
        if const is None:
            raise ValueError(f"{name} has no uncertainty: add a variable {sig_name!r} (1 sigma, "
                             "same units), a 'sigma' attribute or pass sigma=")
        if not math.isfinite(const):
            raise ValueError(f"sigma of {name} = {const!r} is not allowed: it must be finite "
                             "and > 0")
        sig = np.full(values.shape, const * factor)
    if not (sig > 0).all():
        raise ValueError(f"sigma of {name} = {float(sig.min())!r} is outside the allowed range "
                         "(0, inf): every 1-sigma uncertainty must be positive")
    order = np.argsort(energies)
    torder = np.argsort(times)
    porder = np.argsort(pump_values)
    values = values[porder][:, torder][:, :, order]
    sig = sig[porder][:, torder][:, :, order]
    return DataBlock(name, pump, pump_values[porder], times[torder], energies[order],
                     values, sig, str(var.attrs.get("units")))


def read_netcdf(path, *, sigma=None, variables=None) -> FitData:
    """Read a netCDF file in ncgain's schema and check it for fitting.

    Parameters
    ----------
    path : str or path-like
        The file (for example written by ``Dataset.to_netcdf``).
    sigma, variables :
        As in :func:`check_data`.

    Returns
    -------
    FitData

    Raises
    ------
    ValueError
        If the file does not exist or the data fail :func:`check_data`.
    """
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"path = {str(path)!r} is not a file")
    with xr.open_dataset(path) as ds:
        return check_data(ds.load(), sigma=sigma, variables=variables)


_HEADER = re.compile(r"^\s*([A-Za-z_]+)\s*(?:\[(.*)\])?\s*$")


def read_csv(path, *, variable: str | None = None) -> xr.Dataset:
    """Read a long-format CSV file (one row per point) into a Dataset of ncgain's schema.

    Parameters
    ----------
    path : str or path-like
        The file. Columns: ``variable`` (optional), ``mean_excitons [1]`` or
        ``pump_fluence [<units>]``, ``time [<units>]``, ``energy [<units>]``,
        ``value [<units>]``, ``sigma [<units>]``; every header but ``variable`` states its
        units in square brackets. A missing pump, time or energy column is allowed when the
        file holds one value of it: give it as a column all the same.
    variable : str, optional
        The variable the file holds when it has no ``variable`` column.

    Returns
    -------
    xarray.Dataset
        The variables with ``<name>_sigma`` beside them, units as in the file; pass it to
        :func:`ncgain.fit.fit` (which converts the units).

    Raises
    ------
    ValueError
        If a header lacks units, a column is missing, a value is not a number, or the rows
        of a variable do not fill a complete grid.

    Examples
    --------
    >>> import tempfile, os
    >>> text = ("time [ps],energy [eV],mean_excitons [1],value [1],sigma [1]\\n"
    ...         "1,2.05,0.5,0.30,0.01\\n2,2.05,0.5,0.28,0.01\\n")
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = os.path.join(d, "ta.csv"); _ = open(p, "w").write(text)
    ...     ds = read_csv(p, variable="bleach")
    >>> ds.bleach.dims, ds.bleach.shape
    (('mean_excitons', 'time', 'energy'), (1, 2, 1))
    """
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"path = {str(path)!r} is not a file")
    with open(path, newline="") as fh:
        rows = list(csv.reader(fh))
    rows = [r for r in rows if r and any(c.strip() for c in r)]
    if len(rows) < 2:
        raise ValueError(f"{path} holds no data rows (a header and one row per point needed)")
    header, body = rows[0], rows[1:]
    columns = {}
    for k, h in enumerate(header):
        m = _HEADER.match(h)
        if not m:
            raise ValueError(f"CSV header {h!r} (column {k + 1}) is not 'name [units]'")
        key, units = m.group(1), m.group(2)
        if key != "variable" and units is None:
            raise ValueError(f"CSV column {key!r} has no units: write its header as "
                             f"'{key} [units]' (e.g. 'time [ps]', 'energy [eV]', 'value [1]')")
        columns[key] = (k, None if units is None else units.strip())
    pump = [c for c in PUMP_COORDINATES if c in columns]
    needed = ["time", "energy", "value", "sigma"]
    missing = [c for c in needed if c not in columns]
    if missing or len(pump) != 1:
        raise ValueError(f"CSV columns {sorted(columns)} lack {missing or []}"
                         + ("" if len(pump) == 1 else
                            " and exactly one of 'mean_excitons', 'pump_fluence'"))
    pump = pump[0]
    if variable is None and "variable" not in columns:
        raise ValueError("the CSV has no 'variable' column: pass variable= (one of "
                         f"{tuple(FITTED_VARIABLES)})")
    numeric = {}
    for key in (pump, "time", "energy", "value", "sigma"):
        k = columns[key][0]
        try:
            numeric[key] = np.array([float(r[k]) for r in body])
        except (ValueError, IndexError) as exc:
            raise ValueError(f"CSV column {key!r}: {exc}") from None
    names = (np.array([r[columns["variable"][0]].strip() for r in body])
             if "variable" in columns else np.array([variable] * len(body)))
    data_vars, grid = {}, None
    for name in np.unique(names):
        if name not in FITTED_VARIABLES:
            raise ValueError(f"CSV variable {name!r} is not one of {tuple(FITTED_VARIABLES)}")
        rows_of = names == name
        axes = [np.unique(numeric[c][rows_of]) for c in (pump, "time", "energy")]
        shape = tuple(a.size for a in axes)
        if grid is not None and not all(a.shape == b.shape and np.array_equal(a, b)
                                        for a, b in zip(axes, grid)):
            raise ValueError(f"CSV variable {name} has another grid than {names[0]}: one "
                             "file holds variables on a common grid; use one file per grid")
        grid = axes
        if rows_of.sum() != np.prod(shape):
            raise ValueError(f"CSV rows of {name} ({int(rows_of.sum())}) do not fill the grid of "
                             f"its {shape[0]} {pump} x {shape[1]} time x {shape[2]} energy "
                             f"values ({int(np.prod(shape))} points): one row per point, no "
                             "gaps and no repeats")
        idx = [np.searchsorted(a, numeric[c][rows_of]) for a, c in
               zip(axes, (pump, "time", "energy"))]
        values = np.full(shape, np.nan)
        sig = np.full(shape, np.nan)
        values[tuple(idx)] = numeric["value"][rows_of]
        sig[tuple(idx)] = numeric["sigma"][rows_of]
        if np.isnan(values).any():
            raise ValueError(f"CSV rows of {name} repeat a point and leave another empty")
        sub = {c: (c, a, {"units": columns[c][1]})
               for c, a in zip((pump, "time", "energy"), axes)}
        da = xr.DataArray(values, coords=sub, dims=(pump, "time", "energy"),
                          attrs={"units": columns["value"][1]})
        ds_sigma = xr.DataArray(sig, coords=sub, dims=(pump, "time", "energy"),
                                attrs={"units": columns["sigma"][1]})
        data_vars[name] = da
        data_vars[f"{name}_sigma"] = ds_sigma
    ds = xr.Dataset(data_vars)
    for c in (pump, "time", "energy"):
        ds[c].attrs["units"] = columns[c][1]
    ds.attrs["source"] = str(path)
    return ds
