"""scipy's BDF with its Newton systems solved as tridiagonal chains (and a dense border).

The stripe twin's Newton matrix I - c J couples each state only to its neighbours
n +- 1 in the same slice, class and energy bin (:func:`.stripe_twin.rate_equations`):
reordered chain by chain it is tridiagonal. scipy's BDF factorises it with SuperLU,
whose set-up and supernode bookkeeping cost ~4.6 ms per factorisation and ~0.4 ms per
solve at 1.3e4 unknowns; LAPACK's tridiagonal ``dgttrf``/``dgttrs`` (partial
pivoting, as SuperLU) do the same in ~0.13 ms each (docs/benchmark.md). The steps,
orders, Newton iterations and error control are scipy's own: :class:`ChainBDF`
replaces only the two linear-algebra callables that :class:`scipy.integrate.BDF` sets
up in its constructor, so its results equal BDF's to rounding.

The cavity twin's matrix is the same chains bordered by the photon numbers and the
books, which couple to every population (:func:`.cavity_twin.rate_equations`): with
``border = m`` the last m unknowns of the ordering may couple to anything, and the
system is solved by block elimination (the tridiagonal part by dgttrf/dgttrs, the
m x m Schur complement by dense LU).

With ``chain_length`` (the stripe's n-chains, all of one length), a solve runs the
chains side by side (:func:`_interleaved_chain_solve`): LAPACK's ``dgttrs`` walks the
~6e4 unknowns as one recurrence, each back-substitution step waiting for the division
before it (~13 ns per unknown); the chains are independent (their coupling entries are
zero), so stepping n across all chains at once lets the divisions overlap. Where the
factorisation did not pivot (a Newton matrix I - cJ of a rate matrix is column
diagonally dominant, so partial pivoting never interchanges rows) these are the same
operations as ``dgttrs`` on each unknown, in another order across chains: the same
result to the last bit (tested).
"""

from __future__ import annotations

import numpy as np
from numba import njit
from scipy import integrate
from scipy.linalg import lapack

__all__ = ["ChainBDF"]


