"""The resumable store of a sweep (manifest, point files, lock) and its assembly into one dataset."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import numpy as np
import xarray as xr

from ncgain import fileio as _io
from ncgain import models

from .checks import point_seed, _canonical
from .definition import Sweep
from .fields import CORE_SHELL_FIELDS, CoreShell, SAMPLE_FIELDS, _base_description
from .observables import OBSERVABLES

__all__ = ["open_store"]


# ============================================================================ the store

class _Store:
    """A sweep's output folder: manifest, point files, lock and assembled dataset."""

    def __init__(self, path: Path, sweep: Sweep):
        self.path = Path(path)
        self.sweep = sweep
        self.points = self.path / "points"
        self.manifest = self.path / "sweep.json"
        self.dataset = self.path / "sweep.nc"

    def point_file(self, index: int) -> Path:
        return self.points / f"p{index:07d}.npz"

    def open(self) -> "_Store":
        if self.path.exists() and not self.path.is_dir():
            raise ValueError(f"store {self.path}: exists and is not a folder")
        if self.manifest.exists():
            try:
                stored = json.loads(self.manifest.read_text())
            except (OSError, json.JSONDecodeError) as exc:
                raise ValueError(f"store {self.path}: unreadable manifest {self.manifest.name} "
                                 f"({exc})") from None
            if stored.get("hash") != self.sweep.hash:
                raise ValueError(self._mismatch(stored))
        else:
            if self.path.is_dir() and any(self.path.iterdir()):
                raise ValueError(f"store {self.path}: the folder is not empty and holds no sweep "
                                 "(no sweep.json); choose a new or empty folder")
            self.path.mkdir(parents=True, exist_ok=True)
            _io.write_text(self.manifest, json.dumps(
                {"hash": self.sweep.hash, "definition": self.sweep.to_dict(),
                 "n_points": self.sweep.n_points,
                 "ncgain_version": models.package_version()}, indent=1, sort_keys=True))
        self.points.mkdir(exist_ok=True)
        return self

    def discard_if_empty(self, remove_folder: bool) -> None:
        """Remove the manifest (and the folder if ``remove_folder``) while no point is stored."""
        if self.done() or (self.dataset.exists()):
            return
        with contextlib.suppress(OSError):
            self.points.rmdir()
            self.manifest.unlink(missing_ok=True)
            if remove_folder:
                self.path.rmdir()

    def _mismatch(self, stored: dict) -> str:
        old = stored.get("definition", {})
        new = json.loads(self.sweep.to_json())  # as stored: JSON lists, not tuples
        diff = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
        if "options" in diff and isinstance(old.get("options"), dict):
            diff.remove("options")
            diff += sorted(f"options.{k}" for k in set(old["options"]) | set(new["options"])
                           if old["options"].get(k) != new["options"].get(k))
        return (self._old_loss_note(old) + f"store {self.path} holds a different sweep "
                f"(hash {str(stored.get('hash'))[:12]}, "
                f"this definition {self.sweep.hash[:12]}; differing: {', '.join(diff) or '?'}). "
                "Refusing to mix results: use another output folder, or delete this one to "
                "start over")

    def _old_loss_note(self, old: dict) -> str:
        """Why a threshold store of ncgain before the loss units change is refused."""
        options = old.get("options")
        if (old.get("observable") not in ("threshold", "cw-threshold")
                or not isinstance(options, dict) or "loss_fraction" in options):
            return ""
        what = " and has no threshold_stderr" if old.get("observable") == "threshold" else ""
        return (f"store {self.path} was written by an earlier ncgain whose {old['observable']} "
                f"option loss = {options.get('loss')!r} was in units of alpha_0(peak) (now "
                "loss_fraction; loss is cm^-1 with a film)" + what + ": its points cannot "
                "join this definition. Its sweep.nc, if complete, stays readable with xarray "
                "(its loss dimension is that fraction); to recompute, rerun with "
                f"loss_fraction = {options.get('loss')!r} (--loss-fraction) into a new "
                "folder. ")

    @contextlib.contextmanager
    def lock(self):
        """Exclusive use of the store by this process (a stale lock is taken over)."""
        with _io.exclusive_output(self.path, lock=self.path / ".lock"):
            # Leftovers of a killed run: temporary point files and dataset files.
            for stale in [*self.points.glob(".p*.tmp"), *self.path.glob(".sweep.*.tmp")]:
                stale.unlink(missing_ok=True)
            yield self

    def done(self) -> set[int]:
        out = set()
        for p in self.points.glob("p*.npz"):
            try:
                index = int(p.stem[1:])
            except ValueError:
                continue
            if index < self.sweep.n_points:
                out.add(index)
        return out

    def write_point(self, index: int, result: dict) -> None:
        arrays = {f"v_{k}": np.asarray(v, dtype=float) for k, v in result.items()}
        arrays["_hash"] = np.array(self.sweep.hash)
        arrays["_index"] = np.array(index, dtype=np.int64)
        # Temporary in the same folder, fsync, os.replace (ncgain.fileio): a point file is
        # complete or absent; a signal during the write is deferred to its end.
        with _io.atomic_output(self.point_file(index)) as tmp, _io.critical():
            with open(tmp, "wb") as fh:
                np.savez(fh, **arrays)

    def read_point(self, index: int) -> dict:
        with np.load(self.point_file(index), allow_pickle=False) as z:
            if str(z["_hash"]) != self.sweep.hash or int(z["_index"]) != index:
                raise ValueError(f"store {self.path}: {self.point_file(index).name} belongs to "
                                 "another sweep or point")
            return {k[2:]: z[k] for k in z.files if k.startswith("v_")}


