"""The modelling assumptions printed under every prediction of the ``ncgain`` command line.

One interface for every command: :func:`assumption_lines` returns the lines (without
indentation) and :func:`print_assumptions` prints them under an ``assumptions:`` header.
Every prediction states the band-edge state model, the radiative and Auger laws, what
``tau_xx`` meant, where sigma_pump came from, the film/resonator, the method that ran
(only its own assumptions), and flags a c.w. pump intensity above the photostability
limit that the c.w. study assumes (:mod:`ncgain.studies._photostability`).
"""

from __future__ import annotations

__all__ = ["assumption_lines", "print_assumptions"]

#: What each method assumes, printed only for the method that ran.
_METHOD = {
    "master-equation": "exact master equation of the exciton-number chain (no sampling error)",
    "monte-carlo": "Monte Carlo over {n} NCs, seed {seed} (counter-based streams; a sampling "
                   "error of order 1/sqrt(N))",
    "rate-equations": "mean-field rate equations of the state populations (deterministic; no "
                      "sampling error, no photon-number fluctuations beyond the spontaneous "
                      "term)",
    "closed-form": "steady state of the exciton-number chain in closed form (exact)",
}


def assumption_lines(sample, *, method: str, film=None, film_note: str | None = None,
                     cavity=None, stripe=None, intensity=None, n_nanocrystals=None,
                     seed=None, statistics: str | None = None, extra=()) -> list[str]:
    """The assumptions behind one prediction, one line each.

    The model's lines come from :func:`ncgain.models.assumptions.assumptions` (state
    model, radiative and Auger laws, what ``tau_xx`` meant, sigma_pump's source, lines,
    film, resonator, the photostability warning); the command line adds where the loss
    came from, the pump statistics, the method that ran and the command's own lines.

    Parameters
    ----------
    sample : models.Sample
        The sample of the prediction.
    method : {"master-equation", "monte-carlo", "rate-equations", "closed-form"}
        The method that ran; only its assumptions are listed.
    film : models.Film, optional
        The film / gain medium (None: no film, a gain threshold).
    film_note : str, optional
        Where the loss came from (``threshold``, ``sweep``), printed instead of a film line.
    cavity, stripe : models.Cavity or models.Stripe, optional
        The resonator of a lasing or ASE prediction.
    intensity : float or array_like, optional
        c.w. pump intensities in W cm^-2; the largest is checked against the
        photostability limit.
    n_nanocrystals, seed : int, optional
        The Monte Carlo ensemble size and seed (``method="monte-carlo"``).
    statistics : {"poisson", "single"}, optional
        The pulsed pump statistics.
    extra : sequence of str
        Further lines specific to the command.

    Returns
    -------
    list of str
        The photostability warning (or the statement that the intensity is within the
        limit) last.
    """
    import numpy as np

    from ncgain.models.assumptions import assumptions
    from ncgain.models.photostability import PHOTOSTABILITY_LIMIT
    lines = assumptions(sample, film=film, cavity=cavity, stripe=stripe,
                        method=None if method == "closed-form" else method,
                        intensity=intensity)
    warning = [line for line in lines if line.startswith("WARNING")]
    lines = [line for line in lines if not line.startswith("WARNING")]
    if film_note is not None:
        lines.append(film_note)
    elif film is None:
        lines.append("no film/resonator: a gain threshold (net gain > loss in alpha_0(peak))")
    if statistics is not None:
        lines.append("pump statistics: " + ("Poisson (physical)" if statistics == "poisson"
                                            else "single excitation (the paper's idealization)"))
    lines.append("method: " + _METHOD[method].format(n=n_nanocrystals, seed=seed))
    lines.extend(extra)
    if warning:
        lines.extend(warning)
    elif intensity is not None:
        top = float(np.max(np.asarray(intensity, dtype=float)))
        lines.append(f"pump intensity at most {top:.3g} W cm^-2, within the photostability "
                     f"limit {PHOTOSTABILITY_LIMIT:.0e} W cm^-2 assumed by the c.w. study")
    return lines


def print_assumptions(lines) -> None:
    """Print ``lines`` under an ``assumptions:`` header, indented by two spaces.

    Parameters
    ----------
    lines : iterable of str
        The lines, e.g. from :func:`assumption_lines`.
    """
    print("assumptions:")
    for line in lines:
        print(f"  {line}")
