"""The cavity's deterministic twin: the master equation with the field, solved by BDF.

The populations of every (class, n, energy bin of E_i) and the channel photon numbers
Q_k, with the right-hand side and its exact sparse Jacobian, integrated by scipy's
stiff BDF solver (:func:`rate_equations`, one pump value per call); its Newton systems
(the n-chains bordered by the photons and books) are solved by block elimination
(:mod:`._chain_bdf`).
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy import integrate, sparse

from ._cavity_problem import CavityProblem
from ._chain_bdf import ChainBDF
from ..threads import with_blas_thread_policy

__all__ = ["rate_equations"]


def _initial_only(y0, times):
    """solve_ivp's result for record times that are all t = 0 (it fails on an empty span)."""
    from types import SimpleNamespace
    return SimpleNamespace(y=np.repeat(y0[:, None], times.size, axis=1), t=np.asarray(times),
                           success=True, message="", nfev=0)


@with_blas_thread_policy
def rate_equations(problem: CavityProblem, k: int, rtol=1e-7):
    """Solve the twin for pump value k; returns a dict of records at ``times``.

    Parameters
    ----------
    problem : CavityProblem
        The validated cavity problem.
    k : int
        Index of the pump value (``problem.pump[k]``).
    rtol : float, default 1e-7
        Relative tolerance of the BDF solver.

    Returns
    -------
    dict
        Records at ``problem.times`` (occupation, photons, cumulative counts, output, the
        field's books, ...), read by :func:`.cavity_dataset._dataset`.
    """
    tab, cp = problem.table, problem.coupling
    kk, s, b = cp.em.shape[:3]
    nch = problem.channels.size
    up = problem.up_rate(k)[:, :, None]
    dn = tab.decay_rate[:, :, None]
    kap = problem.kappa if problem.field_on else 0.0
    spont = cp.spont if problem.field_on else np.zeros_like(cp.spont)
    spont_tot = spont.sum(axis=3)
    net = cp.em - cp.absorb
    n_p = kk * s * b
    vloss = problem.loss_rate - problem.output_rate

    # 2-D views (n_p, C) of the coupling: matrix-vector products instead of einsums.
    em2 = cp.em.reshape(n_p, nch)
    ab2 = cp.absorb.reshape(n_p, nch)
    net2 = net.reshape(n_p, nch)
    spont2 = spont.reshape(n_p, nch)
    up_full = np.broadcast_to(up, (kk, s, b)).ravel()
    dn_full = np.broadcast_to(dn, (kk, s, b)).ravel()
    spont_flat = np.broadcast_to(spont_tot, (kk, s, b)).ravel()

    def rhs(_t, y):
        p = y[:n_p].reshape(kk, s, b)
        q = np.maximum(y[n_p:n_p + nch], 0.0)
        w_em = kap * (em2 @ q).reshape(kk, s, b)
        w_ab = kap * (ab2 @ q).reshape(kk, s, b)
        f_up = (up + w_ab) * p
        f_dn = (dn + w_em) * p
        dp = -f_up - f_dn
        dp[:, 1:] += f_up[:, :-1]
        dp[:, :-1] += f_dn[:, 1:]
        pf = y[:n_p]
        dq = kap * q * (pf @ net2) + pf @ spont2 - problem.loss_rate * y[n_p:n_p + nch]
        spf = float(pf @ spont_flat)
        cum = [float(up_full @ pf), float((w_ab * p).sum()), float((w_em * p).sum()), spf,
               float(dn_full @ pf) - spf, vloss * float(q.sum())]
        return np.concatenate([dp.ravel(), dq, cum, problem.output_rate * q])

    n_y = n_p + nch + 6 + nch
    idx = np.arange(n_p).reshape(kk, s, b)
    iq = n_p + np.arange(nch)
    ic = n_p + nch
    # The Jacobian's sparsity pattern is fixed: build the (row, col) lists once, in
    # blocks, and fill only the values at each call (COO -> CSC, duplicates none).
    all_p = np.arange(n_p)
    blocks = [
        (idx.ravel(), idx.ravel()),                                   # 0 pp diagonal
        (idx[:, 1:].ravel(), idx[:, :-1].ravel()),                    # 1 pp up (n-1 -> n)
        (idx[:, :-1].ravel(), idx[:, 1:].ravel()),                    # 2 pp down (n+1 -> n)
        (np.repeat(all_p, nch), np.tile(iq, n_p)),                    # 3 p vs q
        (np.repeat(iq, n_p), np.tile(all_p, nch)),                    # 4 q vs p
        (iq, iq),                                                     # 5 q diagonal
        (np.repeat(ic + np.arange(5), n_p), np.tile(all_p, 5)),       # 6 books vs p
        (np.repeat(ic + np.array([1, 2, 5]), nch), np.tile(iq, 3)),   # 7 books vs q
        (ic + 6 + np.arange(nch), iq),                                # 8 output vs q
    ]
    rows = np.concatenate([r for r, _ in blocks])
    cols = np.concatenate([c for _, c in blocks])
    order = np.lexsort((rows, cols))                                  # CSC order
    csc_indices = rows[order].astype(np.int32)
    csc_indptr = np.searchsorted(cols[order], np.arange(n_y + 1)).astype(np.int32)
    # chain by chain (class, bin, then n): the population block is tridiagonal; photons,
    # books and output (coupled to every population) are the dense border
    chains = np.concatenate([idx.transpose(0, 2, 1).ravel(), np.arange(n_p, n_y)])
    books_q_out = np.full(nch, problem.output_rate)
    vloss_q = np.full(nch, vloss)

    def jac(_t, y):
        p = y[:n_p].reshape(kk, s, b)
        q = np.maximum(y[n_p:n_p + nch], 0.0)
        w_em = kap * (em2 @ q).reshape(kk, s, b)
        w_ab = kap * (ab2 @ q).reshape(kk, s, b)
        r_up = up + w_ab
        r_dn = dn + w_em
        # populations vs field
        d_up = kap * cp.absorb * p[..., None]      # d f_up / d q_k
        d_dn = kap * cp.em * p[..., None]
        dpq = -d_up - d_dn
        dpq[:, 1:] += d_up[:, :-1]
        dpq[:, :-1] += d_dn[:, 1:]
        pf = y[:n_p]
        vals = np.concatenate([
            -(r_up + r_dn).ravel(),
            r_up[:, :-1].ravel(),
            r_dn[:, 1:].ravel(),
            dpq.ravel(),
            (kap * q[None, :] * net2 + spont2).T.ravel(),
            kap * (pf @ net2) - problem.loss_rate,
            up_full, w_ab.ravel(), w_em.ravel(), spont_flat, dn_full - spont_flat,
            kap * (pf @ ab2), kap * (pf @ em2), vloss_q,
            books_q_out,
        ])
        return sparse.csc_matrix((vals[order], csc_indices, csc_indptr), shape=(n_y, n_y))

    p0 = problem.initial(k)[:, :, None] * problem.bins.mass[:, None, :] \
        * tab.class_weight[:, None, None]
    y0 = np.concatenate([p0.ravel(), np.zeros(nch), np.zeros(6 + nch)])
    t_eval = problem.times
    # BDF's rejected trial steps can leave the physical range (stimulated terms turn
    # a negative trial population into overflow); the solver then shrinks the step.
    # Only the accepted solution counts, and it is checked for finiteness below.
    if float(problem.times[-1]) == 0.0:
        sol = _initial_only(y0, t_eval)   # a single record time 0: the initial state
    else:
        with warnings.catch_warnings(), np.errstate(over="ignore", invalid="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)
            sol = integrate.solve_ivp(rhs, (0.0, float(problem.times[-1])), y0, method=ChainBDF,
                                      t_eval=t_eval, rtol=rtol, atol=1e-14, jac=jac,
                                      chain_order=chains, border=n_y - n_p, chain_length=s)
    if not sol.success:  # pragma: no cover
        raise RuntimeError(f"rate equations failed: {sol.message}")
    if not np.all(np.isfinite(sol.y)):  # pragma: no cover
        raise RuntimeError("cavity rate equations produced non-finite values")
    y = sol.y.T
    return {
        "occupation": y[:, :n_p].reshape(-1, kk, s, b),
        "photons": y[:, n_p:n_p + nch],
        "cumulative": y[:, n_p + nch:n_p + nch + 6],
        "output": y[:, n_p + nch + 6:],
        "photon_books": np.column_stack([y[:, n_p + nch + 2], y[:, n_p + nch + 1],
                                         y[:, n_p + nch + 3], y[:, n_p + nch + 6:].sum(axis=1),
                                         y[:, n_p + nch + 5], y[:, n_p:n_p + nch].sum(axis=1)]),
        "initial_excitons": float((p0.sum(axis=(0, 2)) * np.arange(s)).sum()),
        "n_steps": int(sol.t.size),
    }
