"""JSON output is json.dumps with an indent of two, byte for byte, however it is encoded."""

from __future__ import annotations

import json

import pytest

from tool.cli.common import indented_json

VALUES = [
    [],
    {},
    "plain",
    3,
    None,
    [1, 2.5, True, None, "x"],
    {"a": 1, "b": [], "c": {}, "d": [1, [2, [3, {}]]], "e": "Zoë \u2028 \x00 \x7f \ud800"},
    [{"id": "a", "tags": ["x", "y"], "n": {"deep": [{"k": float("nan")}]}, "z": -0.0}],
    {1: "int key", 2.5: "float key", False: "bool key", None: "none key", "s": ("tu", "ple")},
    [[[]], [{}], [[], {}], {"": ""}],
    [float("inf"), -float("inf"), 1e300, 10**30],
]


@pytest.mark.parametrize("value", VALUES, ids=range(len(VALUES)))
def test_indented_json_is_json_dumps_with_an_indent(value):
    assert indented_json(value) == json.dumps(value, indent=2, ensure_ascii=False)


def test_values_json_cannot_encode_fail_as_json_dumps_does():
    with pytest.raises(TypeError):
        indented_json([{"a": object()}])
