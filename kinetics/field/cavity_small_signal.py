"""Small-signal analysis of a c.w. steady state: stability and relaxation oscillations.

:func:`cavity_small_signal` linearises the twin about :func:`~ncgain.kinetics.field.cavity_steady.cavity_steady_state`
and diagonalises its exact Jacobian.
"""

from __future__ import annotations

import numpy as np

from ._cavity_problem import CavityProblem
from .cavity_steady import _chain_steady, _check_rates, cavity_steady_state
from ..threads import with_blas_thread_policy

__all__ = ["cavity_small_signal"]


@with_blas_thread_policy
def cavity_small_signal(problem: CavityProblem, rate: float, steady: dict | None = None) -> dict:
    """Small-signal dynamics of the twin about a c.w. steady state: stability and ringing.

    Linearises the rate equations (populations of every (class, n, energy bin)
    and the channel photon numbers) about the c.w. steady state at ``rate``
    (:func:`cavity_steady_state`) and diagonalises the exact Jacobian. Small
    deviations evolve as sums of exp(lambda t): the steady state is stable if
    every Re(lambda) < 0; each complex pair with abs(Im(lambda)) > abs(Re(lambda)) is
    an underdamped (relaxation-oscillation) mode with period 2 pi / Im(lambda)
    and damping rate -Re(lambda). The zero eigenvalues of the conserved chain
    masses (abs(lambda) < 1e-9 of the largest) are discarded.

    Parameters
    ----------
    problem : CavityProblem
        A validated c.w. cavity problem with the field on.
    rate : float
        Generation rate G (excitons per NC per ps).
    steady : dict, optional
        The output of :func:`cavity_steady_state` at this single rate.

    Returns
    -------
    dict
        ``growth_rate``: the largest Re(lambda) (1/ps; > 0 means the steady state
        is unstable); ``modes``: the underdamped eigenvalues with Im > 0
        (complex, 1/ps), sorted by increasing frequency.

    Raises
    ------
    ValueError
        If the problem is pulsed or has the field off, ``rate`` is not one rate
        in [0, 100] ps^-1 that the problem's n_max can hold, or ``steady`` is not
        the steady state at ``rate``.
    """
    if problem.pump_kind != "cw" or not problem.field_on:
        raise ValueError("cavity_small_signal needs a c.w. problem with the field on, got "
                         f"pump_kind = {problem.pump_kind!r}, field = {problem.field_on!r}")
    if np.ndim(rate) != 0:
        raise ValueError(f"rate = {rate!r} must be one generation rate (ps^-1)")
    rate = float(_check_rates(problem, rate, "rate")[0])
    if steady is None:
        steady = cavity_steady_state(problem, [rate])
    elif np.shape(steady["occupation"])[0] != 1:
        raise ValueError("steady must hold the steady state of this one rate (leading "
                         f"dimension 1), got {np.shape(steady['occupation'])[0]} states")
    else:
        # the given steady state must be that of ``rate``: its photon equation's residual
        chain = _chain_steady(problem, rate, steady["photons"][0])
        if not np.allclose(chain, steady["occupation"][0], rtol=1e-6, atol=1e-12):
            raise ValueError(f"steady is not the steady state at rate = {rate!r} ps^-1 (its "
                             "populations are not in detailed balance at that pump)")
    cp, tab = problem.coupling, problem.table
    kk, s, b = cp.em.shape[:3]
    nch = problem.channels.size
    n_p = kk * s * b
    kap = problem.kappa
    p = steady["occupation"][0]
    q = steady["photons"][0]
    up = np.zeros((kk, s, 1))
    up[:, :-1, 0] = rate * tab.pump_scale[:, None]
    r_up = up + kap * np.einsum("cnbk,k->cnb", cp.absorb, q)
    r_dn = tab.decay_rate[:, :, None] + kap * np.einsum("cnbk,k->cnb", cp.em, q)
    idx = np.arange(n_p).reshape(kk, s, b)
    jm = np.zeros((n_p + nch, n_p + nch))
    jm[idx.ravel(), idx.ravel()] = -(r_up + r_dn).ravel()
    jm[idx[:, 1:].ravel(), idx[:, :-1].ravel()] = r_up[:, :-1].ravel()
    jm[idx[:, :-1].ravel(), idx[:, 1:].ravel()] = r_dn[:, 1:].ravel()
    d_up = kap * cp.absorb * p[..., None]
    d_dn = kap * cp.em * p[..., None]
    dpq = -d_up - d_dn
    dpq[:, 1:] += d_up[:, :-1]
    dpq[:, :-1] += d_dn[:, 1:]
    jm[:n_p, n_p:] = dpq.reshape(n_p, nch)
    net = (cp.em - cp.absorb).reshape(n_p, nch)
    jm[n_p:, :n_p] = (kap * q[None, :] * net + cp.spont.reshape(n_p, nch)).T
    jm[n_p + np.arange(nch), n_p + np.arange(nch)] = kap * (p.ravel() @ net) - problem.loss_rate
    # A few hundred rows: BLAS threads follow kinetics.threads (one by default; two
    # spin-waiting threads under load took 6 s here instead of 0.1 s).
    lam = np.linalg.eigvals(jm)
    lam = lam[np.abs(lam) > 1e-9 * float(np.abs(lam).max())]
    modes = lam[(lam.imag > 0) & (lam.imag > np.abs(lam.real))]
    return {"growth_rate": float(lam.real.max()), "modes": modes[np.argsort(modes.imag)]}
