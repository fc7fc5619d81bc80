"""Forward functions of the calibration study: the paper's quoted numbers from a sample.

Every function takes a :class:`~ncgain.models.Sample` and returns one number in the
paper's units; the expensive part (a master-equation run over <N> x time x photon energy)
is shared between targets through :func:`ncgain.fit.joint.shared`. Definitions:

* **stripe ASE threshold** of a band: the crude time-integrated stripe estimate of
  :mod:`ncgain.studies._stripe` (the studies' film, the 400-um stripe, amplification
  (e^{gL} - 1)/(gL) of the spontaneous emission with the instantaneous net modal gain, no
  depletion) evaluated on a photon-energy grid at once; per energy the <N> at which the
  time-integrated edge emission reaches ``STRIPE_AMPLIFICATION`` (log-log interpolation on
  the <N> grid); a band's threshold is the minimum over its energies (parabolic refinement
  of the minimum gives the band's ASE energy). Type-II bands: X below E_X + Delta_XX / 2,
  XX above (as in the Fig. 5a-c study); fluence = <N> h nu / sigma_pump.
* **ASE band** of a sample: the energy of its first (lowest-threshold) stripe band.
* **growth law**: the log-log slope of the bleach -dalpha/alpha_0 at the ASE band, 3 ps
  after the pump, for 0.01 <= <N> <= 0.1 (the Fig. 5d study's range); 0 where the bleach
  there is negative (induced absorption: no power law).
* **gain threshold** (Fig. 5d): the smallest <N> with bleach > 1 at the ASE band at 3 ps
  (on :data:`THRESHOLD_MEANS`, interpolated; inf above <N> = 5).
* **gain decay time** (Fig. 5a inset): the Fig. 5a study's rule on the exact bleach at the
  ASE band, pumped at 1.05 x the gain threshold: two exponentials for t >= 3 ps, tau_slow
  if the slow component alone is gain (A_s > 1), else tau_fast; the two time constants
  are the sample's lifetimes (exact for the master equation once triexcitons have gone),
  only the amplitudes are fitted (:func:`gain_decay`).
* **X PL band**: the peak of the late-time (10 ns) PL at <N> = 0.05; **XX PL band**: the
  peak of the t = 0 PL at <N> = 1.5 minus the late-time spectrum scaled to it on the red
  side (the paper's subtraction, Fig. 4a), both on a 1-meV grid with parabolic refinement.
* **XX decay**: the total biexciton lifetime 1 / (k_rad(2) + k_A(2)) of the sample.

Resolution (:data:`GRIDS`): full mode 5-meV photon energies, 20 <N> values (0.05 ... 5) and
32 times (0 and 0.1 ... 5000 ps, log-spaced); quick mode 10 meV, 10 and 16.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
from scipy import integrate

from ncgain import kinetics, models
from ncgain.fit.joint import shared

from ._common import loglog_slope
from ._analysis import gain_crossing as _gain_crossing
from ._analysis import log_crossing as _log_crossing
from ._analysis import peak_position as _peak
from ._analysis import refined_minimum as _refined_minimum
from ._stripe import STRIPE_AMPLIFICATION, STRIPE_LOSS_LENGTH, STRIPE_MODAL_LENGTH, spectra

__all__ = ["GRIDS", "PROBE_TIME", "SLOPE_MEANS", "ONSET_FACTOR", "spectra", "Forward",
           "with_delta_spread", "GAUSS_HERMITE_3"]

PROBE_TIME = 3.0                    # ps: Fig. 5d, "~3 ps after excitation"
SLOPE_MEANS = np.geomspace(0.01, 0.1, 5)
ONSET_FACTOR = 1.05                 # Fig. 5a study: pump 1.05 x the gain threshold
DECAY_TIMES = np.concatenate([[0.0], np.geomspace(1.0, 10000.0, 30)])
#: <N> grid of the gain threshold at the ASE band (0.3 % steps would be finer than needed:
#: 80 points over 0.02 ... 5 give ~7 % steps, interpolated linearly in alpha)
THRESHOLD_MEANS = np.geomspace(0.02, 5.0, 80)
#: Grids of the stripe estimate: (energy step eV, <N> values, times).
GRIDS = {"full": (0.005, 20, 32), "quick": (0.010, 10, 16)}
#: Largest <N> of the stripe estimate (an ASE threshold above it is "none in range")
MAX_MEANS = 5.0
#: 3-point Gauss-Hermite rule for a Gaussian of standard deviation s: offsets (units of s)
#: and weights; a Delta_XX spread is a mixture of three size classes at these offsets.
GAUSS_HERMITE_3 = ((-math.sqrt(3.0), 1 / 6), (0.0, 2 / 3), (math.sqrt(3.0), 1 / 6))


def with_delta_spread(sample: models.Sample, spread: float) -> models.Sample:
    """The sample as a three-class mixture whose Delta_XX has standard deviation ``spread``.

    Parameters
    ----------
    sample : models.Sample
        Homogeneous sample (its ``delta_xx`` is the mean).
    spread : float
        Standard deviation of Delta_XX among the NCs (eV), >= 0; 0 returns ``sample``.

    Returns
    -------
    models.Sample
        Classes at delta_xx + (-sqrt 3, 0, +sqrt 3) x spread with weights 1/6, 2/3, 1/6
        (the 3-point Gauss-Hermite rule: mean and variance exact).
    """
    if not (spread >= 0 and math.isfinite(spread)):
        raise ValueError(f"spread = {spread!r} is outside the allowed range [0, inf) eV")
    if spread == 0:
        return sample
    comps = tuple((w, dataclasses.replace(sample, delta_xx=sample.delta_xx + x * spread))
                  for x, w in GAUSS_HERMITE_3)
    return dataclasses.replace(sample, components=comps)


def gain_decay(sample, t, bleach) -> tuple[float, float]:
    """Gain decay time (ps) of a bleach transient, and the slow amplitude A_s.

    After the triexcitons have decayed, the exact bleach is A_f exp(-t/tau_XX) +
    A_s exp(-t/tau_1) with the sample's two lifetimes (tau_XX the total biexciton
    lifetime, tau_1 = 1/k_rad(1)); the amplitudes are fitted (linear least squares) for
    t >= 3 ps and the Fig. 5a study's rule picks the time constant that carries the gain:
    tau_1 if A_s > 1, else tau_XX.

    Parameters
    ----------
    sample : models.Sample
        Supplies the two lifetimes.
    t : array_like
        Times (ps).
    bleach : array_like
        Bleach -dalpha/alpha_0 at ``t``.

    Returns
    -------
    decay : float
        The gain decay time (ps).
    amp_slow : float
        A_s, the slow component's amplitude.
    """
    tau_xx, tau_1 = float(sample.biexciton_lifetime), 1.0 / float(sample.radiative_rate(1))
    t, bleach = np.asarray(t, float), np.asarray(bleach, float)
    sel = t >= PROBE_TIME
    basis = np.exp(-t[sel, None] / np.array([tau_xx, tau_1])[None, :])
    amp = np.linalg.lstsq(basis, bleach[sel], rcond=None)[0]
    return (tau_1 if amp[1] > 1.0 else tau_xx), float(amp[1])


class Forward:
    """The quoted numbers of one sample, computed on the study's grids (cached per sample).

    Parameters
    ----------
    quick : bool
        Coarse grids (:data:`GRIDS`).
    """

    def __init__(self, quick: bool):
        self.step, n_means, n_times = GRIDS["quick" if quick else "full"]
        self.means = np.geomspace(0.05, MAX_MEANS, n_means)
        self.times = np.concatenate([[0.0], np.geomspace(0.1, 5000.0, n_times - 1)])
        self.stripe = shared(self._stripe)
        self.probe = shared(self._probe)
        self.pl_bands = shared(self._pl_bands)

    # -- the shared computations ------------------------------------------------------

    def _energies(self, sample):
        lo = sample.exciton_energy - 2.0 * sample.linewidth
        hi = sample.exciton_energy + max(sample.delta_xx, 0.0) + 1.5 * sample.linewidth
        return np.arange(lo, hi + 0.5 * self.step, self.step)

    def _stripe(self, sample) -> dict:
        # band thresholds (<N>, mJ cm^-2) and energies of the crude stripe estimate
        e = self._energies(sample)
        alpha, pl, _ = spectra(sample, self.means, self.times, e)
        g = -alpha * STRIPE_MODAL_LENGTH - STRIPE_LOSS_LENGTH
        small = np.abs(g) < 1e-9
        amp = np.where(small, 1.0, np.expm1(np.where(small, 1.0, g)) / np.where(small, 1.0, g))
        num = integrate.trapezoid(pl * amp, self.times, axis=1)
        den = integrate.trapezoid(pl, self.times, axis=1)
        ratio = num / np.where(den > 0, den, np.inf)           # (means, energies)
        th = np.array([_log_crossing(self.means, ratio[:, j], STRIPE_AMPLIFICATION)
                       for j in range(e.size)])
        split = sample.exciton_energy + sample.delta_xx / 2
        if sample.delta_xx > 0:
            bands = {"x": e < split, "xx": e >= split}
        else:
            bands = {"x": np.ones(e.size, bool)}
        out = {}
        for name, mask in bands.items():
            energy, n_th = _refined_minimum(e, th, mask)
            out[name] = {"energy": energy, "mean_excitons": n_th,
                         "fluence": float(kinetics.pump_fluence(n_th, sample))
                         if math.isfinite(n_th) else math.inf}
        first = min(out, key=lambda k: out[k]["mean_excitons"])
        out["first"] = first
        return out

    def ase_energy(self, sample) -> float:
        """Energy (eV) of the first stripe ASE band.

        Parameters
        ----------
        sample : models.Sample

        Returns
        -------
        float
            eV; nan if no band reaches ASE below <N> = 5.
        """
        s = self.stripe(sample)
        return s[s["first"]]["energy"]

    def _probe(self, sample) -> dict:
        """Growth law, gain threshold and gain decay at the ASE band (3 ps)."""
        e = self.ase_energy(sample)
        if not math.isfinite(e):
            return {"slope": math.nan, "threshold": math.inf, "decay": math.nan}
        means = np.concatenate([[1e-6], SLOPE_MEANS, THRESHOLD_MEANS])
        alpha, _, alpha0 = spectra(sample, means, [PROBE_TIME], [e])
        a = alpha[:, 0, 0]
        b = (alpha0[0] - a) / alpha0[0]
        low = b[1:1 + SLOPE_MEANS.size]
        slope = loglog_slope(SLOPE_MEANS, low) if (low > 0).all() else 0.0
        th = _gain_crossing(THRESHOLD_MEANS, a[1 + SLOPE_MEANS.size:])
        decay, amp_slow = math.nan, math.nan
        if math.isfinite(th):
            alpha, _, alpha0 = spectra(sample, [ONSET_FACTOR * th], DECAY_TIMES, [e])
            bleach = (alpha0[0] - alpha[0, :, 0]) / alpha0[0]
            decay, amp_slow = gain_decay(sample, DECAY_TIMES, bleach)
        return {"slope": slope, "threshold": th, "decay": decay, "amp_slow": amp_slow,
                "linear_coefficient": float(b[0] / 1e-6)}

    def _pl_bands(self, sample) -> dict:
        """X and XX PL band positions (eV) as the paper measured them (Fig. 4a)."""
        e = np.arange(sample.exciton_energy - 0.15,
                      sample.exciton_energy + max(sample.delta_xx, 0) + 0.15, 0.001)
        _, pl_late, _ = spectra(sample, [0.05], [10000.0], e)
        _, pl_early, _ = spectra(sample, [1.5], [0.0], e)
        late, early = pl_late[0, 0], pl_early[0, 0]
        x = _peak(e, late)
        # scale the long-time (X) spectrum to the early one on the red side, 1.5 Gamma
        # below E_X, where biexcitons do not emit (Delta_XX > 0)
        red = e <= sample.exciton_energy - 1.5 * sample.linewidth
        scale = float(early[red].sum() / late[red].sum()) if late[red].sum() > 0 else 0.0
        xx = _peak(e, early - scale * late) if sample.delta_xx > 0 else math.nan
        return {"x": x, "xx": xx}

    # -- the quoted numbers -----------------------------------------------------------

    def x_pl(self, sample) -> float:
        """E_X from the late-time PL peak (eV).

        Parameters
        ----------
        sample : models.Sample

        Returns
        -------
        float
            eV.
        """
        return self.pl_bands(sample)["x"]

    def xx_pl(self, sample) -> float:
        """XX PL band from the paper's subtraction (eV).

        Parameters
        ----------
        sample : models.Sample

        Returns
        -------
        float
            eV; nan without X-X repulsion.
        """
        return self.pl_bands(sample)["xx"]

    def xx_decay(self, sample) -> float:
        """Total biexciton lifetime (ps).

        Parameters
        ----------
        sample : models.Sample

        Returns
        -------
        float
            ps.
        """
        return float(sample.biexciton_lifetime)

    def band_fluence(self, band: str):
        def f(sample):
            return self.stripe(sample).get(band, {}).get("fluence", math.inf)
        f.__name__ = f"{band}_ase_fluence"
        return f

    def band_offset(self, band: str, reference: str):
        """ASE energy of ``band`` minus the PL band ``reference``, in meV.

        Parameters
        ----------
        band : {"x", "xx"}
            The stripe ASE band.
        reference : {"x", "xx"}
            The PL band.

        Returns
        -------
        callable
            ``f(sample) -> float`` (meV; nan where the band does not exist).
        """
        def f(sample):
            energy = self.stripe(sample).get(band, {}).get("energy", math.nan)
            return 1e3 * (energy - self.pl_bands(sample)[reference])
        f.__name__ = f"{band}_ase_minus_{reference}_pl"
        return f

    def xx_over_x(self, sample) -> float:
        """XX / X stripe ASE threshold ratio (type II).

        Parameters
        ----------
        sample : models.Sample

        Returns
        -------
        float
            Dimensionless; inf if the XX band never reaches ASE.
        """
        s = self.stripe(sample)
        return s["xx"]["mean_excitons"] / s["x"]["mean_excitons"]

    def slope(self, sample) -> float:
        """Growth law: log-log slope of the bleach at the ASE band (0: induced absorption).

        Parameters
        ----------
        sample : models.Sample

        Returns
        -------
        float
            Dimensionless.
        """
        return self.probe(sample)["slope"]

    def threshold(self, sample) -> float:
        """Gain threshold <N> (bleach > 1) at the ASE band, 3 ps.

        Parameters
        ----------
        sample : models.Sample

        Returns
        -------
        float
            Excitons per NC; inf if none up to <N> = 5.
        """
        return self.probe(sample)["threshold"]

    def decay(self, sample) -> float:
        """Gain decay time (ps) at the ASE band at the gain onset.

        Parameters
        ----------
        sample : models.Sample

        Returns
        -------
        float
            ps; nan without gain.
        """
        return self.probe(sample)["decay"]

    def ratio_to(self, reference_threshold: float):
        """Gain-threshold ratio of a sample to a fixed reference <N> (type I / type II).

        Parameters
        ----------
        reference_threshold : float
            The reference gain threshold <N> (> 0).

        Returns
        -------
        callable
            ``f(sample) -> float``, threshold(sample) / reference_threshold.
        """
        def f(sample):
            return self.threshold(sample) / reference_threshold
        f.__name__ = "threshold_ratio"
        return f
