"""scipy's BDF with its Newton systems solved as one tridiagonal system.

The stripe twin's Newton matrix I - c J couples each state only to its neighbours
n +- 1 in the same slice, class and energy bin (:func:`.stripe_twin.rate_equations`):
reordered chain by chain it is tridiagonal. scipy's BDF factorises it with SuperLU,
whose set-up and supernode bookkeeping cost ~4.6 ms per factorisation and ~0.4 ms per
solve at 1.3e4 unknowns; LAPACK's tridiagonal ``dgttrf``/``dgttrs`` (partial
pivoting, as SuperLU) do the same in ~0.13 ms each (docs/benchmark.md). The steps,
orders, Newton iterations and error control are scipy's own: :class:`ChainBDF`
replaces only the two linear-algebra callables that :class:`scipy.integrate.BDF` sets
up in its constructor, so its results equal BDF's to rounding.
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
        of the reordering in which every Newton matrix I - c J is tridiagonal.

    Raises
    ------
    ValueError
        If ``chain_order`` is not a permutation of the unknowns, or (at a factorisation)
        if a Newton matrix has an entry off the reordered tridiagonal.
    """

    def __init__(self, fun, t0, y0, t_bound, *, chain_order, **options):
        super().__init__(fun, t0, y0, t_bound, **options)
        order = np.asarray(chain_order)
        n = self.n
        if order.shape != (n,) or order.dtype.kind not in "iu" or not np.array_equal(
                np.sort(order), np.arange(n)):
            raise ValueError(f"chain_order must be a permutation of range({n}) (the "
                             "unknowns); got an array of shape "
                             f"{order.shape} and dtype {order.dtype}")
        self._order = order.astype(np.intp)
        self._inv = np.empty(n, np.intp)
        self._inv[self._order] = np.arange(n)
        self.n_chain_lu = 0
        # BDF calls these two (set in its constructor) for every factorisation and solve
        self.lu = self._chain_lu
        self.solve_lu = self._chain_solve

    def _chain_lu(self, a):
        """Factorise the sparse Newton matrix ``a`` (reordered tridiagonal) with dgttrf."""
        self.nlu += 1
        self.n_chain_lu += 1
        a = a.tocoo()
        r, c, v = self._inv[a.row], self._inv[a.col], a.data
        off = c - r
        if np.any((np.abs(off) > 1) & (v != 0)):
            raise ValueError("ChainBDF: the Newton matrix has entries off the tridiagonal "
                             "of chain_order")
        n = self.n
        on = off == 0
        up = off == 1
        lo = off == -1
        d = np.bincount(r[on], weights=v[on], minlength=n)
        du = np.bincount(r[up], weights=v[up], minlength=n)[:n - 1]
        dl = np.bincount(c[lo], weights=v[lo], minlength=n)[:n - 1]
        dl, d, du, du2, ipiv, info = lapack.dgttrf(dl, d, du, overwrite_dl=1, overwrite_d=1,
                                                   overwrite_du=1)
        if info != 0:   # pragma: no cover - I - cJ of a rate matrix is an M-matrix
            raise RuntimeError(f"ChainBDF: the Newton matrix is singular (dgttrf info {info})")
        return dl, d, du, du2, ipiv

    def _chain_solve(self, lu, b):
        """Solve with the factors of :meth:`_chain_lu` (the unknowns in the caller's order)."""
        x, info = lapack.dgttrs(*lu, b[self._order], overwrite_b=1)
        if info != 0:   # pragma: no cover - dgttrs fails only on bad arguments
            raise RuntimeError(f"ChainBDF: dgttrs failed (info {info})")
        return x[self._inv]
