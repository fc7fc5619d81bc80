"""ChainBDF: scipy's BDF with tridiagonal Newton solves equals BDF, and the stripe uses it."""

import numpy as np
import pytest
from scipy import integrate, sparse
from scipy.linalg import lapack

from ncgain import kinetics, models
from ncgain.kinetics.field import _chain_bdf, stripe_twin

FILM = models.Film(absorption_coefficient=2000.0, confinement_factor=0.5, loss=10.0)
STRIPE = models.Stripe(length=0.04, slices=3, channels=8, spontaneous_coupling=1e-3)
TIMES = [0.0, 3.0, 30.0, 300.0]


def _chains(n_chain, length, seed):
    """A stiff birth-death master equation of ``n_chain`` chains, stored interleaved."""
    rng = np.random.default_rng(seed)
    up = 10.0 ** rng.uniform(-2, 3, (length - 1, n_chain))      # rates over five decades
    dn = 10.0 ** rng.uniform(-2, 3, (length - 1, n_chain))
    idx = np.arange(length * n_chain).reshape(length, n_chain)  # chain = column: stride
    lo, hi = idx[:-1].ravel(), idx[1:].ravel()
    n = idx.size
    q = sparse.csc_matrix((np.concatenate([up.ravel(), dn.ravel()]),
                           (np.concatenate([hi, lo]), np.concatenate([lo, hi]))), shape=(n, n))
    q = (q - sparse.diags(np.asarray(q.sum(axis=0)).ravel())).tocsc()
    y0 = np.zeros(n)
    y0[idx[0]] = 1.0
    return q, y0, idx.T.ravel()          # chain by chain: the Newton matrix tridiagonal


def test_chain_bdf_takes_bdfs_steps_and_gives_its_values():
    q, y0, order = _chains(40, 12, seed=3)
    kw = dict(t_span=(0.0, 50.0), y0=y0, t_eval=[0.1, 1.0, 50.0], rtol=1e-6, atol=1e-12,
              jac=lambda t, y: q)
    ref = integrate.solve_ivp(lambda t, y: q @ y, method="BDF", **kw)
    got = integrate.solve_ivp(lambda t, y: q @ y, method=_chain_bdf.ChainBDF,
                              chain_order=order, **kw)
    assert ref.success and got.success
    # the same algorithm: the same steps and factorisations; values equal to rounding
    assert (got.nfev, got.njev, got.nlu) == (ref.nfev, ref.njev, ref.nlu)
    assert ref.nlu > 3
    np.testing.assert_allclose(got.y, ref.y, rtol=1e-10, atol=1e-15)


def test_chain_bdf_with_a_dense_border_takes_bdfs_steps_and_gives_its_values():
    """Chains bordered by two unknowns coupled to every state (as the cavity's photons)."""
    q, y0, order = _chains(30, 10, seed=5)
    n = y0.size
    rng = np.random.default_rng(6)
    w = rng.uniform(0.0, 1.0, (2, n))

    def fun(t, y):      # the border feeds the chains' first state and reads all of them
        p, u = y[:n], y[n:]
        dp = q @ p
        dp[:30] += 0.1 * u.sum() - 0.1 * p[:30] * u.sum()
        return np.concatenate([dp, w @ p - 2.0 * u])

    def jac(t, y):
        p, u = y[:n], y[n:]
        j = sparse.lil_matrix((n + 2, n + 2))
        j[:n, :n] = q
        for i in range(30):
            j[i, i] += -0.1 * u.sum()
            j[i, n:] = 0.1 - 0.1 * p[i]
        j[n:, :n] = w
        j[n, n] = j[n + 1, n + 1] = -2.0
        return j.tocsc()

    kw = dict(t_span=(0.0, 30.0), y0=np.concatenate([y0, [0.0, 0.0]]), t_eval=[0.1, 3.0, 30.0],
              rtol=1e-6, atol=1e-12, jac=jac)
    ref = integrate.solve_ivp(fun, method="BDF", **kw)
    got = integrate.solve_ivp(fun, method=_chain_bdf.ChainBDF, border=2,
                              chain_order=np.concatenate([order, [n, n + 1]]), **kw)
    assert ref.success and got.success
    assert (got.nfev, got.njev, got.nlu) == (ref.nfev, ref.njev, ref.nlu)
    np.testing.assert_allclose(got.y, ref.y, rtol=1e-10, atol=1e-15)
    with pytest.raises(ValueError, match="off the tridiagonal"):   # the border left out
        integrate.solve_ivp(fun, method=_chain_bdf.ChainBDF,
                            chain_order=np.concatenate([order, [n, n + 1]]), **kw)


def test_chain_bdf_refuses_a_bad_order_and_a_matrix_off_its_tridiagonal():
    q, y0, order = _chains(4, 5, seed=0)
    with pytest.raises(ValueError, match="chain_order must be a permutation"):
        integrate.solve_ivp(lambda t, y: q @ y, (0.0, 1.0), y0, method=_chain_bdf.ChainBDF,
                            jac=q, chain_order=order[:-1])
    with pytest.raises(ValueError, match=r"border = 20 must be an integer in \[0, 18\]"):
        integrate.solve_ivp(lambda t, y: q @ y, (0.0, 1.0), y0, method=_chain_bdf.ChainBDF,
                            jac=q, chain_order=order, border=y0.size)
    with pytest.raises(ValueError, match="off the tridiagonal"):   # natural order: stride 4
        integrate.solve_ivp(lambda t, y: q @ y, (0.0, 1.0), y0, method=_chain_bdf.ChainBDF,
                            jac=q, chain_order=np.arange(y0.size))


