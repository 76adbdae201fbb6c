"""Safe YAML reading with limits, keeping line numbers for error messages.

Only PyYAML's safe loader is used (no tags that build Python objects). On top of it:
a size limit, a nesting limit and an alias limit (so "billion laughs" files fail fast),
and mappings/lists that remember the line they started on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from truce.errors import LoadError, Problem
from truce.limits import DEFAULT_LIMITS, Limits

if TYPE_CHECKING:
    import yaml

# PyYAML is imported where a file is parsed, not when truce is: its import costs more than
# the rest of ``truce blockers`` (see truce._bundled, which spares bundled data the parse).


class LineDict(dict[Any, Any]):
    """A mapping from a file, remembering its first line (1-based) for error messages."""

    line: int | None = None


class LineList(list[Any]):
    """A list from a file, remembering its first line (1-based)."""

    line: int | None = None


def _base() -> type[yaml.SafeLoader]:
    """A safe loader class: libyaml's event parser under the Python composer, if libyaml is there."""
    import yaml

    try:
        from yaml._yaml import CParser
    except ImportError:  # PyYAML built without libyaml
        return yaml.SafeLoader
    from yaml.composer import Composer
    from yaml.constructor import SafeConstructor
    from yaml.resolver import Resolver

    class Fast(Composer, CParser, SafeConstructor, Resolver):
        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)
            Composer.__init__(self)

    return Fast  # type: ignore[return-value]


def _loader(path: str, max_depth: int, max_aliases: int, max_nodes: int) -> type[yaml.SafeLoader]:
    import yaml

    # Not CSafeLoader: libyaml composes nodes in C, where the node, depth and alias checks
    # below would never run. libyaml's parser (events only, no recursion) under PyYAML's
    # Python composer keeps every check and reads two to three times faster than the
    # pure-Python loader, which stays the fallback where libyaml is missing.
    class Loader(_base()):  # type: ignore[misc]
        aliases = 0
        nodes = 0

        def compose_node(self, parent: Any, index: Any) -> Any:
            # counted as they are composed, so a long list is refused while it is read,
            # not after (_check_size then counts aliased subtrees once expanded)
            Loader.nodes += 1
            if Loader.nodes > max_nodes:
                mark = self.peek_event().start_mark
                raise LoadError([Problem(f"more than {max_nodes} YAML nodes", path=path, line=mark.line + 1)])
            if self.check_event(yaml.AliasEvent):
                Loader.aliases += 1
                if Loader.aliases > max_aliases:
                    raise LoadError([Problem(f"more than {max_aliases} YAML aliases", path=path)])
            depth = getattr(self, "_truce_depth", 0)
            if depth > max_depth:
                mark = self.peek_event().start_mark
                raise LoadError([Problem(f"nested deeper than {max_depth} levels", path=path, line=mark.line + 1)])
            self._truce_depth = depth + 1
            try:
                return super().compose_node(parent, index)
            finally:
                self._truce_depth = depth

    _add_constructors(Loader, path)
    return Loader


def _add_constructors(loader_class: Any, path: str) -> None:
    def construct_map(loader: yaml.SafeLoader, node: yaml.MappingNode) -> LineDict:
        data = LineDict()
        data.line = node.start_mark.line + 1
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str | int | float | bool) and key is not None:
                raise LoadError(
                    [Problem("mapping keys must be plain text", path=path, line=key_node.start_mark.line + 1)]
                )
            if key in data:
                raise LoadError([Problem(f"duplicate key {key!r}", path=path, line=key_node.start_mark.line + 1)])
            data[key] = loader.construct_object(value_node, deep=True)
        return data

    def construct_seq(loader: yaml.SafeLoader, node: yaml.SequenceNode) -> LineList:
        data = LineList(loader.construct_object(child, deep=True) for child in node.value)
        data.line = node.start_mark.line + 1
        return data

    def construct_timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> str:
        # Dates stay text here and are parsed where their field is known, so a bad date
        # is reported as "in_force: '2025-04-31' is not a date" with its line.
        return str(loader.construct_scalar(node))

    loader_class.add_constructor("tag:yaml.org,2002:timestamp", construct_timestamp)
    loader_class.add_constructor("tag:yaml.org,2002:map", construct_map)
    loader_class.add_constructor("tag:yaml.org,2002:seq", construct_seq)


