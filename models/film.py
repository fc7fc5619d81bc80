"""The gain medium in absolute units: :class:`Film`.

The kinetics report absorption and gain in units of alpha_0(peak), the band-edge
absorption of the unexcited ensemble at its peak. A laser or an ASE stripe needs
gain in cm^-1 against a loss in cm^-1. A :class:`Film` carries the three numbers
that convert one into the other:

* ``absorption_coefficient`` alpha_0 (cm^-1): band-edge absorption coefficient of
  the unexcited NC film at its peak (= sigma_0 * NC number density);
* ``confinement_factor`` Gamma_c in (0, 1]: fraction of the guided or cavity mode
  inside the gain medium;
* ``loss`` (cm^-1): modal loss to overcome (scattering, waveguide and mirror losses).

Net modal gain at photon energy E is ``g_mod(E) = Gamma_c * alpha_0 * g(E) - loss``
with ``g(E) = -alpha(E)/alpha_0(peak)`` the kinetics' net gain. The laser (or the
stripe's small-signal ASE) threshold is where ``g_mod`` reaches 0, i.e. where
``g(E)`` reaches :meth:`Film.loss_fraction`: the ``loss`` argument of
:func:`ncgain.kinetics.gain_threshold`.

Units: cm^-1 throughout.

:meth:`Film.close_packed` is a cited default for a close-packed film of CdSe-based
NCs (values and sources in :data:`CLOSE_PACKED_SOURCES`); most of its numbers
are stated assumptions, so pass your own film for a real device.
"""

from __future__ import annotations

import dataclasses
import json
import tomllib
from dataclasses import dataclass
from pathlib import Path

from ._checks import check_range as _check_range

__all__ = ["Film", "CLOSE_PACKED", "CLOSE_PACKED_SOURCES"]

# Leatherdale et al., J. Phys. Chem. B 106, 7619 (2002): per-NC absorption cross-section of
# CdSe NCs at 350 nm, C_abs = 5.501e5 a^3 cm^-1 (a the radius in cm), i.e. 5.501e5 / (4 pi / 3)
# = 1.313e5 cm^-1 per unit NC volume, independent of size.
_ALPHA_350_PER_VOLUME = 5.501e5 / (4.0 * 3.141592653589793 / 3.0)
#: Assumption: NC volume fraction of a close-packed film of ligand-capped NCs.
_VOLUME_FRACTION = 0.2
#: Assumption: band-edge (1S) peak absorption / absorption at 350 nm of a 3-4 nm CdSe NC.
_BAND_EDGE_TO_350NM = 0.2

#: Field values of :meth:`Film.close_packed` (cm^-1 for alpha_0 and loss).
CLOSE_PACKED = {
    "absorption_coefficient": round(_ALPHA_350_PER_VOLUME * _VOLUME_FRACTION
                                    * _BAND_EDGE_TO_350NM, -2),
    "confinement_factor": 0.5,
    "loss": 50.0,
    "name": "close-packed NC film (ncgain default)",
}

#: Where each value of :data:`CLOSE_PACKED` comes from.
CLOSE_PACKED_SOURCES = {
    "absorption_coefficient":
        "derived: Leatherdale et al., J. Phys. Chem. B 106, 7619 (2002), C_abs(350 nm) = "
        "5.501e5 a^3 cm^-1 per CdSe NC, i.e. 1.31e5 cm^-1 per unit NC volume; times "
        "an NC volume fraction of 0.2 (assumption: close-packed ligand-capped NCs, random "
        "close packing ~0.64 of spheres whose ligand shell dilutes the core volume ~3x) and a "
        "band-edge-peak/350-nm absorption ratio of 0.2 (assumption: typical of 3-4 nm CdSe "
        "NC spectra, not confirmed by search) = 5.3e3, rounded to 5,300 cm^-1",
    "confinement_factor":
        "assumption: 0.5, a ~100-200 nm NC film (n ~ 1.8-2) on glass guides a mode with "
        "about half its intensity in the film (not confirmed by search)",
    "loss":
        "assumption: 50 cm^-1, scattering and waveguide loss of a spin-coated NC film of "
        "the order of tens of cm^-1 (not confirmed by search)",
}