class _Recording(_chain_bdf.ChainBDF):
    """ChainBDF that records every solve's right-hand side and the LAPACK dgttrs solution."""

    solves = []

    def _chain_solve(self, lu, b):
        got = super()._chain_solve(lu, b)
        tri, border, _ = lu
        if border is None:
            ref = lapack.dgttrs(*tri, b[self._order])[0][self._inv]
            self.solves.append((got, ref, self.n_interleaved_solves))
        return got


@pytest.mark.parametrize("n_chain, length, extra", [(40, 12, 0), (7, 5, 3), (1, 9, 4)])
def test_interleaved_chain_solves_equal_dgttrs_to_the_last_bit(n_chain, length, extra):
    """chain_length: the chains solved side by side give LAPACK's values bit for bit.

    ``extra`` unknowns after the chains (as the stripe's light and books) are a rest
    that is solved as one recurrence; they decay on their own here.
    """
    q, y0, order = _chains(n_chain, length, seed=n_chain + extra)
    n = y0.size
    full = sparse.block_diag([q, -sparse.identity(extra)]).tocsc() if extra else q
    y0 = np.concatenate([y0, np.ones(extra)])
    order = np.concatenate([order, np.arange(n, n + extra)]).astype(int)
    _Recording.solves = []
    kw = dict(t_span=(0.0, 20.0), y0=y0, t_eval=[0.1, 20.0], rtol=1e-6, atol=1e-12,
              jac=lambda t, y: full, chain_order=order)
    got = integrate.solve_ivp(lambda t, y: full @ y, method=_Recording, chain_length=length,
                              **kw)
    assert got.success
    assert len(_Recording.solves) > 10 and _Recording.solves[-1][2] == len(_Recording.solves)
    for x, ref, _ in _Recording.solves:
        assert np.array_equal(x, ref)
    # and the steps are those without chain_length (the same values)
    plain = integrate.solve_ivp(lambda t, y: full @ y, method=_chain_bdf.ChainBDF, **kw)
    assert np.array_equal(plain.y, got.y) and plain.nfev == got.nfev


def test_a_wrong_chain_length_falls_back_to_dgttrs():
    """Chains of 12 declared as 5: the declared chains are coupled, so dgttrs solves."""
    q, y0, order = _chains(10, 12, seed=1)
    _Recording.solves = []
    got = integrate.solve_ivp(lambda t, y: q @ y, (0.0, 5.0), y0, method=_Recording,
                              jac=lambda t, y: q, chain_order=order, chain_length=5,
                              rtol=1e-6, atol=1e-12)
    assert got.success and _Recording.solves
    assert all(k == 0 for _, _, k in _Recording.solves)      # never interleaved
    for x, ref, _ in _Recording.solves:
        assert np.array_equal(x, ref)


@pytest.mark.parametrize("bad", [1, 121, 2.5, True])
def test_chain_length_is_checked(bad):
    q, y0, order = _chains(10, 12, seed=1)
    with pytest.raises(ValueError, match=rf"chain_length = {bad!r} must be None or an "
                                         r"integer in \[2, 120\]"):
        integrate.solve_ivp(lambda t, y: q @ y, (0.0, 1.0), y0, method=_chain_bdf.ChainBDF,
                            jac=q, chain_order=order, chain_length=bad)


class _PlainBDF(integrate.BDF):
    """scipy's BDF with SuperLU, ignoring the chain order (the reference)."""

    def __init__(self, *args, chain_order, chain_length=None, **kw):
        super().__init__(*args, **kw)


def test_stripe_twin_solves_its_newton_systems_as_chains_and_matches_superlu(monkeypatch):
    used = []

    interleaved = [0]

    class Counting(_chain_bdf.ChainBDF):
        def _chain_lu(self, a):
            used.append(a.shape)
            return super()._chain_lu(a)

        def _chain_solve(self, lu, b):
            out = super()._chain_solve(lu, b)
            interleaved[0] = self.n_interleaved_solves
            return out

    run = lambda: kinetics.simulate_stripe("type-ii", FILM, STRIPE, TIMES,  # noqa: E731
                                           mean_excitons=[0.5, 2.5], rtol=1e-6)
    monkeypatch.setattr(stripe_twin, "ChainBDF", Counting)
    got = run()
    assert len(used) > 2               # the twin factorised through the chain solver
    assert interleaved[0] > 0          # and solved its chains side by side
    monkeypatch.setattr(stripe_twin, "ChainBDF", _PlainBDF)
    ref = run()
    for name in ("edge_emission", "edge_emission_integrated", "population", "net_gain"):
        np.testing.assert_allclose(got[name].values, ref[name].values, rtol=1e-9,
                                   atol=1e-12 * float(np.abs(ref[name].values).max()),
                                   err_msg=name)
