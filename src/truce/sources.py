"""Citations: every bundled fact points at a :class:`Source` a reader can check.

A source also says what *kind* of publication it is, because a fact read on a mirror of
someone else's report is weaker than the same fact read at its publisher: see
:class:`SourceKind`, and :func:`truce.provenance.copy_only`, which finds the recorded facts
that rest on a copy alone.
"""

from __future__ import annotations

import datetime as dt
import enum

import attrs

from truce.dates import optional_date

__all__ = ["Source", "SourceKind"]


class SourceKind(enum.StrEnum):
    """What kind of publication a source is, from strongest to weakest evidence.

    * ``primary``: the text or statement of a party, government, UN body, mediator or the
      ICRC, read where it publishes it;
    * ``wire``: a news agency's report (Reuters, AP, AFP, ...), on its own site or carried
      by a news outlet of known identity that names the agency;
    * ``outlet``: a named news organisation reporting under its own name (partisan or
      state outlets included: the publisher line names the slant), or a learned society;
    * ``copy``: someone else's material on a site that is not its publisher (a mirror,
      repost, translation, aggregator, blog or encyclopedia summary); the publisher line
      names the original where it is known.
    """

    PRIMARY = "primary"
    WIRE = "wire"
    OUTLET = "outlet"
    COPY = "copy"


def _optional_kind(value: object) -> SourceKind | None:
    return None if value is None else SourceKind(str(value))


def _optional_text(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


@attrs.frozen
class Source:
    """A published source: who said it, when, where to read it, and which part.

    ``locator`` names the part (a clause, a paragraph, "point 4"); ``quote`` keeps the
    words relied on, where they matter. ``kind`` is the :class:`SourceKind` (None when
    not classified). ``key`` is the id the source has in an agreement file, so a citation
    can be written ``plan#4``.

    >>> Source("Comprehensive Plan to End the Gaza Conflict", "The White House").cite()
    'Comprehensive Plan to End the Gaza Conflict, The White House'
    """

    title: str = attrs.field(validator=attrs.validators.min_len(1))
    publisher: str | None = attrs.field(default=None, converter=_optional_text)
    date: dt.date | None = attrs.field(default=None, converter=optional_date)
    url: str | None = attrs.field(default=None, converter=_optional_text)
    locator: str | None = attrs.field(default=None, converter=_optional_text)
    quote: str | None = attrs.field(default=None, converter=_optional_text)
    kind: SourceKind | None = attrs.field(default=None, converter=_optional_kind)
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
        if self.kind:
            out["kind"] = str(self.kind)
        return out

    def __str__(self) -> str:
        return self.cite()