class ChainBDF(integrate.BDF):
    """:class:`scipy.integrate.BDF` whose Newton matrix is tridiagonal after a reordering.

    Pass it as ``method=ChainBDF`` to :func:`scipy.integrate.solve_ivp` with a sparse
    ``jac`` and the option ``chain_order``.

    Parameters
    ----------
    fun, t0, y0, t_bound, **options
        As for :class:`scipy.integrate.BDF`.
    chain_order : array_like of int
        A permutation of ``range(y0.size)``: ``chain_order[i]`` is the unknown at place i
        of the reordering in which every Newton matrix I - c J is tridiagonal (but for
        the border).
    border : int, default 0
        The last ``border`` unknowns of ``chain_order`` may couple to any unknown (a
        dense border of the tridiagonal matrix), in [0, y0.size - 2].
    chain_length : int, optional
        The first L floor((n - border) / L) unknowns of ``chain_order`` are independent
        chains of L = ``chain_length`` unknowns each (no entry couples one chain to the
        next), in [2, n - border]: the solves then step through all chains at once
        (:func:`_interleaved_chain_solve`); a factorisation whose chains turn out coupled,
        or that pivoted, is solved by ``dgttrs`` as without it (the same values).

    Raises
    ------
    ValueError
        If ``chain_order`` is not a permutation of the unknowns, ``border`` is out of
        range, or (at a factorisation) a Newton matrix has an entry off the reordered
        tridiagonal outside the border.
    """

    def __init__(self, fun, t0, y0, t_bound, *, chain_order, border=0, chain_length=None,
                 **options):
        super().__init__(fun, t0, y0, t_bound, **options)
        order = np.asarray(chain_order)
        n = self.n
        if isinstance(border, bool) or not isinstance(border, (int, np.integer)) \
                or not 0 <= border <= n - 2:     # (LAPACK's tridiagonal needs 2 rows)
            raise ValueError(f"border = {border!r} must be an integer in [0, {n - 2}]")
        self._nt = n - int(border)
        if chain_length is not None and (
                isinstance(chain_length, bool) or not isinstance(chain_length, (int, np.integer))
                or not 2 <= chain_length <= self._nt):
            raise ValueError(f"chain_length = {chain_length!r} must be None or an integer in "
                             f"[2, {self._nt}]")
        self._chain_length = None if chain_length is None else int(chain_length)
        self.n_interleaved_solves = 0
        self._kc = self._kc_border = None       # index maps of the interleaved solve
        if order.shape != (n,) or order.dtype.kind not in "iu" or not np.array_equal(
                np.sort(order), np.arange(n)):
            raise ValueError(f"chain_order must be a permutation of range({n}) (the "
                             "unknowns); got an array of shape "
                             f"{order.shape} and dtype {order.dtype}")
        self._order = order.astype(np.intp)
        self._inv = np.empty(n, np.intp)
        self._inv[self._order] = np.arange(n)
        self.n_chain_lu = 0
        self._layout_cache = None
        # BDF calls these two (set in its constructor) for every factorisation and solve
        self.lu = self._chain_lu
        self.solve_lu = self._chain_solve

    def _layout(self, a):
        """Where each stored entry of the CSC matrix ``a`` goes in the factorisation's arrays.

        One flat buffer holds [d (nt), du (nt), dl (nt), B (nt x m), C (m x nt), D (m x m)]
        of the reordered matrix [[T, B], [C, D]] (T tridiagonal, nt = n - m). The sparsity
        pattern of BDF's I - c J changes rarely (exact zeros are dropped), so the layout is
        kept while it holds.
        """
        cached = self._layout_cache
        if cached is not None and np.array_equal(cached[0], a.indptr) \
                and np.array_equal(cached[1], a.indices):
            return cached[2:]
        n, nt = self.n, self._nt
        m = n - nt
        r = self._inv[a.indices]
        c = self._inv[np.repeat(np.arange(n), np.diff(a.indptr))]
        off = c - r
        inner = (r < nt) & (c < nt)
        bad = np.flatnonzero(inner & (np.abs(off) > 1))
        dest = np.full(r.size, -1, np.intp)
        for sel, where in (
                (inner & (off == 0), r),
                (inner & (off == 1), nt + r),
                (inner & (off == -1), 2 * nt + c),
                ((r < nt) & (c >= nt), 3 * nt + r * m + (c - nt)),
                ((r >= nt) & (c < nt), 3 * nt + nt * m + (r - nt) * nt + c),
                ((r >= nt) & (c >= nt), 3 * nt + 2 * nt * m + (r - nt) * m + (c - nt))):
            dest[sel] = where[sel]
        good = None if bad.size == 0 else np.flatnonzero(dest >= 0)
        # the border columns that reach the chains and the border rows they reach
        cols = np.unique(c[(r < nt) & (c >= nt)] - nt)
        rows = np.unique(r[(r >= nt) & (c < nt)] - nt)
        self._layout_cache = (a.indptr.copy(), a.indices.copy(), dest, good, bad, cols, rows)
        return self._layout_cache[2:]

    def _chain_lu(self, a):
        """Factorise the sparse Newton matrix ``a`` (reordered: tridiagonal + border)."""
        self.nlu += 1
        self.n_chain_lu += 1
        if a.format != "csc":
            a = a.tocsc()
        dest, good, bad, cols, rows = self._layout(a)
        if bad.size and np.any(a.data[bad] != 0):
            raise ValueError("ChainBDF: the Newton matrix has entries off the tridiagonal "
                             "of chain_order outside the border")
        n, nt = self.n, self._nt
        m = n - nt
        size = 3 * nt + 2 * nt * m + m * m
        if good is None:
            buf = np.bincount(dest, weights=a.data, minlength=size)
        else:
            buf = np.bincount(dest[good], weights=a.data[good], minlength=size)
        d, du, dl = buf[:nt], buf[nt:2 * nt - 1], buf[2 * nt:3 * nt - 1]
        dl, d, du, du2, ipiv, info = lapack.dgttrf(dl, d, du)
        if info != 0:   # pragma: no cover - I - cJ of a rate matrix is an M-matrix
            raise RuntimeError(f"ChainBDF: the Newton matrix is singular (dgttrf info {info})")
        tri = (dl, d, du, du2, ipiv)
        fast = self._interleaved_factors(dl, d, du, ipiv)
        if m == 0:
            return tri, None, fast
        at = 3 * nt
        b_blk = buf[at:at + nt * m].reshape(nt, m)
        c_blk = buf[at + nt * m:at + 2 * nt * m].reshape(m, nt)
        schur = buf[at + 2 * nt * m:].reshape(m, m).copy()
        c_rows = c_blk[rows]
        if cols.size:           # (dgttrs with no right-hand side writes out of bounds)
            x = lapack.dgttrs(*tri, b_blk[:, cols])[0]             # T^-1 B
            schur[np.ix_(rows, cols)] -= c_rows @ x                # D - C T^-1 B
        else:
            x = np.zeros((nt, 0))
        lu, piv, info = lapack.dgetrf(schur, overwrite_a=1)
        if info < 0:   # pragma: no cover - bad arguments only
            raise RuntimeError(f"ChainBDF: dgetrf failed (info {info})")
        return tri, (x, cols, c_rows, rows, lu, piv), fast

    def _interleaved_factors(self, dl, d, du, ipiv):
        """The factors for :func:`_interleaved_chain_solve`, or None where it does not apply.

        It needs ``chain_length``, no row interchange (ipiv the identity: then dgttrf's
        second superdiagonal du2 is zero) and zero entries between consecutive chains
        and between the last chain and the rest. Returns the chains' factors as
        (L, n_chains) arrays (chain c's unknown k at [k, c]: a step of k is contiguous)
        and the rest's.
        """
        length = self._chain_length
        if length is None:
            return None
        nt = self._nt
        n_chains = nt // length
        nc = n_chains * length
        if not np.array_equal(ipiv, np.arange(1, nt + 1, dtype=ipiv.dtype)):
            return None
        ends = np.arange(length - 1, min(nc, nt - 1), length)
        if np.any(dl[ends] != 0) or np.any(du[ends] != 0):
            return None
        dl_full = np.append(dl, 0.0)          # (entries past the chain ends are zero)
        du_full = np.append(du, 0.0)
        kc = lambda a: np.ascontiguousarray(a[:nc].reshape(n_chains, length).T)  # noqa: E731
        return (kc(dl_full), kc(d), kc(du_full), dl_full[nc:], d[nc:], du_full[nc:])

    def _kc_index(self, border):
        """Where X[k, c] of the interleaved solve sits in the vector solved (and the rest's)."""
        length = self._chain_length
        nt = self._nt
        nc = nt // length * length
        pos = np.arange(nt)
        src = pos if border else self._order[:nt]
        return (np.ascontiguousarray(src[:nc].reshape(nc // length, length).T),
                np.ascontiguousarray(src[nc:]))

    def _chain_solve(self, lu, b):
        """Solve with the factors of :meth:`_chain_lu` (the unknowns in the caller's order)."""
        tri, border, fast = lu
        nt = self._nt
        if fast is not None and border is None:
            # the chains straight from and into the caller's order (no permutation)
            self.n_interleaved_solves += 1
            if self._kc is None:
                self._kc = self._kc_index(border=False)
            out = np.empty_like(b)
            _interleaved_chain_solve(b, *self._kc, *fast, out)
            return out
        bp = b[self._order]
        if fast is not None:
            self.n_interleaved_solves += 1
            if self._kc_border is None:
                self._kc_border = self._kc_index(border=True)
            y = np.empty(nt)
            _interleaved_chain_solve(bp[:nt], *self._kc_border, *fast, y)
        else:
            y, info = lapack.dgttrs(*tri, bp[:nt], overwrite_b=1)
            if info != 0:   # pragma: no cover - dgttrs fails only on bad arguments
                raise RuntimeError(f"ChainBDF: dgttrs failed (info {info})")
        if border is not None:
            x, cols, c_rows, rows, lu_s, piv = border
            g = bp[nt:]
            g[rows] -= c_rows @ y
            z = lapack.dgetrs(lu_s, piv, g, overwrite_b=1)[0]
            y = np.concatenate([y - x @ z[cols], z])
        return y[self._inv]


@njit(cache=True)
def _interleaved_chain_solve(b, src, src_rest, dl, d, du, dl_rest, d_rest, du_rest, out):
    """T x = b for T's dgttrf factors without row interchanges (physics-free loops).

    Chain c's unknown k is b[src[k, c]], its factors dl[k, c], d[k, c], du[k, c] (the
    couplings to k + 1); the rest (after the chains, one recurrence) b[src_rest[i]] with
    dl_rest, d_rest, du_rest. The solution goes to the same places of ``out``. Each step
    of k runs over all chains (contiguous: the divisions of different chains overlap and
    vectorise); per unknown the operations are dgttrs' (forward x[i+1] - dl[i] x[i],
    backward (x[i] - du[i] x[i+1]) / d[i]; the second superdiagonal is zero without
    pivoting), so the result is dgttrs' to the last bit.
    """
    length, n_chains = src.shape
    n_rest = src_rest.size
    x = np.empty((length, n_chains))
    for k in range(length):
        for c in range(n_chains):
            x[k, c] = b[src[k, c]]
    for k in range(1, length):                  # forward: L y = b
        for c in range(n_chains):
            x[k, c] = x[k, c] - dl[k - 1, c] * x[k - 1, c]
    r = np.empty(n_rest)
    for i in range(n_rest):                     # (the last chain's link to it is zero)
        r[i] = b[src_rest[i]]
        if i > 0:
            r[i] = r[i] - dl_rest[i - 1] * r[i - 1]
    if n_rest > 0:                              # backward: U x = y, the rest first
        r[n_rest - 1] = r[n_rest - 1] / d_rest[n_rest - 1]
        for i in range(n_rest - 2, -1, -1):
            r[i] = (r[i] - du_rest[i] * r[i + 1]) / d_rest[i]
        for i in range(n_rest):
            out[src_rest[i]] = r[i]
    for c in range(n_chains):
        x[length - 1, c] = x[length - 1, c] / d[length - 1, c]
    for k in range(length - 2, -1, -1):
        for c in range(n_chains):
            x[k, c] = (x[k, c] - du[k, c] * x[k + 1, c]) / d[k, c]
    for k in range(length):
        for c in range(n_chains):
            out[src[k, c]] = x[k, c]
