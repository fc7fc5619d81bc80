"""One carrier in a layered sphere: the effective-mass solver behind :mod:`.coreshell`.

The 1S (l = 0) envelope of an electron or a hole in a spherically symmetric,
piecewise-constant potential with position-dependent mass, solved in closed form
region by region with BenDaniel-Duke matching (the model and its conventions are
described in :mod:`ncgain.models.coreshell` and ``docs/coreshell.md``), the radial grids
its densities live on, and the l = 0 Coulomb integral of two densities.
:mod:`.coreshell` builds the nanocrystal (E_X, Delta_XX, overlaps) and the sample from it.

Units: lengths nm, energies eV.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.integrate import cumulative_simpson
from scipy.optimize import brentq

from .materials import Material, get_material

__all__ = ["HBAR2_OVER_2M0", "COULOMB_CONSTANT", "CarrierState", "solve_carrier",
           "coulomb_integral"]

#: hbar^2 / (2 m0) in eV nm^2 (CODATA 2018).
HBAR2_OVER_2M0 = 0.0380998212
#: e^2 / (4 pi eps0) in eV nm (CODATA 2018).
COULOMB_CONSTANT = 1.439964548


# ------------------------------------------------------------------------------------
# validation
# ------------------------------------------------------------------------------------

def _real(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name} must be a real number, got {value!r}")
    return float(value)


def _check_geometry(core_radius: Any, shell_width: Any) -> tuple[float, float]:
    """Validate R and H (nm); raise ValueError naming the parameter and range."""
    r = _real("core_radius", core_radius)
    if not (math.isfinite(r) and 0.0 < r <= 100.0):
        raise ValueError(f"core_radius = {core_radius!r} nm is outside the allowed range "
                         "(0, 100] nm")
    h = _real("shell_width", shell_width)
    if not (math.isfinite(h) and 0.0 <= h <= 100.0):
        raise ValueError(f"shell_width = {shell_width!r} nm is outside the allowed range "
                         "[0, 100] nm")
    if h < 1e-9 * max(r, 1.0):
        # a shell below 1e-9 nm (1e-6 of an atomic layer) is no shell: its grid
        # segment would be below floating-point resolution
        h = 0.0
    return r, h


def _check_positive(name: str, value: Any, *, allow_inf: bool = False, unit: str = "") -> float:
    v = _real(name, value)
    ok = (v > 0) and (math.isfinite(v) or (allow_inf and v == math.inf))
    if not ok:
        rng = "(0, inf]" if allow_inf else "(0, inf)"
        raise ValueError(f"{name} = {value!r}{unit} is outside the allowed range {rng}{unit}")
    return v


# ------------------------------------------------------------------------------------
# one carrier in a layered sphere
# ------------------------------------------------------------------------------------

def _cs(x: float, q: float) -> tuple[float, float]:
    """cos(kx), sin(kx)/k for k^2 = q (cosh / sinh for q < 0), entire in q."""
    if q > 0.0:
        k = math.sqrt(q)
        return math.cos(k * x), math.sin(k * x) / k
    if q < 0.0:
        k = math.sqrt(-q)
        return math.cosh(k * x), math.sinh(k * x) / k
    return 1.0, x


def _cs_array(x: np.ndarray, q: float) -> tuple[np.ndarray, np.ndarray]:
    if q > 0.0:
        k = math.sqrt(q)
        return np.cos(k * x), np.sin(k * x) / k
    if q < 0.0:
        k = math.sqrt(-q)
        return np.cosh(k * x), np.sinh(k * x) / k
    return np.ones_like(x), x.copy()


def _core_end(energy: float, layers: tuple) -> tuple[float, float]:
    """(u, w) of the regular core solution u = sin(k r)/k at r = R."""
    b, v, m = layers[0]
    q = m * (energy - v) / HBAR2_OVER_2M0
    c, s = _cs(b, q)
    return s, (c - s / b) / m


def _shell_start(energy: float, layers: tuple, outer: tuple | None) -> tuple[float, float]:
    """Initial (u(R_o), u'(R_o)) of the shell solution obeying the outer boundary condition."""
    r_o, _, m_s = layers[1]
    if outer is None:
        return 0.0, -1.0
    v_o, m_o = outer
    kappa = math.sqrt(max(m_o * (v_o - energy), 0.0) / HBAR2_OVER_2M0)
    # BenDaniel-Duke at R_o with u = exp(-kappa r) outside: w_in = w_out
    return 1.0, m_s * (-(kappa + 1.0 / r_o) / m_o) + 1.0 / r_o


def _mismatch(energy: float, layers: tuple, outer: tuple | None) -> float:
    """Matching function f(E), zero exactly at the eigenvalues.

    ``layers`` = ((R, V_core, m_core),) or ((R, V_core, m_core), (R + H, V_shell,
    m_shell)); ``outer`` = None (infinite barrier) or (V_o, m_o). Each region
    holds a single closed-form solution: the regular core solution, and the
    shell solution that already satisfies the outer boundary condition
    (propagated inwards from R + H). Both are free of cancellation, also deep
    under a barrier. f is their normalized Wronskian in (u, w = (u' - u/r)/m)
    at r = R (BenDaniel-Duke: u and w continuous), which changes sign at each
    simple eigenvalue and has no other zeros.
    """
    u_c, w_c = _core_end(energy, layers)
    r_c = layers[0][0]
    if len(layers) == 1:
        if outer is None:
            return u_c / math.hypot(u_c, w_c)
        v_o, m_o = outer
        kappa = math.sqrt(max(m_o * (v_o - energy), 0.0) / HBAR2_OVER_2M0)
        return (w_c + (kappa + 1.0 / r_c) * u_c / m_o) / math.hypot(u_c, w_c)
    r_o, v_s, m_s = layers[1]
    u_o, up_o = _shell_start(energy, layers, outer)
    q = m_s * (energy - v_s) / HBAR2_OVER_2M0
    c, s = _cs(r_o - r_c, q)
    u_s = u_o * c - up_o * s
    up_s = q * u_o * s + up_o * c
    w_s = (up_s - u_s / r_c) / m_s
    return (u_c * w_s - u_s * w_c) / (math.hypot(u_c, w_c) * math.hypot(u_s, w_s))


def _u_on_grid(energy: float, layers: tuple, outer: tuple | None,
               r: np.ndarray) -> np.ndarray:
    """Unnormalized u(r) = r psi(r) of the solution at ``energy`` on the grid ``r``."""
    u_grid = np.zeros_like(r)
    r_c, v_c, m_c = layers[0]
    q = m_c * (energy - v_c) / HBAR2_OVER_2M0
    sel = r <= r_c
    u_grid[sel] = _cs_array(r[sel], q)[1]
    u_c = _cs(r_c, q)[1]
    if len(layers) == 1:
        r_o, scale, u_edge = r_c, 1.0, u_c
    else:
        r_o, v_s, m_s = layers[1]
        u_o, up_o = _shell_start(energy, layers, outer)
        q = m_s * (energy - v_s) / HBAR2_OVER_2M0
        c, s = _cs(r_o - r_c, q)
        scale = u_c / (u_o * c - up_o * s)  # continuity of u at R
        sel = (r > r_c) & (r <= r_o)
        cc, ss = _cs_array(r_o - r[sel], q)
        u_grid[sel] = scale * (u_o * cc - up_o * ss)
        u_edge = scale * u_o
    sel = r > r_o
    if np.any(sel) and outer is not None:
        v_o, m_o = outer
        kappa = math.sqrt(max(m_o * (v_o - energy), 0.0) / HBAR2_OVER_2M0)
        u_grid[sel] = u_edge * np.exp(-kappa * (r[sel] - r_o))
    return u_grid


def _count_nodes(energy: float, layers: tuple, outer: tuple | None) -> int:
    """Interior sign changes of u on a coarse grid (0 for the ground state)."""
    r_end = layers[-1][0]
    r = np.linspace(0.0, r_end, 401)[1:-1]
    u = _u_on_grid(energy, layers, outer, r)
    big = np.max(np.abs(u))
    u = u[np.abs(u) > 1e-9 * big]
    return int(np.count_nonzero(np.diff(np.sign(u)) != 0))


def _first_root(layers: tuple, outer: tuple | None, e_lo: float, e_hi: float,
                n_scan: int) -> float | None:
    grid = np.linspace(e_lo, e_hi, n_scan + 1)
    f_prev = _mismatch(grid[0], layers, outer)
    for a, b in zip(grid[:-1], grid[1:]):
        f_next = _mismatch(b, layers, outer)
        if f_next == 0.0:
            return float(b)
        if f_prev * f_next < 0.0:
            return float(brentq(_mismatch, a, b, args=(layers, outer), xtol=1e-14,
                                rtol=4 * np.finfo(float).eps, maxiter=200))
        f_prev = f_next
    return None


def _ground_level(layers: tuple, outer: tuple | None) -> float:
    """Lowest eigenvalue (eV): scan + brentq between rigorous bounds, node-checked."""
    v_min = min(v for _, v, _ in layers)
    # Upper bound: Dirichlet ground state of each layer alone (domain monotonicity).
    upper = math.inf
    a = 0.0
    for b, v, m in layers:
        upper = min(upper, v + HBAR2_OVER_2M0 * math.pi ** 2 / (m * (b - a) ** 2))
        a = b
    if outer is not None:
        if outer[0] <= v_min:
            raise ValueError("outer barrier must lie above the band edges of the nanocrystal")
        upper = min(upper, outer[0])
    span = upper - v_min
    try:
        for n_scan in (64, 4096):
            level = _first_root(layers, outer, v_min, upper, n_scan)
            if level is None:
                # E_0 <= upper always: a root exactly on the bound (e.g. a bare core).
                delta = 1e-7 * span
                level = _first_root(layers, outer, upper - delta,
                                    upper + delta if outer is None else upper, 2)
            if level is not None and _count_nodes(level, layers, outer) == 0:
                return level
    except OverflowError:
        raise ValueError("geometry too large for a closed-form evaluation under the "
                         "barriers (exp overflow): reduce core_radius / shell_width") from None
    if outer is not None:
        raise ValueError(
            f"no bound 1S state below the outer barrier ({outer[0]:.4g} eV): the barrier is "
            "too low for this geometry; increase outer_barrier")
    raise RuntimeError("1S level not bracketed (internal error)")  # pragma: no cover


@dataclass(frozen=True, eq=False)
class CarrierState:
    """The 1S state of one carrier (returned by :func:`solve_carrier`).

    Parameters
    ----------
    level : float
        Eigenvalue on the absolute carrier scale (eV): E_c-like for the
        electron, -E_v-like for the hole (hole energies counted downwards).
    confinement_energy : float
        ``level`` minus the lowest band edge of this carrier in the
        nanocrystal (eV), >= 0.
    u : ndarray
        Normalized u(r) = r psi(r) sqrt(4 pi) on the grid (nm^-1/2): the
        integral of u^2 dr is 1.
    rho : ndarray
        ``|psi(r)|^2`` (nm^-3), integral of rho 4 pi r^2 dr = 1.
    core_fraction : float
        Probability to find the carrier in the core.
    regime : str
        "core", "shell" or "delocalized" (energy criterion, see :func:`solve`).
    """

    level: float
    confinement_energy: float
    u: np.ndarray = field(repr=False)
    rho: np.ndarray = field(repr=False)
    core_fraction: float
    regime: str


def _simpson_weights(n: int, h: float) -> np.ndarray:
    w = np.ones(n)
    w[1:-1:2] = 4.0
    w[2:-1:2] = 2.0
    return w * h / 3.0


@dataclass(frozen=True)
class _Grid:
    r: np.ndarray
    weights: np.ndarray      # Simpson weights of the whole grid
    segments: tuple          # (start, stop) index ranges, sharing end points
    segment_edges: tuple     # (a, b) radii of each segment


def _make_grid(edges: list[float], density: float, min_points: int = 41) -> _Grid:
    """Piecewise-uniform grid with a node on every interface (odd points per segment)."""
    parts, weights, segments = [], [], []
    start = 0
    for a, b in zip(edges[:-1], edges[1:]):
        n = max(min_points, int(math.ceil(density * (b - a))) + 1)
        n += (n + 1) % 2  # odd
        x = np.linspace(a, b, n)
        wt = _simpson_weights(n, (b - a) / (n - 1))
        if parts:
            x = x[1:]
            weights[-1][-1] += wt[0]
            wt = wt[1:]
            segments.append((start - 1, start + n - 1))
            start += n - 1
        else:
            segments.append((0, n))
            start = n
        parts.append(x)
        weights.append(wt)
    return _Grid(np.concatenate(parts), np.concatenate(weights), tuple(segments),
                 tuple(zip(edges[:-1], edges[1:])))


def _carrier_layers(kind: str, core: Material, shell: Material, core_radius: float,
                    shell_width: float, outer_barrier: float, outer_mass: float):
    if kind == "electron":
        v_core, v_shell = core.conduction_band_edge, shell.conduction_band_edge
        m_core, m_shell = core.electron_mass, shell.electron_mass
    else:
        v_core, v_shell = -core.valence_band_edge, -shell.valence_band_edge
        m_core, m_shell = core.hole_mass, shell.hole_mass
    layers = [(core_radius, v_core, m_core)]
    if shell_width > 0.0:
        layers.append((core_radius + shell_width, v_shell, m_shell))
    v_top = max(v for _, v, _ in layers)
    outer = None if outer_barrier == math.inf else (v_top + outer_barrier, outer_mass)
    return tuple(layers), outer, (v_core, v_shell)


def _regime(level: float, v_core: float, v_shell: float, shell_width: float) -> str:
    """Energy criterion: a level above both band edges is delocalized over the NC;
    below the higher edge the carrier is confined to the lower-potential region."""
    if shell_width == 0.0 or v_core == v_shell or level >= max(v_core, v_shell):
        return "delocalized"
    return "core" if v_core < v_shell else "shell"


def solve_carrier(kind: str, core: str | Material, shell: str | Material,
                  core_radius: float, shell_width: float, *,
                  outer_barrier: float = math.inf, outer_mass: float = 1.0,
                  grid_density: float = 200.0) -> tuple[np.ndarray, CarrierState]:
    """Solve the 1S state of one carrier.

    Parameters
    ----------
    kind : {"electron", "hole"}
    core, shell : str or Material
    core_radius : float
        R (nm), > 0.
    shell_width : float
        H (nm), >= 0.
    outer_barrier : float, default inf
        Height (eV) of the outer barrier above the higher band edge of the
        carrier in the nanocrystal; ``inf`` for an infinite barrier.
    outer_mass : float, default 1.0
        Effective mass (m0) outside the nanocrystal (finite barrier only).
    grid_density : float, default 200
        Radial grid points per nm.

    Returns
    -------
    r : ndarray
        Radial grid (nm).
    state : CarrierState
    """
    core_radius, shell_width = _check_geometry(core_radius, shell_width)
    if kind not in ("electron", "hole"):
        raise ValueError(f"kind = {kind!r} is not one of ('electron', 'hole')")
    core_m, shell_m = get_material(core), get_material(shell)
    outer_barrier = _check_positive("outer_barrier", outer_barrier, allow_inf=True, unit=" eV")
    layers, outer, (v_core, v_shell) = _carrier_layers(
        kind, core_m, shell_m, core_radius, shell_width, outer_barrier, outer_mass)
    level = _ground_level(layers, outer)
    grid = _make_grid(_edges(core_radius, shell_width, [(level, outer)]), grid_density)
    return grid.r, _state(level, layers, outer, (v_core, v_shell), shell_width, grid)


def _edges(core_radius: float, shell_width: float, levels_outer: list) -> list[float]:
    edges = [0.0, core_radius]
    if shell_width > 0.0:
        edges.append(core_radius + shell_width)
    tails = []
    for level, outer in levels_outer:
        if outer is not None:
            kappa = math.sqrt(max(outer[1] * (outer[0] - level), 1e-12) / HBAR2_OVER_2M0)
            tails.append(min(12.0 / kappa, 5.0))  # rho ~ exp(-24) at the end
    if tails:
        edges.append(edges[-1] + max(tails))
    return edges


def _state(level, layers, outer, v_edges, shell_width, grid: _Grid) -> CarrierState:
    r = grid.r
    u = _u_on_grid(level, layers, outer, r)
    norm = float(np.dot(grid.weights, u * u))
    u = u / math.sqrt(norm)
    if u[len(u) // 2] < 0:  # pragma: no cover - s(r) > 0 near the origin
        u = -u
    # Nodeless check (ground state), ignoring the outer boundary and tiny tails.
    inner = u[1:-1]
    significant = np.abs(inner) > 1e-8 * np.max(np.abs(inner))
    if np.any(inner[significant] < 0):
        raise RuntimeError("1S solution has a radial node (root finder picked an excited "
                           "state); please report this geometry")  # pragma: no cover
    with np.errstate(divide="ignore", invalid="ignore"):
        psi = np.where(r > 0, u / np.where(r > 0, r, 1.0), 0.0)
    # near the origin u = sin(k r)/k / sqrt(norm) ~ r / sqrt(norm): psi(0) = 1/sqrt(norm)
    psi[r == 0.0] = 1.0 / math.sqrt(norm)
    rho = psi * psi / (4.0 * math.pi)
    core_fraction = _segment_integral(grid, 0, u * u)
    v_core, v_shell = v_edges
    v_low = min(v for _, v, _ in layers)
    return CarrierState(level=level, confinement_energy=level - v_low, u=u, rho=rho,
                        core_fraction=float(min(max(core_fraction, 0.0), 1.0)),
                        regime=_regime(level, v_core, v_shell, shell_width))


def _segment_integral(grid: _Grid, k: int, y: np.ndarray) -> float:
    """Simpson integral of y over segment k alone."""
    s0, s1 = grid.segments[k]
    a, b = grid.segment_edges[k]
    return float(np.dot(_simpson_weights(s1 - s0, (b - a) / (s1 - s0 - 1)), y[s0:s1]))


# ------------------------------------------------------------------------------------
# Coulomb integrals of spherical densities
# ------------------------------------------------------------------------------------

def _enclosed(grid: _Grid, u: np.ndarray) -> np.ndarray:
    """Q(r): probability inside radius r (cumulative Simpson, segment by segment)."""
    q = np.zeros_like(grid.r)
    total = 0.0
    for s0, s1 in grid.segments:
        part = cumulative_simpson(u[s0:s1] ** 2, x=grid.r[s0:s1], initial=0.0)
        q[s0:s1] = total + part
        total += part[-1]
    return q


def coulomb_integral(r: np.ndarray, q_a: np.ndarray, q_b: np.ndarray, grid: _Grid,
                     eps_segments: tuple, eps_outside: float) -> float:
    """Direct Coulomb integral of two spherical unit charge densities (eV).

    J_ab = (e^2 / 4 pi eps0) [ sum_segments (1/eps_k) int Q_a Q_b / r^2 dr
                               + Q_a(r_max) Q_b(r_max) / (eps_outside r_max) ].

    Parameters
    ----------
    r : ndarray
        Radial grid (nm).
    q_a, q_b : ndarray
        Enclosed probabilities Q(r) of the two densities on ``r``.
    grid : _Grid
        The grid's segment structure (one constant eps per segment).
    eps_segments : tuple of float
        Relative permittivity of each grid segment.
    eps_outside : float
        Relative permittivity beyond the last grid point.

    Returns
    -------
    float
        J_ab in eV (positive).
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        integrand = np.where(r > 0, q_a * q_b / np.where(r > 0, r, 1.0) ** 2, 0.0)
    total = 0.0
    for k, eps in enumerate(eps_segments):
        total += _segment_integral(grid, k, integrand) / eps
    total += q_a[-1] * q_b[-1] / (eps_outside * r[-1])
    return COULOMB_CONSTANT * total