def _trusted_loader(path: str) -> Any:
    """libyaml's C loader, for truce's own package data only (no limits needed, ten times faster)."""
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Trusted(base):  # type: ignore[misc, valid-type]
        pass

    _add_constructors(Trusted, path)
    return Trusted


def _check_size(node: yaml.Node, limits: Limits, path: str) -> None:
    """Refuse documents that expand past ``max_nodes`` (alias bombs) or hold huge strings.

    Memoised by node, so a shared (aliased) subtree is measured once: linear in the file.
    """
    import yaml

    memo: dict[int, int] = {}

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in memo:
            return memo[key]
        memo[key] = 1  # a recursive alias counts once instead of looping forever
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(size(child) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            total += sum(size(k) + size(v) for k, v in node.value)
        elif isinstance(node, yaml.ScalarNode):
            if len(node.value) > limits.max_scalar:
                raise LoadError(
                    [Problem(f"a value of {len(node.value)} characters; the limit is {limits.max_scalar}", path=path,
                             line=node.start_mark.line + 1)]
                )  # fmt: skip
            if not node.value.isascii() and _lone_surrogate(node.value):
                raise LoadError(
                    [Problem("text with a lone surrogate (\\ud800-\\udfff)", path=path, line=node.start_mark.line + 1)]
                )
        memo[key] = min(total, limits.max_nodes + 1)
        return memo[key]

    if size(node) > limits.max_nodes:
        raise LoadError([Problem(f"expands to more than {limits.max_nodes} nodes (YAML alias bomb?)", path=path)])


def _lone_surrogate(text: str) -> bool:
    """True if ``text`` holds a lone surrogate (from a ``"\\ud800"`` escape): it cannot be written as UTF-8."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def decode(text: str | bytes, *, path: str, max_bytes: int) -> str:
    """The file's text, refusing files over ``max_bytes`` and bytes that are not UTF-8."""
    if len(text) > max_bytes:
        raise LoadError([Problem(f"file is {len(text)} bytes; the limit is {max_bytes}", path=path)])
    if isinstance(text, bytes):
        try:
            return text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise LoadError([Problem(f"not UTF-8 text (byte {exc.start})", path=path)]) from None
    return text


def read_yaml(
    text: str | bytes,
    *,
    path: str,
    limits: Limits = DEFAULT_LIMITS,
    max_bytes: int | None = None,
    trusted: bool = False,
) -> Any:
    """Parse one YAML document safely; every failure is a :class:`LoadError` naming ``path``.

    ``trusted`` is for truce's own package data: still the safe loader, but libyaml's fast
    one, without the depth and alias checks that only hostile files need.
    """
    import yaml

    text = decode(text, path=path, max_bytes=limits.max_bytes if max_bytes is None else max_bytes)
    if "\x00" in text:
        raise LoadError([Problem("binary data (NUL byte) in a text file", path=path)])
    loader = None
    try:
        # constructing the loader already reads (and may refuse) the first characters
        if trusted:
            loader = _trusted_loader(path)(text)
            return loader.get_single_data()
        loader = _loader(path, limits.max_depth, limits.max_aliases, limits.max_nodes)(text)
        node = loader.get_single_node()
        if node is None:
            return None
        _check_size(node, limits, path)
        return loader.construct_document(node)
    except LoadError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise LoadError([Problem(f"malformed YAML: {exc.problem or exc.context}", path=path, line=line)]) from None
    except (yaml.YAMLError, RecursionError, ValueError, TypeError, OverflowError) as exc:
        raise LoadError([Problem(f"malformed YAML: {type(exc).__name__}: {exc}", path=path)]) from None
    finally:
        if loader is not None:
            loader.dispose()
