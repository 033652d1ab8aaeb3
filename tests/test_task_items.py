"""One rule for task-list items: what `tool due` counts as an action, the digest shows ticked."""

from __future__ import annotations

import pytest

from tool.digest.markdown import Policy, render
from tool.parse.body import extract, task_box

# (a list item as written, (ticked, its text) or None when it is no action item)
ITEMS = [
    ("- [ ] Send the CV", (False, "Send the CV")),
    ("- [x] Send the CV", (True, "Send the CV")),
    ("- [X]\tSend the CV", (True, "Send the CV")),
    ("- [x]  two spaces", (True, "two spaces")),
    ("- [x] **bold** first", (True, "**bold** first")),
    ("- [x] [a link](https://example.com)", (True, "[a link](https://example.com)")),
    ("- [x]\n  on the next line", (True, "on the next line")),
    ("- [ ]", None),  # a box alone
    ("- [x]`code` without a space", None),
    ("- [y] not a box", None),
    ("- [] not a box", None),
    ("- text [ ] later", None),
    ("- \\[x] escaped", None),
]


@pytest.mark.parametrize(("item", "expected"), ITEMS)
def test_action_items(item, expected):
    _, actions, _ = extract(f"## Notes\n\n{item}\n", 1)
    assert [(a.done, a.text) for a in actions] == ([expected] if expected else [])


@pytest.mark.parametrize(("item", "expected"), ITEMS)
def test_the_digest_ticks_exactly_the_action_items(item, expected):
    html = str(render(item + "\n", Policy(include_private=True)))
    assert ('<li class="task">' in html) == (expected is not None)
    if expected is not None:
        box = "\u2611" if expected[0] else "\u2610"
        assert f'<li class="task">{box} ' in html
        assert "[x]" not in html.casefold() and "[ ]" not in html


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[ ] a", (False, "a")),
        ("[x]", (True, "")),
        ("[ ]\n", (False, "")),
        ("[x]\nnext", (True, "next")),
        ("[x]next", None),
        (" [x] a", (True, "a")),
        ("a [x]", None),
    ],
)
def test_task_box(text, expected):
    assert task_box(text) == expected
