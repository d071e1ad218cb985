"""What explaining one rule learns, kept across explanations (escdesk.rules.explain uses it).

A board explains the same rules for thousands of fact sets per refresh: the compiled closures of a rule's nodes
and the sentences already said are kept per rule (a policy's RuleDef holds one CompiledNodes), so the work is
done once per distinct case, not once per case.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from escdesk.rules.compiler import Compiled, RefTable, build
from escdesk.rules.leaves import fact_getter
from escdesk.rules.validation import REF

MEMO_LIMIT = 4096  # remembered explanations per rule; past it they are forgotten (minutes and ARR vary freely)
MEMO_LABELS = 8  # label sets (`fields`) remembered per rule: the catalogue's, and one per level for the ladder
_ABSENT = object()


class CompiledNodes:
    """What explaining one rule learns, kept across explanations: a board explains the same rule for thousands of
    fact sets. Belongs to one rule and its refs (a policy's RuleDef holds it).

    - `entries`: the compiled closure of each node (compiling sub-expressions again every time was most of the
      cost); each entry keeps its node alive, so an id can never be reused by another object while it is here.
    - `said`: explanations by the values the rule reads. A validated rule reads the facts only through `var` and
      `missing` with literal paths, so those values decide the sentence; most cases that fire a rule share them
      (the same case type and severity). A rule reading a computed path is never remembered."""

    __slots__ = ("entries", "labels", "readers", "rule", "said", "table")

    def __init__(self) -> None:
        self.entries: dict[int, tuple[Any, Compiled]] = {}
        self.table: RefTable = {}
        self.readers: tuple[Compiled, ...] | None = None  # None: the rule cannot be remembered (or not seen yet)
        self.said: dict[tuple[Any, ...], str] = {}
        self.rule: Any = _ABSENT  # the rule the remembered sentences belong to
        self.labels: dict[int, Any] = {}  # the `fields` objects seen, by id (kept alive: ids stay theirs)

    def closure(self, node: Any, refs: Mapping[str, Any] | None) -> Compiled:
        entry = self.entries.get(id(node))
        if entry is not None and entry[0] is node:
            return entry[1]
        compiled = build(node, refs, self.table)
        self.entries[id(node)] = (node, compiled)
        return compiled

    def memo_key(self, rule: Any, refs: Mapping[str, Any] | None, fields: Any, data: Any) -> tuple[Any, ...] | None:
        """The values `rule` reads from `data`, tagged with their types (1, 1.0 and True read differently); None
        when this explanation cannot be remembered (another rule or labels than the first, an unhashable value)."""
        if self.rule is _ABSENT:
            self.rule = rule
            paths = _paths_read(rule, refs)
            self.readers = None if paths is None else tuple(fact_getter(path, _ABSENT) for path in sorted(paths))
        if self.readers is None or self.rule is not rule:
            return None
        if self.labels.get(id(fields), _ABSENT) is not fields:
            if len(self.labels) >= MEMO_LABELS:
                return None
            self.labels[id(fields)] = fields
        key = (id(fields), *[_tagged(read(data)) for read in self.readers])
        try:
            hash(key)
        except TypeError:  # a mapping where a fact should be: explained afresh
            return None
        return key

    def remember(self, key: tuple[Any, ...], text: str) -> None:
        if len(self.said) >= MEMO_LIMIT:
            self.said.clear()
        self.said[key] = text


def _tagged(value: Any) -> Any:
    if type(value) is list or type(value) is tuple:
        return (list, tuple(_tagged(item) for item in value))
    return (type(value), value)


def _paths_read(rule: Any, refs: Mapping[str, Any] | None) -> set[str] | None:
    """Every literal path the rule (and the named conditions it uses) reads; None when one is computed."""
    paths: set[str] = set()
    stack, seen = [rule], set()
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        if not isinstance(node, dict):
            continue
        op, raw = next(iter(node.items()))
        args = raw if isinstance(raw, list) else [raw]
        if op == REF and refs is not None and args and args[0] not in seen:
            seen.add(args[0])
            stack.append(refs[args[0]])
        elif op == "var":
            if not args or not isinstance(args[0], str) or not args[0]:
                return None
            paths.add(args[0])
            stack.extend(args[1:])
        elif op in ("missing", "missing_some"):
            keys = [k for arg in args for k in (arg if isinstance(arg, list) else [arg])]
            if any(isinstance(k, dict | list) for k in keys):
                return None
            paths.update(k for k in keys if isinstance(k, str))
        else:
            stack.extend(args)
    return paths
