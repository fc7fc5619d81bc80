"""Named samples and sample factories that :mod:`.sample` looks up without importing them.

:mod:`.presets` fills :data:`PRESETS` (and :data:`ALIASES`) when it is imported, and
:mod:`.coreshell` registers the ``"core_shell"`` factory behind
:meth:`Sample.from_core_shell <ncgain.models.Sample.from_core_shell>`. The package's
``__init__`` imports both, so the lookups below always find them; ``sample.py`` imports
only this module, and the modules that build samples import ``sample.py``: no circle.
"""

from __future__ import annotations

from typing import Any, Callable

__all__ = ["PRESETS", "ALIASES", "preset", "preset_names", "register_factory", "factory"]

#: canonical preset name -> Sample (filled by models.presets)
PRESETS: dict[str, Any] = {}
#: alternative spelling -> canonical preset name (filled by models.presets)
ALIASES: dict[str, str] = {}
#: factory name -> callable returning a Sample (filled by the modules that define them)
_FACTORIES: dict[str, Callable[..., Any]] = {}


def preset_names() -> tuple[str, ...]:
    """The canonical preset names, in registration order.

    Returns
    -------
    tuple of str
    """
    return tuple(PRESETS)


def preset(name: str) -> Any:
    """The preset called ``name`` (case-insensitive; aliases accepted).

    Parameters
    ----------
    name : str
        A canonical name or an alias.

    Returns
    -------
    Sample
        The registered (immutable) sample; an unknown name raises a ValueError
        that lists the known ones.
    """
    key = str(name).strip().lower()
    key = ALIASES.get(key, key)
    if key not in PRESETS:
        raise ValueError(f"preset = {name!r} is unknown; known presets: {preset_names()}")
    return PRESETS[key]


def register_factory(name: str, func: Callable[..., Any]) -> None:
    """Make ``func`` the sample factory called ``name``.

    Parameters
    ----------
    name : str
        E.g. ``"core_shell"``.
    func : callable
        Returns a Sample.
    """
    _FACTORIES[name] = func


def factory(name: str) -> Callable[..., Any]:
    """The sample factory registered as ``name``.

    Parameters
    ----------
    name : str
        A registered factory name.

    Returns
    -------
    callable

    Raises
    ------
    LookupError
        If no module has registered it (``import ncgain.models`` registers the built-in ones).
    """
    if name not in _FACTORIES:
        raise LookupError(f"no sample factory {name!r} is registered (import ncgain.models)")
    return _FACTORIES[name]
