"""Compare the datasets of two ``ncgain reproduce`` output folders, value by value.

Used to show that a behaviour-preserving change (issue 16, the redesign) leaves every
number that ``ncgain reproduce`` writes unchanged::

    ncgain reproduce --out /tmp/before          # on the old commit
    ncgain reproduce --out /tmp/after           # on the new commit
    python scripts/compare_reproduce.py /tmp/before /tmp/after

Every ``<study>.nc`` of BEFORE must exist in AFTER with the same variables, coordinates,
dimensions and values (exactly: NaN equals NaN; ``--rtol`` allows a relative tolerance).
Attributes are compared too: a changed numeric or JSON attribute (sample parameters,
thresholds stored as attributes) is a value difference; a changed text attribute (prose,
descriptions) is listed but allowed, since the redesign moves prose. Exit status 0 when
every value agrees, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import xarray as xr


def _equal(a: np.ndarray, b: np.ndarray, rtol: float) -> bool:
    if a.shape != b.shape:
        return False
    if a.dtype.kind in "fc" and b.dtype.kind in "fc":
        if rtol == 0.0:
            return bool(np.array_equal(a, b, equal_nan=True))
        return bool(np.allclose(a, b, rtol=rtol, atol=0.0, equal_nan=True))
    return bool(np.array_equal(a, b))


def _same_attr(x, y) -> bool:
    if x is None or y is None:
        return x is y
    if isinstance(x, (np.ndarray, float, np.floating)) or isinstance(y, (np.ndarray, float, np.floating)):
        try:
            return bool(np.array_equal(np.asarray(x), np.asarray(y), equal_nan=True))
        except TypeError:      # not numeric: compare as objects
            return bool(np.array_equal(np.asarray(x), np.asarray(y)))
    return x == y


def _is_numeric_attr(value) -> bool:
    if isinstance(value, (int, float, np.number, np.ndarray, list, tuple)):
        return True
    if isinstance(value, str):
        try:
            json.loads(value)
        except ValueError:
            return False
        return True
    return False


def compare_files(before: Path, after: Path, rtol: float = 0.0) -> tuple[list[str], list[str]]:
    """Value differences and text-attribute differences between two netCDF files."""
    errors, notes = [], []
    with xr.open_dataset(before) as a, xr.open_dataset(after) as b:
        for kind, names_a, names_b in (("variable", set(a.data_vars), set(b.data_vars)),
                                       ("coordinate", set(a.coords), set(b.coords))):
            for name in sorted(names_a - names_b):
                errors.append(f"{kind} {name!r} missing")
            for name in sorted(names_b - names_a):
                errors.append(f"{kind} {name!r} added")
        for name in sorted((set(a.variables) & set(b.variables))):
            va, vb = a[name], b[name]
            if va.dims != vb.dims:
                errors.append(f"{name!r}: dims {va.dims} -> {vb.dims}")
                continue
            if not _equal(np.asarray(va.values), np.asarray(vb.values), rtol):
                diff = ""
                if va.dtype.kind in "fc" and va.shape == vb.shape:
                    with np.errstate(invalid="ignore", divide="ignore"):
                        d = np.abs(np.asarray(va.values, float) - np.asarray(vb.values, float))
                        d = d[np.isfinite(d)]
                    diff = f" (max |diff| {d.max():.3g})" if d.size else ""
                errors.append(f"{name!r}: values differ{diff}")
            for key in sorted(set(va.attrs) | set(vb.attrs)):
                if not _same_attr(va.attrs.get(key), vb.attrs.get(key)):
                    notes.append(f"{name!r} attribute {key!r} changed")
        for key in sorted(set(a.attrs) | set(b.attrs)):
            x, y = a.attrs.get(key), b.attrs.get(key)
            if _same_attr(x, y):
                continue
            if _is_numeric_attr(x) or _is_numeric_attr(y):
                errors.append(f"dataset attribute {key!r}: {str(x)[:80]!r} -> {str(y)[:80]!r}")
            else:
                notes.append(f"dataset attribute {key!r} (text) changed")
    return errors, notes


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--rtol", type=float, default=0.0,
                        help="relative tolerance for floating values (default: 0, exact)")
    args = parser.parse_args(argv)
    files = sorted(args.before.glob("*.nc"))
    if not files:
        print(f"no .nc files in {args.before}", file=sys.stderr)
        return 1
    failed = 0
    for path in files:
        other = args.after / path.name
        if not other.exists():
            print(f"{path.name}: MISSING in {args.after}")
            failed += 1
            continue
        errors, notes = compare_files(path, other, args.rtol)
        status = "identical values" if not errors else f"{len(errors)} DIFFERENCES"
        print(f"{path.name}: {status}" + (f"; {len(notes)} text changes" if notes else ""))
        for line in errors:
            print(f"    {line}")
        for line in notes:
            print(f"    (text) {line}")
        failed += bool(errors)
    print(f"{len(files) - failed} of {len(files)} datasets value-identical")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
