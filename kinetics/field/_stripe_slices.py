"""The slices a stripe run needs: the a-priori gain-length bound and the twin's refinement.

A slice is one population and one light value (its centre's). Within slice j the light
grows as e^(a_j (z - z_j)), so the slice's NCs at its exit see e^(a_j dz / 2) times the
light its centre sees, and the slice's mean stimulated rate exceeds the centre's by
sinh(x) / x - 1 = x^2 / 6 + ..., x = a_j dz / 2: the scheme under-depletes every slice at
second order in a dz, and the edge emission, exponential in the gain, follows. Measured
(docs/theory.md, section 10, "Stripe slices"): the relative error of the time-integrated
edge emission is C (a dz)^2 with C = 0.012-0.016 for a dz <= 3 (a dz the gain-length
product of one slice at the run's largest unlit excitation; successive differences on
halving dz fall 4.0-4.8x), and grows faster beyond (x 480 at a dz = 23).

:func:`twin_sub_slices` therefore cuts each requested slice of the rate equations into
ceil(a dz / :data:`MAX_TWIN_SLICE_GAIN`) equal sub-slices, chosen before any work;
:func:`refined` is the problem on the sub-slices and :func:`requested_record` maps its
records back onto the requested slices (the edge emission is the light of the run).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from .. import memory
from ._common import _cw_steady
from ._stripe_problem import _StripeProblem

__all__ = ["MAX_TWIN_SLICE_GAIN", "MAX_SLICE_ERROR", "SLICE_ERROR_COEFFICIENT",
           "slice_error_bound", "unlit_slice_gain", "twin_sub_slices",
           "refined", "requested_record", "check_refined_size"]


#: Largest gain-length product a dz of one slice the rate equations run on (else the slice
#: is cut). The measured error of the time-integrated edge emission is C (a dz)^2 with
#: C <= 0.016 (docs/theory.md: 0.012 for the type-II preset at 4 mJ cm^-2, 0.013-0.014
#: for both presets at fig5abc_ase's 16 mJ cm^-2, 0.016 at 8 energy bins), so a dz <= 0.7
#: keeps it below MAX_SLICE_ERROR (C 0.7^2 <= 0.8 %).
MAX_TWIN_SLICE_GAIN = 0.7
#: The discretization error of the edge emission that MAX_TWIN_SLICE_GAIN is chosen for.
MAX_SLICE_ERROR = 0.01


def unlit_slice_gain(problem: _StripeProblem, k: int) -> float:
    """Largest gain-length product (Gamma_c alpha_0 max_k g_k - alpha_loss) dz of one slice.

    Taken at the largest excitation of a run without light (pulsed: t = 0; c.w.: the
    no-field steady state): the light only depletes the gain, so no slice of the run
    exceeds it.

    Parameters
    ----------
    problem : _StripeProblem
        The validated stripe problem (its slice length dz).
    k : int
        Index of the pump value.

    Returns
    -------
    float
        a dz (dimensionless; negative where the loss exceeds the gain).
    """
    p_cn = problem.initial(k) if problem.kind != "cw" else _cw_steady(problem.table,
                                                                       float(problem.pump[k]))
    p = (p_cn[:, :, None] * problem.bins.mass[:, None, :]
         * problem.table.class_weight[:, None, None]).reshape(-1)
    return (problem.gam_a0 * float((p @ problem.net).max()) - problem.film.loss) * problem.dz


#: The largest measured C of the edge-emission error C (a dz)^2 (see MAX_TWIN_SLICE_GAIN).
SLICE_ERROR_COEFFICIENT = 0.016


def slice_error_bound(a_dz: float) -> float:
    """The edge emission's discretization error bound C (a dz)^2 (C = 0.016, measured)."""
    return SLICE_ERROR_COEFFICIENT * max(a_dz, 0.0) ** 2


def twin_sub_slices(problem: _StripeProblem, k: int,
                    max_slice_gain: float = MAX_TWIN_SLICE_GAIN) -> int:
    """Sub-slices per requested slice of the rate equations for pump value k (1: as requested).

    Parameters
    ----------
    problem : _StripeProblem
        The validated stripe problem.
    k : int
        Index of the pump value.
    max_slice_gain : float, default MAX_TWIN_SLICE_GAIN
        The largest a dz of a slice of the run (``math.inf``: never cut).

    Returns
    -------
    int
        ceil(a dz / max_slice_gain) if a dz > max_slice_gain, else 1 (always 1 with the
        field off).
    """
    if not problem.field_on:
        return 1
    a_dz = unlit_slice_gain(problem, k)
    if not a_dz > max_slice_gain:
        return 1
    return int(np.ceil(a_dz / max_slice_gain))


def refined(problem: _StripeProblem, m: int) -> _StripeProblem:
    """The problem on m equal sub-slices per requested slice (itself for m = 1)."""
    if m == 1:
        return problem
    return replace(problem, stripe=replace(problem.stripe, slices=problem.stripe.slices * m),
                   dz=problem.dz / m)


def requested_record(problem: _StripeProblem, record: dict, m: int) -> dict:
    """A record of the run on m sub-slices per slice, on the requested slices of ``problem``.

    The edge emission (time-resolved, integrated, unamplified) and the books (per NC of the
    stripe) are the run's; the occupations and slice populations are the sub-slices'
    means, the centre's net gain that of the requested centre slice (as the Monte Carlo).
    """
    if m == 1:
        return record
    n_req = problem.stripe.slices
    occ = record["occupation"]                                  # (T, n_req m, n_p)
    occ = occ.reshape(occ.shape[0], n_req, m, occ.shape[2]).mean(axis=2)
    sl = record["slice_population"]
    out = dict(record, occupation=occ,
               slice_population=sl.reshape(sl.shape[0], n_req, m, sl.shape[2]).mean(axis=2))
    out["gain"] = np.array([np.maximum(o, 0.0)[n_req // 2] @ problem.net for o in occ])
    out["sub_slices"] = m
    return out


def check_refined_size(problem: _StripeProblem, refine: list[int], pump_name: str) -> None:
    """Memory and work of the rate equations on the sub-slices, refused before the solve.

    The solver and the light run on J m_k slices for pump value k (the largest m for the
    peak memory); the records are kept on the requested J slices.
    """
    m_max = max(refine)
    if m_max == 1:
        return                      # the build's own estimate is the run's
    kk, s, b, nch = problem.shape
    n_p = kk * s * b
    n_sl = problem.stripe.slices
    # the refined slices follow from a L, not from the requested slices
    fine = "slices after refinement (stripe length or pump to lower)"
    dims = {pump_name: problem.pump.size, "times": problem.times.size, fine: n_sl * m_max,
            "channels": nch, "energy_bins": b}
    kw = dict(method="rate-equations", n_times=problem.times.size, n_states=n_p,
              n_channels=nch, n_excitons=s)
    solver = memory.stripe_bytes(n_pumps=0, slices=n_sl * m_max, **kw)
    records = memory.stripe_bytes(n_pumps=problem.pump.size, slices=n_sl, **kw) \
        - memory.stripe_bytes(n_pumps=0, slices=n_sl, **kw)
    memory.check_fits(solver + records, dims, what="simulate_stripe")
    memory.check_work(float(sum(refine)) * n_sl * n_p * (nch + 100), "state-channels",
                      {pump_name: problem.pump.size, fine: n_sl * m_max, "channels": nch,
                       "energy_bins": b, "n_max": problem.table.n_max},
                      what="simulate_stripe")
