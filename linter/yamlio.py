"""Safe YAML loading for rule, knowledge-base and config files.

Only PyYAML's safe loader is used (no ``!!python/object`` tags), and alias use
is bounded so that an alias-expansion bomb cannot make later walks of the data
explode.
"""

from __future__ import annotations

import yaml

from linter.errors import RuleError

MAX_ALIASES = 200


class _BoundedLoader(yaml.SafeLoader):
    def __init__(self, stream) -> None:
        super().__init__(stream)
        self._aliases = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                mark = self.peek_event().start_mark
                raise yaml.YAMLError(f"line {mark.line + 1}: more than {MAX_ALIASES} YAML aliases")
        return super().compose_node(parent, index)


def load_yaml(path: str, text: str | None = None):
    """Parse a YAML file; every failure is a RuleError naming the file (and line)."""
    try:
        if text is None:
            with open(path, encoding="utf-8") as fh:
                text = fh.read()
        return yaml.load(text, Loader=_BoundedLoader)  # noqa: S506 - a SafeLoader subclass
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
