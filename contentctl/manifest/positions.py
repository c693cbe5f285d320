"""Where things are in a YAML text: a text and a JSON path in, a 1-based (line, column) out.

Used only for files that have something to say, so the fast parse in
``yamlio`` keeps no positions. ``compose_documents(text)`` returns the node
tree of every document once, and ``position(root, path)`` walks down one path
of it: a lookup costs the path's length, not the document's size, so an error
on post 100,001 of one big file is found at its real line. ``node_positions``
maps every path of one small document at once (for ``contentctl.yaml``), and
``locate`` reads such a map. Positions of a path that ends past the data are
those of its deepest prefix that exists.
"""

from __future__ import annotations

from typing import Any

import yaml

from contentctl.manifest.yamlio import MAX_DEPTH, StrictLoader, node_position

KEY = "\x00key"  # path suffix under which node_positions also records a key's own position


def node_positions(text: str, document: int = 0) -> dict[tuple[Any, ...], tuple[int, int]]:
    """Map every JSON path (as a key tuple) of one document to its (line, column).

    Used only for files that have errors: re-composing is cheap (well under a
    millisecond per post) and keeps the hot path free of position tracking.
    """
    found = document_positions(text, last=document)
    return found[document] if document < len(found) else {}


def document_positions(
    text: str, last: int | None = None
) -> list[dict[tuple[Any, ...], tuple[int, int]]]:
    """``node_positions`` of every document (up to ``last``) in one pass over the stream."""
    loader = StrictLoader(text)
    out: list[dict[tuple[Any, ...], tuple[int, int]]] = []
    try:
        while loader.check_node() and (last is None or len(out) <= last):
            node = loader.get_node()
            if node is not None:
                positions: dict[tuple[Any, ...], tuple[int, int]] = {}
                _walk(node, (), positions, 0)
                out.append(positions)
    except yaml.YAMLError:
        pass
    finally:
        loader.dispose()
    return out


def _walk(
    node: yaml.Node,
    path: tuple[Any, ...],
    out: dict[tuple[Any, ...], tuple[int, int]],
    depth: int,
    walked: set[int] | None = None,
) -> None:
    # Each node is walked once: an alias is located where it is used, not expanded
    # again (so no alias bomb), and no node count cuts a big file's positions short.
    walked = set() if walked is None else walked
    if depth > MAX_DEPTH:
        return
    out.setdefault(path, node_position(node))
    if id(node) in walked:
        return
    walked.add(id(node))
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            key = k.value if isinstance(k, yaml.ScalarNode) else str(k)
            out.setdefault((*path, key), node_position(k))
            out.setdefault((*path, key, KEY), node_position(k))
            _walk(v, (*path, key), out, depth + 1, walked)
            # a scalar's own position points at the value; a container's at its key line
            out[(*path, key)] = (
                node_position(k) if not isinstance(v, yaml.ScalarNode) else node_position(v)
            )
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, (*path, i), out, depth + 1, walked)


def locate(
    positions: dict[tuple[Any, ...], tuple[int, int]], path: tuple[Any, ...]
) -> tuple[int, int]:
    """Position of the deepest known prefix of ``path`` (schema paths can end past the data)."""
    for end in range(len(path), -1, -1):
        pos = positions.get(path[:end])
        if pos is not None:
            return pos
    return 1, 1


def compose_documents(text: str) -> list[yaml.Node]:
    """The node tree of each document of ``text`` (those before a syntax error, if any)."""
    loader = StrictLoader(text)
    roots: list[yaml.Node] = []
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is not None:
                roots.append(node)
    except (yaml.YAMLError, RecursionError):
        pass
    finally:
        loader.dispose()
    return roots


def position(root: yaml.Node, path: tuple[Any, ...], *, key: bool = False) -> tuple[int, int]:
    """Where ``path`` is written under ``root``, as ``locate(node_positions(...), path)``
    would say; with ``key``, a mapping entry's key rather than its value."""
    node, here = root, node_position(root)
    key_here: tuple[int, int] | None = None
    for part in path:
        key_here = None
        if isinstance(node, yaml.MappingNode):
            pair = next(
                (
                    (k, v)
                    for k, v in node.value
                    if isinstance(k, yaml.ScalarNode) and k.value == part
                ),
                None,
            )
            if pair is None:
                break
            k, node = pair
            key_here = node_position(k)
            # a scalar's own position points at the value; a container's at its key line
            here = node_position(node) if isinstance(node, yaml.ScalarNode) else key_here
        elif (
            isinstance(node, yaml.SequenceNode)
            and isinstance(part, int)
            and 0 <= part < len(node.value)
        ):
            node = node.value[part]
            here = node_position(node)
        else:
            break
    else:
        if key and key_here is not None:
            return key_here
    return here
