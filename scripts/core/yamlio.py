"""Load YAML with YAML 1.2 rules, as OpenAPI 3.1 and Overlay 1.0 documents are written.

PyYAML follows YAML 1.1, where unquoted `no`, `on` or `y` are booleans: the pages' language enum
(`- no`, Norwegian) would load as `false`. ruamel.yaml's pure-Python safe loader follows 1.2.
Timestamps stay strings, as in the JSON form of the same document.
"""

from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.constructor import SafeConstructor
from ruamel.yaml.error import YAMLError

__all__ = ["YAMLError", "load_yaml"]


class _JsonCompatibleConstructor(SafeConstructor):
    """The safe constructor, but `2026-08-18` loads as the string it is in JSON."""


_JsonCompatibleConstructor.add_constructor("tag:yaml.org,2002:timestamp", SafeConstructor.construct_yaml_str)


def load_yaml(text: str) -> Any:
    """Parse one YAML 1.2 document into plain dicts, lists and scalars."""
    yaml = YAML(typ="safe", pure=True)
    yaml.Constructor = _JsonCompatibleConstructor
    return yaml.load(text)
