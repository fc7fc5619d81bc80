"""Independent electrons and holes with thermally occupied hole sublevels.

``state_model="electron-hole"`` (docs/theory.md, section 8.4): g_e =
``degeneracy`` equal 1S_e electron states with occupation f_e = min(n + r, g_e)/g_e;
g_h = ``hole_degeneracy`` hole states grouped into ``hole_levels`` (energy,
number of states, oscillator strength per state), occupied by the n holes with
the canonical (fermion) Boltzmann distribution at ``temperature``. Per hole
sublevel k: absorption (1 - f_e) sum_{h in k} w_h (1 - f_h) at
E_i + S + n Delta + e_k, stimulated emission f_e sum_{h in k} w_h f_h at
E_i + (min(n, g_e) - 1) Delta + e_k (w_h the normalized strengths, sum 1).
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np

from .._checks import check_range
from .base import BandEdgeModel, register

__all__ = ["ElectronHole", "K_BOLTZMANN"]

#: Boltzmann constant (eV/K).
K_BOLTZMANN = 8.617333262e-5


@register("electron-hole")
class ElectronHole(BandEdgeModel):
    """The electron-hole band edge with hole fine structure.

    Parameters
    ----------
    sample : Sample
        Reads ``degeneracy``, ``hole_degeneracy``, ``hole_levels``,
        ``temperature``, ``delta_xx``, ``stokes_shift`` and the rate fields.

    Examples
    --------
    >>> from ncgain import models
    >>> m = ElectronHole(models.presets.TYPE_I_CDSE_FINE_STRUCTURE)
    >>> [round(st, 3) for _, st in m.band_edge_lines(1)[1]]
    [0.0, 0.101]
    """

    @staticmethod
    def validated_hole_levels(levels: Any, hole_degeneracy: int) -> tuple:
        """``hole_levels`` as a tuple of (energy eV, states, strength), checked.

        Parameters
        ----------
        levels : sequence of (energy, states, strength) or of dicts with those keys
            Energies in [0, 0.5] eV, states integers >= 1 summing to
            ``hole_degeneracy``, strengths in [0, 100], at least one > 0.
        hole_degeneracy : int
            g_h, the number of hole states.

        Returns
        -------
        tuple of (float, int, float)
            Empty if ``levels`` is (one level of equal states).

        Raises
        ------
        ValueError
            Naming the level and the allowed range.
        """
        if not isinstance(levels, (tuple, list)):
            raise ValueError(f"hole_levels = {levels!r} must be a sequence of "
                             "(energy, states, strength)")
        out = []
        for k, lev in enumerate(levels):
            if isinstance(lev, dict):
                lev = (lev.get("energy"), lev.get("states"), lev.get("strength"))
            if not isinstance(lev, (tuple, list)) or len(lev) != 3:
                raise ValueError(f"hole_levels[{k}] = {lev!r} must be (energy, states, strength)")
            energy = check_range(f"hole_levels[{k}].energy", lev[0], 0.0, 0.5, unit=" eV")
            states = lev[1]
            if isinstance(states, bool) or not isinstance(states, int) or states < 1:
                raise ValueError(f"hole_levels[{k}].states = {states!r} is outside the allowed "
                                 "range: an integer >= 1")
            strength = check_range(f"hole_levels[{k}].strength", lev[2], 0.0, 100.0)
            out.append((energy, states, strength))
        if out:
            total = sum(st for _, st, _ in out)
            if total != hole_degeneracy:
                raise ValueError(f"hole_levels states sum to {total}; allowed: hole_degeneracy "
                                 f"= {hole_degeneracy}")
            if not sum(st * f for _, st, f in out) > 0:
                raise ValueError("hole_levels strengths are all 0; allowed: at least one "
                                 "bright level (strength > 0)")
        return tuple(out)

    def hole_states(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per hole state: energy (eV), normalized strength w_h (sum 1), level index.

        Returns
        -------
        energy, strength, index : ndarray, shape (hole_degeneracy,)
            Without ``hole_levels``, one level of ``hole_degeneracy`` equal states.
        """
        s = self.sample
        levels = s.hole_levels or ((0.0, s.hole_degeneracy, 1.0),)
        energy = np.concatenate([[e] * st for e, st, _ in levels])
        strength = np.concatenate([[f] * st for _, st, f in levels])
        index = np.concatenate([[k] * st for k, (_, st, _) in enumerate(levels)])
        return energy, strength / strength.sum(), index

    def hole_occupation(self, n_holes: int) -> np.ndarray:
        """Thermal occupation f_h of every hole state with ``n_holes`` holes (canonical).

        The holes are fermions in the hole states; each configuration has
        Boltzmann weight exp(-sum of its energies / k T).

        Parameters
        ----------
        n_holes : int
            Number of holes, >= 0 (at most ``hole_degeneracy`` are placed).

        Returns
        -------
        numpy.ndarray, shape (hole_degeneracy,)
            Mean occupation of every hole state, in [0, 1], summing to the holes placed.
        """
        energy, _, _ = self.hole_states()
        gh = energy.size
        n_holes = min(n_holes, gh)
        occ = np.zeros(gh)
        if n_holes == 0:
            return occ
        temperature = float(self.sample.temperature)
        kt = K_BOLTZMANN * temperature
        z = 0.0
        ground = float(np.sort(energy)[:n_holes].sum())
        for config in itertools.combinations(range(gh), n_holes):
            idx = list(config)
            # relative to the ground configuration (weight 1, also at T -> 0, where the
            # other weights underflow to 0: the ground-state occupation); rounding of
            # the sums never makes an excitation energy negative. Where k T underflows
            # (below ~1e-319 K; 0/0 before) (E / k) / T in Python floats: a huge
            # quotient is inf, whose weight is exactly 0, without a warning; E / (k T)
            # otherwise (the values as before, to the last bit).
            excess = float(energy[idx].sum()) - ground
            if excess <= 0.0:
                w = 1.0
            elif kt > 0.0:
                w = math.exp(-excess / kt)
            else:
                w = math.exp(-(excess / K_BOLTZMANN) / temperature)
            occ[idx] += w
            z += w
        return occ / z

    def einstein_ratio(self, n: int, electrons: int) -> float:
        """k_rad tau_x under the Einstein relation (see :class:`BandEdgeModel`).

        Parameters
        ----------
        n, electrons : int
            The state, as in :meth:`carrier_lines`.

        Returns
        -------
        float
            Emission strength of the state over the neutral single exciton's.

        Raises
        ------
        ValueError
            If the single exciton is dark at this temperature to double precision:
            its lowest hole level has zero strength and the Boltzmann factor of the
            bright one is below 1e-250 (about 0.2 K for a 10 meV gap), so the ratios of the other states (tau_x fixed)
            have no finite limit as T -> 0. The message names the temperature, its
            value and the allowed range for this sample.
        """
        s = self.sample
        energy, strength, _ = self.hole_states()
        gap = float(energy[strength > 0].min() - energy.min())
        # a dark ground level: exp(-gap / kT) >= 1e-250 keeps the ratios (~ exp(gap / kT))
        # far from overflow: T >= gap / (k ln 1e250)
        t_min = gap / (K_BOLTZMANN * 250 * math.log(10))
        s1 = self.emission_strength(1, 1)
        if not (s1 > 0 and s.temperature >= t_min):
            raise ValueError(
                f"temperature = {s.temperature!r} K is outside the allowed range "
                f"[{t_min:.3g}, 2000] K for these hole_levels: the lowest hole level is dark "
                f"and the bright one lies {gap:g} eV above it, so the single exciton's "
                "emission strength exp(-gap / kT) is below 1e-250 and, with tau_x fixed, the "
                "Einstein radiative rates of the other states have no finite T -> 0 limit; "
                "raise the temperature or give the dark level its own (small) strength, its "
                "radiative rate relative to the bright level's, whose T -> 0 limit is finite "
                "(docs/theory.md, section 8.4)")
        return self.emission_strength(n, electrons) / s1

    def carrier_lines(self, n: int, electrons: int) -> tuple[list, list]:
        """One absorption and one emission line per hole sublevel, at its energy.

        Parameters
        ----------
        n : int
            Excitons (holes), >= 0.
        electrons : int
            Electrons in the NC: f_e = min(electrons, g) / g.

        Returns
        -------
        absorption, emission : list of (offset eV, strength sigma_0)
            Strengths (1 - f_e) sum_h w_h (1 - f_h) and f_e sum_h w_h f_h.
        """
        s = self.sample
        g = s.degeneracy
        f_e = min(electrons, g) / g
        f_h = self.hole_occupation(n)
        energy, w, index = self.hole_states()
        m = min(n, g)
        absorption, emission = [], []
        for k in range(int(index.max()) + 1):
            sel = index == k
            e_k = float(energy[sel][0])
            absorption.append((s.stokes_shift + n * s.delta_xx + e_k,
                               float((1 - f_e) * np.dot(w[sel], 1 - f_h[sel]))))
            emission.append(((max(m, 1) - 1) * s.delta_xx + e_k,
                             float(f_e * np.dot(w[sel], f_h[sel]))))
        return absorption, emission
