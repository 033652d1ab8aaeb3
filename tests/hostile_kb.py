"""A hostile knowledge base: every kind of bad input beside a few good files, built in a folder.

Symlinks, a FIFO and names that collide by case cannot live in git, so the KB is built by
`build()` rather than copied. `BAD` names the files `tool validate` must report by path,
`GOOD` the people every reading command must still show.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from robustness import FIXTURES

GOOD_PEOPLE = {"ann-lee": "Ann Lee", "bo-chen": "Bo Chen", "cy-diaz": "Cy Diaz"}

_PERSON = "---\nname: {name}\ncompany: Globex\n---\nNotes.\n"
_LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
    for p, c in zip("abcdefgh", "bcdefghi", strict=True)
)

# relative path -> content; each file here must be reported by `validate` under its path.
BAD: dict[str, str | bytes] = {
    "people/bad-yaml.md": "---\nname: [unclosed\ncompany: {\n---\nBody.\n",
    "people/no-front-matter.md": "Just some notes, no front matter at all.\n",
    "people/binary.md": b"---\nname: \xff\xfe\x00\x01 binary\n---\n\x00\x00\x89PNG\r\n\x1a\n",
    "people/wrong-types.md": "---\nname: [1, 2]\ncompany: {a: b}\ntags: 7\nemail: 12\n---\n",
    "people/laughs.md": f"---\nname: Lol\n{_LAUGHS}---\nBillion laughs.\n",
    "people/deep.md": "---\nname: Deep\nextra: " + "[" * 500 + "]" * 500 + "\n---\n",
    "interviews/2026-01-01-nobody.md": "---\nperson: nobody-at-all\ndate: 2026-13-45\n"
    "status: exploded\n---\n",
    "interviews/not-a-date.md": "---\nperson: ann-lee\ndate: yesterday\n---\n",
}

# Files that are odd but may be fine: processed or skipped, never a crash.
ODD: dict[str, str | bytes] = {
    "people/unknown-keys.md": "---\nname: Una Known\nfavourite_colour: teal\n__proto__: x\n---\n",
    "people/bom.md": "\ufeff---\nname: Bom Person\ncompany: Globex\n---\nBOM.\n",
    "people/crlf.md": "---\r\nname: Crlf Person\r\ncompany: Globex\r\n---\r\nCRLF.\r\n",
    "people/j\u00fcrgen-\u674e.md": _PERSON.format(name="J\u00fcrgen \u674e"),
    "people/with space.md": _PERSON.format(name="With Space"),
    "people/-rf.md": _PERSON.format(name="Leading Dash"),
    "people/--help.md": _PERSON.format(name="Double Dash"),
    "people/.hidden.md": _PERSON.format(name="Hidden Dot"),
    "people/CON.md": _PERSON.format(name="Con Reserved"),
    "people/nul.md": _PERSON.format(name="Nul Reserved"),
    "people/Case.md": _PERSON.format(name="Case Upper"),
    "people/case.md": _PERSON.format(name="Case Lower"),
    "people/html.md": "---\nname: '\"><script>alert(1)</script>'\nlinkedin: 'javascript:alert(1)'\n"
    "---\n<script>alert(1)</script>\n[x](javascript:alert(1))\n<img src=x onerror=alert(1)>\n",
    "people/huge.md": "---\nname: Huge Person\n---\n"
    + ("All work and no play. " * 50 + "\n") * 1000,
    "interviews/2026-02-02-ann-lee.md": "---\nperson: ann-lee\ndate: 2026-02-02\nstatus: done\n"
    "---\n## Insights\n- " + "> " * 300 + "deep quote #x\n" + "- " * 300 + "deep list\n",
    "templates/messages/thank-you.md": "{% for i in range(999999) %}{% for j in range(999999) %}"
    "{{ i }}{% endfor %}{% endfor %}",
    "templates/messages/outreach.md": "{{ ().__class__.__base__.__subclasses__() }}",
    "templates/messages/follow-up.md": "{{ 'x' * 10**9 }}",
    "templates/messages/intro-request.md": "{% for i in range(999999) %}"
    "{{ 'x' * 999 }}{% endfor %}",
    "templates/questions/career.md": "---\ntitle: Loop\npurpose: career\n---\n"
    "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",
}


def build(root: Path) -> Path:
    """Build the hostile KB in root (a new folder) and return it; an `outside/` sits beside it."""
    shutil.copytree(FIXTURES / "basic", root)
    for rel, text in {**BAD, **ODD}.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8", newline="")
    deep = root / "people" / "/".join(f"d{i}" for i in range(40))
    deep.mkdir(parents=True)
    (deep / "nested.md").write_text(_PERSON.format(name="Nested Deep"), encoding="utf-8")
    outside = root.parent / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text(_PERSON.format(name="Outside Secret"), encoding="utf-8")
    (root / "people" / "escape.md").symlink_to(outside / "secret.md")
    (root / "people" / "escape-dir").symlink_to(outside, target_is_directory=True)
    (root / "people" / "loop-a.md").symlink_to("loop-b.md")
    (root / "people" / "loop-b.md").symlink_to("loop-a.md")
    (root / "people" / "loop-dir").symlink_to(".", target_is_directory=True)
    (root / "interviews" / "dangling.md").symlink_to("nowhere.md")
    os.mkfifo(root / "people" / "fifo.md")
    return root
