"""Safe YAML loading for rule, knowledge-base and config files.

Only PyYAML's safe loader is used (no ``!!python/object`` tags). Alias use is
bounded twice over: a file may use at most MAX_ALIASES aliases, and the data with
every alias expanded may hold at most MAX_NODES nodes, since a few aliases nested
in each other (the "billion laughs") already stand for billions of nodes that a
later walk of the data would visit. A key written twice in one mapping is an
error, not a silent choice of the last value.
"""

from __future__ import annotations

import yaml

from linter.errors import RuleError

MAX_ALIASES = 200
MAX_NODES = 1_000_000
_MERGE = "tag:yaml.org,2002:merge"


# libyaml's parser, where PyYAML was built with it, reads the rule files about ten
# times faster than the pure-Python one (a third of a second at every start); the
# constructor, which is where the checks below live, is Python in both.
_Base = yaml.CSafeLoader if getattr(yaml, "__with_libyaml__", False) else yaml.SafeLoader


class _BoundedLoader(_Base):
    def get_single_node(self):
        # libyaml composes the whole document in C: aliases are counted and
        # measured on the node graph it returns (an alias is a node met again).
        node = super().get_single_node()
        if node is not None:
            uses = _alias_uses(node)
            if uses > MAX_ALIASES:
                raise yaml.YAMLError(f"more than {MAX_ALIASES} YAML aliases")
            if _expanded_size(node, {}) > MAX_NODES:
                raise yaml.YAMLError(f"its aliases expand to more than {MAX_NODES} values (an alias bomb?)")
        return node

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen: set[tuple[str, str]] = set()
            for key_node, _ in node.value:
                if isinstance(key_node, yaml.ScalarNode) and key_node.tag != _MERGE:
                    key = (key_node.tag, key_node.value)
                    if key in seen:
                        raise yaml.constructor.ConstructorError(
                            None, None, f"key {key_node.value!r} appears twice in one mapping", key_node.start_mark
                        )
                    seen.add(key)
        return super().construct_mapping(node, deep)


def _alias_uses(root) -> int:
    """How often a node already met is met again: the alias uses of the document."""
    seen: set[int] = set()
    uses = 0
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            uses += 1
            continue
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                stack.extend((k, v))
    return uses


def _expanded_size(node, sizes: dict[int, int]) -> int:
    """Nodes in the data once every alias is expanded; each shared node is counted
    once per use but measured once, so this is linear in the file."""
    if id(node) in sizes:
        return sizes[id(node)]
    sizes[id(node)] = 1  # a node that contains itself counts once per level (no loop)
    if isinstance(node, yaml.SequenceNode):
        total = 1 + sum(_expanded_size(n, sizes) for n in node.value)
    elif isinstance(node, yaml.MappingNode):
        total = 1 + sum(_expanded_size(k, sizes) + _expanded_size(v, sizes) for k, v in node.value)
    else:
        total = 1
    sizes[id(node)] = min(total, MAX_NODES + 1)
    return sizes[id(node)]


def load_yaml(path: str, text: str | None = None):
    """Parse a YAML file; every failure is a RuleError naming the file (and line)."""
    try:
        if text is None:
            with open(path, encoding="utf-8") as fh:
                text = fh.read()
        return yaml.load(text, Loader=_BoundedLoader)  # a SafeLoader subclass: no Python tags
    except OSError as exc:
        raise RuleError(path, None, None, exc.strerror or str(exc)) from None
    except UnicodeDecodeError as exc:
        raise RuleError(path, None, None, f"not valid UTF-8 at byte {exc.start}") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        raise RuleError(path, None, None, f"{where}YAML error: {problem}") from None
    except yaml.YAMLError as exc:
        raise RuleError(path, None, None, f"YAML error: {exc}") from None
    except RecursionError:
        raise RuleError(path, None, None, "YAML error: nested too deeply") from None
    except (ValueError, OverflowError) as exc:  # a value the safe constructors cannot build: a 5,000-digit number
        raise RuleError(path, None, None, f"YAML error: {exc}") from None
