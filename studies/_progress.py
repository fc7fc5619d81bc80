"""Progress of a long study: one helper for every study's ``progress`` argument.

A study's ``run(quick, progress)`` receives ``progress`` as

* ``False`` / ``None``: silent;
* ``True``: a tqdm bar on stderr (items done, rate, time left) **only if stderr is a
  terminal**, so logs and pipes stay clean;
* ``"always"``: the bar even when stderr is not a terminal (``--progress``);
* a callable ``progress(done, total, label)``: called after each item (and once at
  the start with ``done = 0``), for GUIs, logs and tests; no bar.

Use::

    with study_progress(progress, total=len(points), desc=NAME, unit="point") as bar:
        for point in points:
            ...
            bar.advance(1, label=f"point {point}")

``advance`` takes fractions too (a solver's callback may report part of an item).
The bar refreshes at most once a second; tqdm's estimate of the time left is the
items still to do at the rate so far.
"""

from __future__ import annotations

import sys

__all__ = ["StudyProgress", "study_progress"]


def _wants_bar(progress) -> bool:
    if progress == "always":
        return True
    if progress is True:
        isatty = getattr(sys.stderr, "isatty", None)
        return bool(isatty and isatty())
    return False


class StudyProgress:
    """Progress over ``total`` items of a study: a terminal bar, a callback or nothing.

    Parameters
    ----------
    progress : bool, "always", callable or None
        See the module docstring.
    total : float
        Number of items (> 0).
    desc : str
        Name shown before the bar (the study's name).
    unit : str, default "item"
        What an item is ("fluence", "rate", "point").

    Raises
    ------
    ValueError
        If ``total`` is not a positive finite number or ``progress`` is of another kind.
    """

    def __init__(self, progress, total, desc: str, unit: str = "item"):
        try:
            ok = float(total) > 0 and float(total) < float("inf")
        except (TypeError, ValueError):
            ok = False
        if not ok:
            raise ValueError(f"total = {total!r} must be a positive finite number of items")
        if not (progress in (None, False, True, "always") or callable(progress)):
            raise ValueError(f"progress = {progress!r} must be False, True, 'always' or a "
                             "callable(done, total, label)")
        self.total = float(total)
        self.done = 0.0
        self._callback = progress if callable(progress) else None
        self._bar = None
        if _wants_bar(progress):
            from tqdm.auto import tqdm
            self._bar = tqdm(total=self.total, desc=desc, unit=unit, file=sys.stderr,
                             mininterval=1.0, leave=False, dynamic_ncols=True,
                             bar_format="{desc}: {percentage:3.0f}%|{bar}| {n:.4g}/{total:.4g} "
                                        "{unit} [{elapsed}<{remaining}{postfix}]")
        if self._callback is not None:
            self._callback(0.0, self.total, "start")

    def advance(self, n: float = 1.0, label: str | None = None) -> None:
        """Count ``n`` more items done (fractions allowed).

        Parameters
        ----------
        n : float, default 1.0
            Items done since the last call.
        label : str, optional
            What was just done (shown beside the bar, passed to the callback).
        """
        self.done = min(self.total, self.done + float(n))
        if self._bar is not None:
            if label:
                self._bar.set_postfix_str(label, refresh=False)
            self._bar.update(float(n))
        if self._callback is not None:
            self._callback(self.done, self.total, label or "")

    def show(self, label: str) -> None:
        """Show ``label`` beside the bar (what is being done now) without counting an item.

        Parameters
        ----------
        label : str
            Shown beside the bar; not passed to the callback.
        """
        if self._bar is not None:
            self._bar.set_postfix_str(label)

    def close(self) -> None:
        """Close the bar (if any)."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def study_progress(progress, total, desc: str, unit: str = "item") -> StudyProgress:
    """A :class:`StudyProgress` (a context manager) for a study's ``progress`` argument.

    Parameters
    ----------
    progress : bool, "always", callable or None
        The study's ``progress`` argument (module docstring).
    total : float
        Number of items.
    desc : str
        The study's name.
    unit : str, default "item"
        What an item is.

    Returns
    -------
    StudyProgress
        Call ``advance`` after each item; closes its bar on exit.
    """
    return StudyProgress(progress, total, desc, unit)
