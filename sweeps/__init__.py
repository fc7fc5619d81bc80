"""Parameter sweeps on dask.distributed, resumable: ``ncgain.sweeps`` and ``ncgain sweep``.

A sweep is a :class:`Sweep` definition -- a base sample (a :class:`models.Sample`,
a preset name, or a :class:`CoreShell` geometry), one or more swept fields with
their grids (a product grid, or a list of points), an observable from
:data:`OBSERVABLES` with its options, and a seed -- and a *store*, a folder that
receives every finished point as it completes. :func:`run` computes the missing
points (on an embedded ``LocalCluster`` by default, on an existing dask cluster
with ``scheduler="tcp://..."``, or in-process with ``scheduler="serial"``) and
assembles one :class:`xarray.Dataset` written to ``STORE/sweep.nc``.

Guarantees
----------
* **Validation before work.** Constructing a :class:`Sweep` checks the fields,
  the grids and the observable options; :func:`run` then builds every point's
  sample and checks it (``Sweep.point_samples``) before anything is submitted.
  A value that makes a sample invalid raises a ``ValueError`` that names the
  point's index and coordinates. More than ``checks.MAX_POINTS`` points or
  ``checks.MAX_CORE_HOURS`` of estimated work are refused from the axis lengths
  alone, and a scheduler address is reached before the store is created.
* **Seeds.** Point ``i`` uses the seed :func:`point_seed` ``(seed, i)``, a
  function of the sweep seed and the point's index only (NumPy ``SeedSequence``
  with spawn key ``(i,)``). With the counter-based Monte Carlo streams of
  ``kinetics`` the dataset is bit-identical whatever the number of workers,
  threads, or the order in which points finish.
* **Resumable store.** ``STORE/sweep.json`` holds the definition and its SHA-256
  hash; a different definition pointed at the same store is refused. Each
  point is written to ``STORE/points/p<index>.npz`` through a temporary file in
  the same folder and ``os.replace`` (atomic): a killed run never leaves a
  half-written point under a final name. Rerunning computes only the missing
  points; the assembled dataset depends only on the stored points, so it is
  identical whether or not the run was interrupted.
* **Fault tolerance.** A worker that dies mid-point loses only that point: the
  dask scheduler reschedules its tasks on the surviving (or restarted) workers.

Threads: the embedded cluster runs ``workers`` single-threaded worker processes
(default: one per available core) and sets ``NUMBA_NUM_THREADS`` in each to
``max(1, cores // workers)`` (and ``OMP_NUM_THREADS`` etc. to 1), so
workers x Numba threads <= cores. On an existing cluster each task sets
``numba.set_num_threads(numba_threads)`` (default 1) in its worker.

The package's modules, one concern each: ``definition`` (:class:`Sweep`,
:func:`compute_point`), ``fields`` (the swept fields and :class:`CoreShell`),
``observables`` (the registry :data:`OBSERVABLES`, :func:`register_observable`), ``store``
(the resumable store and the dataset's assembly, :func:`open_store`), ``runner`` (:func:`run`,
:func:`local_cluster` on dask.distributed) and ``checks`` (:func:`available_cores`,
:func:`point_seed`, the option checks).

The old import path ``ncgain.studies.sweep`` re-exports this package.
"""

from .checks import available_cores, point_seed
from .definition import Sweep, compute_point
from .fields import CORE_SHELL_FIELDS, SAMPLE_FIELDS, STORE_FORMAT, CoreShell
from .observables import (OBSERVABLES, Observable, gain_lifetime, lifetime_times,
                          register_observable)
from .runner import local_cluster, run
from .store import open_store

__all__ = ["Sweep", "CoreShell", "Observable", "OBSERVABLES", "register_observable",
           "SAMPLE_FIELDS", "CORE_SHELL_FIELDS", "point_seed", "compute_point", "run",
           "local_cluster", "gain_lifetime", "lifetime_times",
           "open_store", "available_cores", "STORE_FORMAT"]
