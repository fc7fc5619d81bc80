"""The posterior of a fit: emcee's ensemble sampler on the fit's Gaussian likelihood.

log p(theta | data) = -chi^2(theta) / 2 + const inside the bounds (uniform priors), -inf
outside; chi^2 is the fit's own objective (data and scalar targets). emcee is called
directly, vectorized: every half-ensemble's walkers go to the workers at once, and the
workers hold the log-posterior (data, forward model, its caches) from the start, so each
step ships only the walkers' parameter vectors. emcee draws every random number in this
process, so the chain is identical (bit for bit) for any number or kind of workers.
"""

from __future__ import annotations

import math
import multiprocessing

import emcee
import numpy as np

from .pool import DaskPool, _ListPool

__all__ = ["LogPosterior", "run_emcee"]


class LogPosterior:
    """-chi^2 / 2 of the fit's objective at a vector of the varied parameters.

    Parameters
    ----------
    objective : callable
        Parameters -> normalized residuals (the fit's objective, picklable).
    params : lmfit.Parameters
        All parameters (fixed, varied, expressions) at the best fit.
    varied : list of str
        Names of the varied parameters, in the order of the vectors.
    """

    def __init__(self, objective, params, varied):
        self.objective = objective
        self.params = params.copy()
        self.varied = list(varied)
        self.low = np.array([params[k].min for k in varied], float)
        self.high = np.array([params[k].max for k in varied], float)

    def __call__(self, theta) -> float:
        theta = np.asarray(theta, float)
        if not (np.all(theta >= self.low) and np.all(theta <= self.high)):
            return -math.inf                              # uniform prior: zero outside
        for k, v in zip(self.varied, theta):
            self.params[k].value = float(v)
        self.params.update_constraints()                  # expressions follow
        r = self.objective(self.params)
        return float(-0.5 * (r @ r))


_WORKER_LOG_POSTERIOR = None


def _init_worker(log_posterior):
    global _WORKER_LOG_POSTERIOR
    _WORKER_LOG_POSTERIOR = log_posterior


def _worker_call(theta):
    return _WORKER_LOG_POSTERIOR(theta)


def _dask_call(theta, log_posterior):
    return log_posterior(theta)


class _Vectorized:
    """The log-posterior of many walkers at once, spread over the workers."""

    def __init__(self, log_posterior, workers):
        self.log_posterior = log_posterior
        self.workers = workers
        self.pool = None
        self.scattered = None
        if isinstance(workers, int) and workers > 1:
            self.pool = multiprocessing.Pool(workers, initializer=_init_worker,
                                             initargs=(log_posterior,))
        elif isinstance(workers, DaskPool):
            # sent once to every worker, not with each step
            self.scattered = workers.client.scatter(log_posterior, broadcast=True)

    def __call__(self, thetas) -> np.ndarray:
        rows = [np.array(t) for t in thetas]
        if self.pool is not None:
            chunk = max(1, math.ceil(len(rows) / self.workers))
            out = self.pool.map(_worker_call, rows, chunksize=chunk)
        elif isinstance(self.workers, DaskPool):
            client = self.workers.client
            out = client.gather(client.map(_dask_call, rows, log_posterior=self.scattered,
                                           pure=False))
        elif isinstance(self.workers, _ListPool):
            out = self.workers.map(self.log_posterior, rows)
        else:
            out = [self.log_posterior(t) for t in rows]
        return np.asarray(out, float)

    def close(self):
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            self.pool = None


def run_emcee(log_posterior: LogPosterior, start: np.ndarray, *, steps: int, burn: int,
              thin: int, seed: int, workers) -> dict:
    """Run emcee's ensemble sampler from ``start`` (nwalkers, ndim).

    Parameters
    ----------
    log_posterior : LogPosterior
    start : ndarray, shape (nwalkers, ndim)
        Initial walker positions, inside the bounds.
    steps, burn, thin : int
        Chain length, steps discarded, thinning.
    seed : int
        Seed of emcee's random state (numpy ``RandomState``).
    workers : int, DaskPool or Pool-like
        As returned by :func:`ncgain.fit.pool.resolve_workers`.

    Returns
    -------
    dict
        ``chain`` (draws, ndim) after burn and thinning, walkers inner; ``acceptance``
        (mean acceptance fraction); ``autocorrelation`` (per parameter, or None if emcee
        cannot estimate it).
    """
    nwalkers, ndim = start.shape
    fn = _Vectorized(log_posterior, workers)
    try:
        sampler = emcee.EnsembleSampler(nwalkers, ndim, fn, vectorize=True)
        sampler.random_state = np.random.RandomState(seed).get_state()
        sampler.run_mcmc(start, steps, progress=False)
    finally:
        fn.close()
    chain = sampler.get_chain(discard=burn, thin=thin, flat=True)
    try:
        acor = sampler.get_autocorr_time(discard=burn, thin=thin, quiet=True)
    except Exception:       # emcee raises for chains too short to estimate it
        acor = None
    return {"chain": chain, "acceptance": float(np.mean(sampler.acceptance_fraction)),
            "autocorrelation": acor}