def open_store(path, sweep: Sweep, *, create: bool = True) -> dict:
    """Check ``path`` against ``sweep`` and report what it holds (creates it if new).

    Parameters
    ----------
    path : str or Path
        The store folder.
    sweep : Sweep
        The definition the store must hold.
    create : bool, default True
        Create the store if it does not exist; with False nothing is written
        (a missing store reports 0 points done).

    Returns
    -------
    dict
        ``n_points``, ``done`` (number of stored points), ``path``.

    Raises
    ------
    ValueError
        If the folder holds a different sweep, or is not empty and not a store.
    """
    store = _Store(Path(path), sweep)
    if create or store.manifest.exists():
        store.open()
    elif store.path.exists() and (not store.path.is_dir() or any(store.path.iterdir())):
        store.open()   # raises: not a folder, or a non-empty folder that holds no sweep
    return {"path": str(store.path), "n_points": sweep.n_points, "done": len(store.done())}


# ============================================================================ assembly

def _assemble(store: _Store) -> xr.Dataset:
    sweep = store.sweep
    obs = OBSERVABLES[sweep.observable]
    dims = obs.dims(sweep.options)
    variables = obs.variables(sweep.options)
    results = [store.read_point(i) for i in range(sweep.n_points)]
    pad = {d: max(r[v].shape[vd.index(d)] for r in results for v, (vd, _) in variables.items()
                  if d in vd)
           for d, (values, _) in dims.items() if values is None}
    grid = sweep.shape
    data = {}
    for name, (vdims, attrs) in variables.items():
        shape = tuple(pad[d] if d in pad else len(dims[d][0]) for d in vdims)
        arr = np.zeros((sweep.n_points,) + shape)
        for i, r in enumerate(results):
            v = r[name]
            arr[(i,) + tuple(slice(0, n) for n in v.shape)] = v
        data[name] = (sweep.dims + tuple(vdims), arr.reshape(grid + shape), dict(attrs))
    table = CORE_SHELL_FIELDS if isinstance(sweep.base, CoreShell) else SAMPLE_FIELDS
    coords = {}
    for name, values in sweep.vary.items():
        units, long_name, _ = table[name]
        along = "point" if sweep.grid == "points" else name
        coords[name] = (along, np.asarray(values), {"units": units, "long_name": long_name})
    for d, (values, attrs) in dims.items():
        coords[d] = (d, np.arange(pad[d]) if values is None else np.asarray(values), dict(attrs))
    for c, (along, values, attrs) in (obs.coords(sweep.options) if obs.coords else {}).items():
        coords[c] = (along, np.asarray(values), dict(attrs))
    if sweep.grid == "points":
        coords["point"] = ("point", np.arange(sweep.n_points),
                           {"units": "1", "long_name": "point index"})
    seeds = np.array([point_seed(sweep.seed, i) for i in range(sweep.n_points)], dtype=np.int64)
    data["point_seed"] = (sweep.dims, seeds.reshape(grid),
                          {"units": "1", "long_name": "Monte Carlo seed of the point "
                           "(SeedSequence(seed, spawn_key=(index,)))"
                           + ("" if obs.stochastic(sweep.options) else "; unused: the "
                              "observable is deterministic")})
    ds = xr.Dataset(data, coords=coords)
    ds.attrs.update({
        "study": "sweep",
        "ncgain_version": models.package_version(),
        "observable": sweep.observable,
        "observable_description": obs.description,
        "observable_options": _canonical(sweep.options),
        "grid": sweep.grid,
        "swept_fields": json.dumps(list(sweep.fields)),
        "seed": sweep.seed,
        "base": _canonical(_base_description(sweep.base)),
        "sweep_definition": sweep.to_json(),
        "sweep_hash": sweep.hash,
        "method": sweep.options.get("method", ""),
    })
    if isinstance(sweep.base, models.Sample):
        ds.attrs["sample_0"] = sweep.base.to_json()
    from ncgain.kinetics.output import short_long_names
    return short_long_names(ds)   # <= 40 characters for plot labels; the rest: description