@dataclass(frozen=True)
class Film:
    """A nanocrystal film (or any gain medium) with its optical mode and loss.

    Parameters
    ----------
    absorption_coefficient : float
        alpha_0, band-edge absorption coefficient of the unexcited film at the
        peak of the band-edge line (cm^-1), in (0, 1e6].
    confinement_factor : float, default 1
        Fraction of the optical mode's intensity inside the film, in (0, 1].
    loss : float, default 0
        Modal loss the gain must overcome (cm^-1), in [0, 1e6].
    name : str, default "film"
        Label for outputs.

    Raises
    ------
    ValueError
        If a value is outside its allowed range (the message names the field).

    Examples
    --------
    >>> from ncgain.models import Film
    >>> film = Film(absorption_coefficient=5000.0, confinement_factor=0.5, loss=100.0)
    >>> film.loss_fraction()
    0.04
    >>> film.modal_gain(0.1)  # net gain 0.1 alpha_0(peak) -> cm^-1
    150.0
    """

    absorption_coefficient: float
    confinement_factor: float = 1.0
    loss: float = 0.0
    name: str = "film"

    def __post_init__(self):
        set_ = object.__setattr__
        set_(self, "absorption_coefficient",
             _check_range("absorption_coefficient", self.absorption_coefficient, 0.0, 1e6,
                          lo_open=True, unit=" cm^-1"))
        set_(self, "confinement_factor",
             _check_range("confinement_factor", self.confinement_factor, 0.0, 1.0, lo_open=True))
        set_(self, "loss", _check_range("loss", self.loss, 0.0, 1e6, unit=" cm^-1"))
        if not isinstance(self.name, str) or not self.name or len(self.name) > 200:
            raise ValueError(f"name must be a non-empty string of at most 200 characters, "
                             f"got {self.name!r:.60}")

    def loss_fraction(self) -> float:
        """The loss in units of the kinetics' gain, ``loss / (Gamma_c * alpha_0)``.

        Returns
        -------
        float
            The net gain -alpha/alpha_0(peak) at which the net modal gain is zero.
        """
        return self.loss / (self.confinement_factor * self.absorption_coefficient)

    def modal_gain(self, gain):
        """Net modal gain (cm^-1) from the kinetics' net gain.

        Parameters
        ----------
        gain : float or array_like
            Net gain -alpha(E)/alpha_0(peak) (dimensionless).

        Returns
        -------
        float or ndarray
            ``Gamma_c * alpha_0 * gain - loss`` in cm^-1.
        """
        return self.confinement_factor * self.absorption_coefficient * gain - self.loss

    @classmethod
    def close_packed(cls, *positional, **changes) -> "Film":
        """The default close-packed NC film (:data:`CLOSE_PACKED`), optionally changed.

        alpha_0 = 5,300 cm^-1 (derived from Leatherdale et al. 2002 with two stated
        assumptions), confinement 0.5 and loss 50 cm^-1 (assumptions); see
        :data:`CLOSE_PACKED_SOURCES`. Its loss fraction is 50 / (0.5 * 5300) = 0.019.

        Parameters
        ----------
        *positional
            None allowed: a change needs its field's name (a bare value has no meaning).
        **changes
            Fields to replace, e.g. ``loss=20.0``.

        Returns
        -------
        Film

        Raises
        ------
        ValueError
            For a positional value, naming it and the fields that can be changed; for
            a bad field or value, as :meth:`from_dict`.

        Examples
        --------
        >>> from ncgain.models import Film
        >>> round(Film.close_packed().loss_fraction(), 4)
        0.0189
        """
        if positional:
            shown = ", ".join(repr(v) for v in positional[:3]) + (", ..." if len(positional) > 3
                                                                   else "")
            raise ValueError(f"Film.close_packed({shown}): positional values are outside the "
                             "allowed arguments: changes by field name only, of "
                             f"{', '.join(CLOSE_PACKED)} (e.g. loss=20.0)")
        return cls.from_dict({**CLOSE_PACKED, **changes})

    # -- serialisation ------------------------------------------------------------------

    def to_dict(self) -> dict:
        """Plain-Python representation; inverse of :meth:`from_dict`.

        Returns
        -------
        dict
            The film's fields by name (floats in the units of the fields).
        """
        return dataclasses.asdict(self)

    def to_json(self) -> str:
        """JSON text of :meth:`to_dict`.

        Returns
        -------
        str
            A JSON object of the film's fields, keys sorted.
        """
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict) -> "Film":
        """Build a film from a mapping of its fields.

        Parameters
        ----------
        data : dict
            Field names to values, as :meth:`to_dict` returns them.

        Returns
        -------
        Film
            The validated film.

        Raises
        ------
        ValueError
            If a key is not a field, a required field is missing or a value is out of
            range.
        """
        if not isinstance(data, dict):
            raise ValueError(f"a film must be a table (dict) of Film fields, got {data!r:.60}")
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(map(str, set(data) - known))
        if unknown:
            raise ValueError(f"unknown film field(s) {unknown}; known fields: {sorted(known)}")
        try:
            return cls(**data)
        except TypeError as exc:  # a missing required field
            raise ValueError(f"incomplete film description: {exc}") from None

    @classmethod
    def from_file(cls, path: str | Path) -> "Film":
        """Read a film from a TOML (``.toml``) or JSON (``.json``) file of its fields.

        Parameters
        ----------
        path : str or pathlib.Path
            The file; a ``.json`` suffix is read as JSON, anything else as TOML.

        Returns
        -------
        Film
            The validated film.

        Raises
        ------
        ValueError
            If the file cannot be read or parsed, or its content is not a valid film
            (the message names the file).
        """
        path = Path(path)
        try:
            if path.suffix == ".json":
                data = json.loads(path.read_text())
            else:
                with open(path, "rb") as fh:
                    data = tomllib.load(fh)
        except RecursionError:
            raise ValueError(f"film file {str(path)!r} is nested too deeply to be a table of "
                             "Film fields (Python's recursion limit)") from None
        except (OSError, ValueError) as exc:
            raise ValueError(f"film file {str(path)!r} cannot be read: {exc}") from None
        if not isinstance(data, dict):
            raise ValueError(f"film file {str(path)!r} must hold a table of Film fields")
        try:
            return cls.from_dict(data)
        except ValueError as exc:
            raise ValueError(f"film file {str(path)!r}: {exc}") from None
