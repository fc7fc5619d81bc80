"""TOML and JSON text of a :class:`~ncgain.models.Sample`: the helpers behind its I/O methods.

``Sample.from_file``/``from_toml`` read a table of fields (with an optional
``preset`` to start from, looked up in :mod:`._registry`) and
``Sample.to_toml`` writes one; the methods stay on :class:`Sample`, the text
handling lives here.
"""

from __future__ import annotations

import dataclasses
import json
import math
import tomllib
from pathlib import Path
from typing import Any

from . import _registry
from ._text import short

__all__ = ["toml_value", "read_table", "apply_preset", "toml_text"]


def toml_value(value: Any) -> str:
    """A Sample field value as TOML: str, int, finite float, sequences (arrays) and
    dataclasses or dicts (inline tables), nested.

    Parameters
    ----------
    value : object
        The value.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        For a non-finite float or a type TOML cannot hold.
    """
    if isinstance(value, str):
        # JSON string escapes are valid TOML basic-string escapes; TOML also forbids DEL.
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007F")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"cannot write the non-finite value {value!r} as TOML")
        return repr(value)
    if dataclasses.is_dataclass(value):
        value = value.to_dict() if hasattr(value, "to_dict") else dataclasses.asdict(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()
                               if v is not None) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise ValueError(f"cannot write {value!r} ({type(value).__name__}) as TOML")


def _describe(value: Any) -> str:
    """A value as it reads in a TOML file (any type: the sample validates it later)."""
    try:
        return toml_value(value)
    except ValueError:
        return repr(value)


def _component_pair(k: int, component: Any) -> list:
    """A size class read from TOML as [weight, fields]: from a table or a pair."""
    if isinstance(component, dict):
        if "weight" not in component:
            raise ValueError(f"components[{k}] needs a weight (number fraction in (0, 1])")
        fields = dict(component)
        return [fields.pop("weight"), fields]
    return component   # a [weight, fields] pair, or something the sample will reject


def read_table(path: Path, format: str | None) -> dict:
    """The table of a TOML or JSON sample file.

    Parameters
    ----------
    path : pathlib.Path
        The file; ``.json`` is read as JSON, others as TOML unless ``format`` says otherwise.
    format : {"toml", "json"} or None
        Override the format guessed from the suffix.

    Returns
    -------
    dict

    Raises
    ------
    ValueError
        If the file cannot be read or parsed or is not a table; the message names the file.
    """
    fmt = format or ("json" if path.suffix.lower() == ".json" else "toml")
    if fmt not in ("toml", "json"):
        raise ValueError(f"format = {format!r} is not one of ('toml', 'json')")
    try:
        if fmt == "json":
            data = json.loads(path.read_bytes().decode("utf-8"))
        else:
            with open(path, "rb") as fh:
                data = tomllib.load(fh)
    except RecursionError:
        raise ValueError(f"sample file {str(path)!r} is nested too deeply to be a table of "
                         "Sample fields (Python's recursion limit)") from None
    except UnicodeDecodeError:
        raise ValueError(f"sample file {str(path)!r} is not a text file ({fmt.upper()} "
                         "expected)") from None
    except (OSError, ValueError) as exc:
        raise ValueError(f"sample file {str(path)!r} is not valid {fmt.upper()}: "
                         f"{short(str(exc), 160)}") from None
    if not isinstance(data, dict):
        raise ValueError(f"sample file {str(path)!r} must hold a table of Sample fields, "
                         f"got {type(data).__name__}")
    return data


def apply_preset(data: dict) -> dict:
    """Fields of a file's table: ``[[components]]`` tables as pairs, ``preset`` expanded.

    With ``preset = "type-ii"`` the other keys replace that preset's fields;
    unless the table sets ``name``, the name says what was changed.

    Parameters
    ----------
    data : dict
        The file's table (modified in place).

    Returns
    -------
    dict
        Input for ``Sample.from_dict``.

    Raises
    ------
    ValueError
        If a component has no weight or the preset is unknown.
    """
    if isinstance(data.get("components"), list):
        data["components"] = [_component_pair(k, c) for k, c in enumerate(data["components"])]
    if "preset" not in data:
        return data
    name = data.pop("preset")
    if not isinstance(name, str):
        raise ValueError(f"preset must be a preset name (a string), got {short(name)}")
    preset = _registry.preset(name)
    base = preset.to_dict()
    changed = [k for k, v in data.items()
               if k not in ("name", "description") and base.get(k, object()) != v]
    base.update(data)
    if "name" not in data and changed:
        base["name"] = f"{preset.name} with " + ", ".join(
            f"{k} = {_describe(data[k]) if k != 'components' else '...'}" for k in changed)
    return base


def toml_text(sample: Any) -> str:
    """The TOML text of a sample: fields, then one ``[[components]]`` table per size class.

    Parameters
    ----------
    sample : Sample

    Returns
    -------
    str
    """
    def fields(s: Any) -> list[str]:
        # None (TOML has no null) is the default of the fields that allow it: omitted.
        return [f"{f.name} = {toml_value(getattr(s, f.name))}" for f in dataclasses.fields(s)
                if f.name != "components" and getattr(s, f.name) is not None]

    lines = fields(sample)
    for weight, sub in sample.components:
        lines += ["", "[[components]]", f"weight = {toml_value(weight)}", *fields(sub)]
    return "\n".join(lines) + "\n"
