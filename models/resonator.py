"""Optical resonators for the photon field: :class:`Cavity` and :class:`Stripe`.

The gain medium is a :class:`~ncgain.models.Film` (alpha_0, confinement factor,
modal loss in cm^-1). These classes describe the light around it:

* :class:`Cavity`: a resonator whose photons escape with lifetime tau_c (or
  quality factor Q, tau_c = Q hbar / E), with a grid of spectral channels
  (cavity modes, or groups of modes) and the spontaneous-emission coupling beta.
* :class:`Stripe`: an excitation stripe of length L (cm) on the film whose
  guided light leaves through the edges (amplified spontaneous emission, ASE;
  variable-stripe-length, VSL, measurements).

Units: energy eV, time ps, length cm (stripe) as for the film's cm^-1.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass

import numpy as np

from ._checks import check_range as _check_range

__all__ = ["Cavity", "Stripe", "HBAR_EV_PS", "SPEED_OF_LIGHT_CM_PER_PS", "channel_grid"]

#: Reduced Planck constant (eV ps).
HBAR_EV_PS = 6.582119569e-4
#: Speed of light in vacuum (cm per ps).
SPEED_OF_LIGHT_CM_PER_PS = 2.99792458e-2
#: Largest number of spectral channels.
MAX_CHANNELS = 1024
#: Largest photon energy of a channel grid (eV).
MAX_CHANNEL_ENERGY = 20.0


def _check_channel_range(value):
    """None, or (low, high) photon energies with 0 < low < high <= MAX_CHANNEL_ENERGY eV."""
    if value is None:
        return None
    ok = (isinstance(value, (tuple, list, np.ndarray)) and len(value) == 2
          and all(isinstance(v, (int, float, np.integer, np.floating))
                  and not isinstance(v, (bool, np.bool_)) for v in value))
    if ok:
        lo, hi = float(value[0]), float(value[1])
        ok = np.isfinite(lo) and np.isfinite(hi) and 0 < lo < hi <= MAX_CHANNEL_ENERGY
    if not ok:
        raise ValueError(f"channel_range = {value!r:.80} is outside the allowed range: None or "
                         f"(low, high) in eV with 0 < low < high <= {MAX_CHANNEL_ENERGY:g}")
    return (lo, hi)


def _check_name(name):
    if not isinstance(name, str) or not name or len(name) > 200:
        raise ValueError(f"name = {name!r:.60} is outside the allowed range: a non-empty string "
                         "of at most 200 characters")


def channel_grid(values, name: str = "channels") -> np.ndarray:
    """Validate a channel grid: finite photon energies (eV), strictly increasing.

    Parameters
    ----------
    values : array_like
        Channel centre energies (eV).
    name : str
        Parameter name used in error messages.

    Returns
    -------
    ndarray
        The energies as a float array.

    Raises
    ------
    ValueError
        If the grid is empty, not 1-D, not finite, not strictly increasing, or
        has more than 1024 channels.
    """
    try:
        arr = np.atleast_1d(np.asarray(values, dtype=float))
    except (TypeError, ValueError):
        raise ValueError(f"{name} = {values!r} must be a sequence of photon energies (eV)") from None
    if arr.ndim != 1 or not 1 <= arr.size <= MAX_CHANNELS:
        raise ValueError(f"{name} must be a 1-D grid of 1 ... {MAX_CHANNELS} energies (eV), "
                         f"got shape {arr.shape}")
    if not np.all(np.isfinite(arr)) or (arr <= 0).any():
        raise ValueError(f"{name} must hold finite positive energies (eV), got {arr.tolist()[:5]}...")
    if arr.size > 1 and not (np.diff(arr) > 0).all():
        raise ValueError(f"{name} must be strictly increasing (eV)")
    return arr


@dataclass(frozen=True)
class Cavity:
    """A resonator around the film: photon lifetime, channels and beta.

    Parameters
    ----------
    photon_lifetime : float, optional
        tau_c (ps), in (0, 1e6]: photons leave the cavity (output) at rate 1/tau_c.
        Give this or ``quality_factor``.
    quality_factor : float, optional
        Q in [1, 1e9]: tau_c = Q hbar / E_c at the channel centre E_c.
    spontaneous_coupling : float, default 1e-3
        beta in (0, 1]: fraction of a single exciton's radiative rate emitted
        into the channels (a state n emits beta k_rad(1) s_em(n)/s_em(1) into
        them: Einstein relations, the same lines as stimulated emission).
    channels : int, default 64
        Number of spectral channels (modes or groups of modes), 2 ... 1024.
    channel_range : tuple of float, optional
        (lowest, highest) channel energy (eV). Default: the band edge of the
        sample, E_X - 2.5 Gamma ... E_X + Delta_XX + 1.5 Gamma (chosen by the kinetics).
    group_index : float, default 1.8
        n_g of the mode: photons travel at v_g = c / n_g. Assumption: an NC film
        or an NC-in-polymer waveguide has a group index of 1.6 ... 2.
    name : str, default "cavity"

    Raises
    ------
    ValueError
        For a non-physical value (the message names the field and its range).

    Examples
    --------
    >>> from ncgain.models import Cavity
    >>> cav = Cavity(quality_factor=3000.0)
    >>> round(cav.lifetime(2.0), 4)   # ps at 2 eV
    0.9873
    """

    photon_lifetime: float | None = None
    quality_factor: float | None = None
    spontaneous_coupling: float = 1e-3
    channels: int = 64
    channel_range: tuple | None = None
    group_index: float = 1.8
    name: str = "cavity"

    def __post_init__(self):
        set_ = object.__setattr__
        if (self.photon_lifetime is None) == (self.quality_factor is None):
            raise ValueError("give exactly one of photon_lifetime (ps) and quality_factor, got "
                             f"photon_lifetime = {self.photon_lifetime!r}, "
                             f"quality_factor = {self.quality_factor!r}")
        if self.photon_lifetime is not None:
            set_(self, "photon_lifetime", _check_range("photon_lifetime", self.photon_lifetime,
                                                       0.0, 1e6, lo_open=True, unit=" ps"))
        else:
            set_(self, "quality_factor", _check_range("quality_factor", self.quality_factor,
                                                      1.0, 1e9))
        set_(self, "spontaneous_coupling",
             _check_range("spontaneous_coupling", self.spontaneous_coupling, 0.0, 1.0,
                          lo_open=True))
        ch = self.channels
        if isinstance(ch, bool) or not isinstance(ch, (int, np.integer)) or \
                not 2 <= ch <= MAX_CHANNELS:
            raise ValueError(f"channels = {ch!r} is outside the allowed range: an integer in "
                             f"[2, {MAX_CHANNELS}]")
        set_(self, "channels", int(ch))
        set_(self, "channel_range", _check_channel_range(self.channel_range))
        set_(self, "group_index", _check_range("group_index", self.group_index, 1.0, 10.0))
        _check_name(self.name)

    def lifetime(self, energy: float) -> float:
        """Photon lifetime tau_c (ps) at a photon energy.

        Parameters
        ----------
        energy : float
            Photon energy (eV); used only when the cavity is given by its Q.

        Returns
        -------
        float
            tau_c in ps.
        """
        if self.photon_lifetime is not None:
            return float(self.photon_lifetime)
        return float(self.quality_factor) * HBAR_EV_PS / float(energy)

    def loss(self, energy: float) -> float:
        """The cavity's photon loss as a modal loss, n_g / (c tau_c).

        Parameters
        ----------
        energy : float
            Photon energy (eV).

        Returns
        -------
        float
            Loss in cm^-1.
        """
        return self.group_index / (SPEED_OF_LIGHT_CM_PER_PS * self.lifetime(energy))

    def to_json(self) -> str:
        """JSON text of the fields.

        Returns
        -------
        str
            The dataclass fields as JSON.
        """
        return json.dumps(dataclasses.asdict(self), sort_keys=True)


@dataclass(frozen=True)
class Stripe:
    """An excitation stripe on the film (edge-emitted ASE, VSL geometry).

    Parameters
    ----------
    length : float
        Stripe length L (cm), in (0, 10].
    slices : int, default 40
        Number of slices along the stripe (the populations are recorded per slice).
        The runs cut a slice of large gain-length product into sub-slices (rate
        equations: a dz <= 0.7 for an edge-emission error <= 1 %; the records stay
        on these slices; ``simulate_stripe`` attribute ``sub_slices``).
    spontaneous_coupling : float, default 1e-3
        beta in (0, 1]: fraction of a single exciton's spontaneous emission
        guided along the stripe axis (half towards each edge).
    channels : int, default 48
        Number of spectral channels, 2 ... 1024.
    channel_range : tuple of float, optional
        (lowest, highest) channel energy (eV); default as for :class:`Cavity`.
    group_index : float, default 1.8
        Group index of the guided mode (assumption, see :class:`Cavity`).
    name : str, default "stripe"

    Raises
    ------
    ValueError
        For a non-physical value (the message names the field and its range).
    """

    length: float
    slices: int = 40
    spontaneous_coupling: float = 1e-3
    channels: int = 48
    channel_range: tuple | None = None
    group_index: float = 1.8
    name: str = "stripe"

    def __post_init__(self):
        set_ = object.__setattr__
        set_(self, "length", _check_range("length", self.length, 0.0, 10.0, lo_open=True,
                                          unit=" cm"))
        for field, lo, hi in (("slices", 1, 4096), ("channels", 2, MAX_CHANNELS)):
            v = getattr(self, field)
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or not lo <= v <= hi:
                raise ValueError(f"{field} = {v!r} is outside the allowed range: an integer in "
                                 f"[{lo}, {hi}]")
            set_(self, field, int(v))
        set_(self, "spontaneous_coupling",
             _check_range("spontaneous_coupling", self.spontaneous_coupling, 0.0, 1.0,
                          lo_open=True))
        set_(self, "channel_range", _check_channel_range(self.channel_range))
        set_(self, "group_index", _check_range("group_index", self.group_index, 1.0, 10.0))
        _check_name(self.name)

    def to_json(self) -> str:
        """JSON text of the fields.

        Returns
        -------
        str
            The dataclass fields as JSON.
        """
        return json.dumps(dataclasses.asdict(self), sort_keys=True)
