"""Deprecation aliases: old spellings that still answer, with a warning, for one release.

``Ceasefire.triggers`` and ``Ceasefire.obligations`` were methods while ``phases``,
``events`` and ``facts`` were properties; they are all properties now. The list they
give can still be called as the method was, so old code keeps running and says where.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from typing import TypeVar

__all__ = ["MethodList"]

_T = TypeVar("_T")


class MethodList(list[_T]):
    """A list that a caller may still call as the method it replaced (a :class:`DeprecationWarning`)."""

    __slots__ = ("_spelling",)

    def __init__(self, items: Iterable[_T], spelling: str) -> None:
        super().__init__(items)
        self._spelling = spelling

    def __call__(self) -> list[_T]:
        warnings.warn(
            f"{self._spelling}() is deprecated: it is a property now, drop the parentheses",
            DeprecationWarning,
            stacklevel=2,
        )
        return list(self)

    def __reduce__(self) -> tuple[type[list[_T]], tuple[list[_T]]]:
        return list, (list(self),)  # pickles as the plain list it stands for
