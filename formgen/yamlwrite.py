"""Writing records back as YAML a clerk can edit (used by ``formgen new-year``).

Keys keep the model's order, Japanese is written as is, texts with line
breaks become literal blocks, and short lists of numbers stay on one line.
Anything that formgen's loader would not read back as the same value is
quoted.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import yaml

from .eras import FiscalYear
from .yamlsource import resolve_plain


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        """Never anchors and aliases (formgen refuses them): a value used twice, such as the new
        fiscal year as the sheet's year and as a key of its figures, is written out twice."""
        return True


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    # PyYAML quotes what YAML 1.1 would misread; formgen reads by its own rules ('1e5' is a number)
    quoted = '"' if not isinstance(resolve_plain(value), str) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=quoted)


def _decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    text = format(value, "f")
    if value == value.to_integral_value() and "." not in text:
        return dumper.represent_int(int(value))
    return dumper.represent_scalar("tag:yaml.org,2002:float", text)


def _list(dumper: yaml.SafeDumper, value: list) -> yaml.SequenceNode:
    flow = bool(value) and len(value) <= 20 and all(isinstance(v, (int, Decimal)) for v in value)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


_Dumper.add_representer(str, _str)
_Dumper.add_representer(Decimal, _decimal)
_Dumper.add_representer(list, _list)
_Dumper.add_representer(FiscalYear, lambda d, v: d.represent_str(v.short))


def dump(data: dict[str, Any]) -> str:
    return yaml.dump(
        data,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        width=2**31 - 1,  # never fold a long text across lines: comments go at line ends
        default_flow_style=False,
        indent=2,
    )
