"""Citations: every bundled fact points at a :class:`Source` a reader can check."""

from __future__ import annotations

import datetime as dt

import attrs

from truce.dates import optional_date
from truce.errors import DefinitionError, refusing_with

__all__ = ["Source"]


def _optional_text(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


@refusing_with(DefinitionError)
@attrs.frozen
class Source:
    """A published source: who said it, when, where to read it, and which part.

    ``locator`` names the part (a clause, a paragraph, "point 4"); ``quote`` keeps the
    words relied on, where they matter. ``key`` is the id the source has in an
    agreement file, so a citation can be written ``plan#4``.

    >>> Source("Comprehensive Plan to End the Gaza Conflict", "The White House").cite()
    'Comprehensive Plan to End the Gaza Conflict, The White House'
    """

    title: str = attrs.field(validator=attrs.validators.min_len(1))
    publisher: str | None = attrs.field(default=None, converter=_optional_text)
    date: dt.date | None = attrs.field(default=None, converter=optional_date)
    url: str | None = attrs.field(default=None, converter=_optional_text)
    locator: str | None = attrs.field(default=None, converter=_optional_text)
    quote: str | None = attrs.field(default=None, converter=_optional_text)
    key: str | None = attrs.field(default=None, converter=_optional_text, eq=False)

    @url.validator
    def _check_url(self, _attribute: attrs.Attribute[str | None], value: str | None) -> None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError(f"url must start with http:// or https://, got {value!r}")

    def cite(self) -> str:
        """One line a reader can follow: title, publisher, date, part, url."""
        parts = [self.title]
        if self.publisher:
            parts.append(self.publisher)
        if self.date:
            parts.append(self.date.isoformat())
        if self.locator:
            parts.append(f"§{self.locator}" if self.locator[0].isdigit() else self.locator)
        if self.url:
            parts.append(self.url)
        return ", ".join(parts)

    def to_dict(self) -> dict[str, str]:
        """JSON-ready mapping with only the fields that are known."""
        out: dict[str, str] = {"title": self.title}
        for name in ("publisher", "url", "locator", "quote"):
            value = getattr(self, name)
            if value:
                out[name] = value
        if self.date:
            out["date"] = self.date.isoformat()
        return out

    def __str__(self) -> str:
        return self.cite()
