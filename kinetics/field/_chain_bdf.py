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
"""

from __future__ import annotations

import numpy as np
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

    Raises
    ------
    ValueError
        If ``chain_order`` is not a permutation of the unknowns, ``border`` is out of
        range, or (at a factorisation) a Newton matrix has an entry off the reordered
        tridiagonal outside the border.
    """

    def __init__(self, fun, t0, y0, t_bound, *, chain_order, border=0, **options):
        super().__init__(fun, t0, y0, t_bound, **options)
        order = np.asarray(chain_order)
        n = self.n
        if isinstance(border, bool) or not isinstance(border, (int, np.integer)) \
                or not 0 <= border <= n - 2:     # (LAPACK's tridiagonal needs 2 rows)
            raise ValueError(f"border = {border!r} must be an integer in [0, {n - 2}]")
        self._nt = n - int(border)
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
        if m == 0:
            return tri, None
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
        return tri, (x, cols, c_rows, rows, lu, piv)

    def _chain_solve(self, lu, b):
        """Solve with the factors of :meth:`_chain_lu` (the unknowns in the caller's order)."""
        tri, border = lu
        bp = b[self._order]
        nt = self._nt
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
