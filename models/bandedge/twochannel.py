"""The paper's band edge: g channels, each a correlated electron-hole pair.

Klimov et al. (2007) describe the band edge as "a two-level system that has two
electrons in its ground state": g = ``degeneracy`` channels, each an electron
and a hole state coupled by light. A channel absorbs when it holds neither
carrier and emits when it holds both (docs/theory.md, sections 1 and 8.3):

=========  ====================================  ==========================================
state n    absorption (creates n+1)              stimulated emission (n -> n-1)
=========  ====================================  ==========================================
any n      max(g - n - r, 0)/g at E_i + S + n D    min(n, g)/g at E_i + (min(n, g) - 1) D
=========  ====================================  ==========================================

(D = ``delta_xx``, S = ``stokes_shift``, r resident electrons.)
"""

from __future__ import annotations

from .base import BandEdgeModel, register

__all__ = ["TwoChannel"]


@register("two-channel")
class TwoChannel(BandEdgeModel):
    """The two-channel band edge (``state_model="two-channel"``, the default).

    Parameters
    ----------
    sample : Sample
        Reads ``degeneracy``, ``delta_xx``, ``stokes_shift`` and the rate fields.

    Examples
    --------
    >>> from ncgain import models
    >>> m = TwoChannel(models.presets.TYPE_II_CDS_ZNSE)
    >>> m.band_edge_lines(1), m.einstein_ratio(2, 2)
    (([(0.106, 0.5)], [(0.0, 0.5)]), 2.0)
    """

    IGNORED_FIELDS = {
        "hole_degeneracy": (4, "the two-channel band edge has g correlated electron-hole "
                               "channels and no separate hole states; use "
                               "state_model = 'electron-hole' for hole levels"),
        "hole_levels": ((), "the two-channel band edge has no hole fine structure; use "
                            "state_model = 'electron-hole' for hole levels"),
    }

    def channel_absorption(self, n: int, electrons: int) -> tuple[float, float]:
        """(strength, offset) of the band-edge absorption n -> n+1.

        Parameters
        ----------
        n : int
            Excitons already in the NC.
        electrons : int
            Its electrons; each fills one channel's electron state.

        Returns
        -------
        strength, offset : float
            max(g - electrons, 0) / g (sigma_0) at S + n Delta_XX (eV from E_i).
        """
        s = self.sample
        g = s.degeneracy
        return max(g - electrons, 0) / g, s.stokes_shift + n * s.delta_xx

    def channel_emission(self, n: int) -> tuple[float, float]:
        """(strength, offset) of the band-edge stimulated emission n -> n-1.

        Parameters
        ----------
        n : int
            Excitons, each a hole that a channel's electron can recombine with.

        Returns
        -------
        strength, offset : float
            min(n, g) / g (sigma_0) at (min(n, g) - 1) Delta_XX (eV from E_i); 0, 0 for n = 0.
        """
        g = self.sample.degeneracy
        m = min(n, g)
        return m / g, (max(m, 1) - 1) * self.sample.delta_xx

    def carrier_lines(self, n: int, electrons: int) -> tuple[list, list]:
        """One absorption and one emission line (:meth:`channel_absorption`, ``_emission``).

        Parameters
        ----------
        n : int
            Excitons.
        electrons : int
            Electrons, which block the channels they fill.

        Returns
        -------
        absorption, emission : list of one (offset, strength)
        """
        a, e = self.channel_absorption(n, electrons), self.channel_emission(n)
        return [(a[1], a[0])], [(e[1], e[0])]

    def einstein_ratio(self, n: int, electrons: int) -> float:
        """min(n, g) exactly: emission strength min(n, g)/g over the exciton's 1/g, in integers.

        Parameters
        ----------
        n : int
            Excitons (holes) of the state.
        electrons : int
            Unused: a resident electron emits only with a hole.

        Returns
        -------
        float
        """
        return float(min(n, self.sample.degeneracy))
