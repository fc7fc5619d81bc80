"""ncgain.sweeps: parameter sweeps over sample fields (the sweep engine).

Filled by the redesign (issue 16): the sweep definition, the observable registry, the
resumable store and the dask.distributed runner move here from ``studies/sweep.py``.
"""
