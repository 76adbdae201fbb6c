"""The one rule for ids: they are written bare inside guard expressions, so they must be identifiers."""

from __future__ import annotations

import enum
import functools
import keyword
import re
from collections.abc import Iterable
from typing import Any, TypeVar

_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,99}\Z")
_RESERVED = frozenset({"and", "or", "not", "true", "false", "True", "False", "None"})


def is_id(name: object) -> bool:
    """True if ``name`` can be an id: an identifier of at most 100 characters, not a keyword."""
    return isinstance(name, str) and _is_id_text(name)


@functools.lru_cache(maxsize=4096)
def _is_id_text(name: str) -> bool:
    # cached: the same few ids are checked on every event of a long log
    return bool(_ID.match(name)) and not keyword.iskeyword(name) and name not in _RESERVED


def to_tuple(items: Iterable[Any]) -> tuple[Any, ...]:
    """attrs converter: any iterable becomes a tuple, so frozen objects stay hashable.

    Typed with ``Any`` because mypy's attrs plugin cannot bind a generic converter.
    """
    return tuple(items)


_Enum = TypeVar("_Enum", bound=enum.StrEnum)


def choice(kind: type[_Enum], field: str, value: object) -> _Enum:
    """``value`` as a member of ``kind`` (for an attrs converter); a value that is none of them
    is refused with the allowed values (``kind: 'militia' is not one of state, armed_group,
    ...``), not with the enum's Python name."""
    if isinstance(value, kind):
        return value
    try:
        return kind(value)  # type: ignore[arg-type]  # anything: a bad one is refused here
    except ValueError:
        raise ValueError(f"{field}: {str(value)[:40]!r} is not one of {', '.join(kind)}") from None


def check_id(_instance: Any, attribute: Any, value: Any) -> None:
    """attrs validator: ``value`` must be an id (see :func:`is_id`)."""
    if not is_id(value):
        raise ValueError(
            f"{attribute.name}: {value!r} is not a valid id "
            "(ASCII letters, digits and _, not starting with a digit, not a keyword)"
        )
