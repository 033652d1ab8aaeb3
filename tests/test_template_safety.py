"""Templates are untrusted: sandbox, strict variables, confined loading, runaway limits."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from conftest import run, write

import tool
from tool.errors import TemplateProblem
from tool.templating import engine as render

ENDLESS = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
SOURCE = Path(tool.__file__).resolve().parent.parent  # this checkout, first on the path


@pytest.fixture
def root(make_kb):
    return make_kb("prepare")


def questions_from(root, body):
    """Run `tool questions bo` with a question set whose body is `body`."""
    write(root / "templates/questions/x.md", body)
    return run("questions", "bo", "--template", "x", "--on", "2026-03-20", "--root", root)


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("lipsum.__globals__", "access to attribute '__globals__' of 'function' object is unsafe."),
        ("''.__class__.__mro__", "access to attribute '__class__' of 'str' object is unsafe."),
        (
            "cycler.__init__.__globals__",
            "access to attribute '__init__' of 'type' object is unsafe.",
        ),
        ("person.__class__", "access to attribute '__class__' of 'Person' object is unsafe."),
        (
            "joiner.__init__.__globals__.os",
            "access to attribute '__init__' of 'type' object is unsafe.",
        ),
    ],
)
def test_sandbox_escapes_are_errors_with_file_and_line(root, expression, message):
    result = questions_from(root, "---\ntitle: X\n---\n1. Fine?\n1. {{ " + expression + " }}\n")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: templates/questions/x.md:5: not allowed in a template: {message}\n"
    )


@pytest.mark.parametrize(
    ("body", "line", "message"),
    [
        ("1. {{ persn.name }}?\n", 1, "undefined variable: 'persn' is undefined"),
        (
            "1. A?\n\n1. {{ person.nickname }}?\n",
            3,
            "undefined variable: 'tool.model.Person object' has no attribute 'nickname'",
        ),
        ("1. {{ me.phone }}?\n", 1, "undefined variable: 'dict object' has no attribute 'phone'"),
        ("1. A?\n{% if person.role %}\n1. B?\n", 3, "Unexpected end of template."),
        ("1. {{ 1 / 0 }}?\n", 1, "division by zero"),
    ],
)
def test_template_mistakes_name_the_line(root, body, line, message):
    result = questions_from(root, body)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: templates/questions/x.md:{line}: {message}")


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        ('{% include "../../people/bo.md" %}', "template name '../../people/bo.md' is not allowed"),
        ('{% extends "../tool.toml" %}', "template name '../tool.toml' is not allowed"),
        ('{% include "/etc/passwd" %}', "template name '/etc/passwd' is not allowed"),
        (
            '{% include "questions/link.md" %}',
            "template 'questions/link.md' points outside templates/; refused",
        ),
        ('{% include "a" * 300 %}', "a template name of 300 characters is not allowed"),
    ],
)
def test_include_and_extends_stay_inside_templates(root, tmp_path, statement, message):
    write(tmp_path / "secret.md", "1. secret?\n")
    (root / "templates/questions").mkdir(parents=True)
    (root / "templates/questions/link.md").symlink_to(tmp_path / "secret.md")
    result = questions_from(root, "1. Fine?\n" + statement + "\n")
    assert result.exit_code == 1
    assert result.stderr == f"Error: templates/questions/x.md:2: {message}\n"
    assert "secret" not in result.stdout


def test_a_set_that_is_a_symlink_leaving_templates_is_refused(root, tmp_path):
    write(tmp_path / "secret.md", "1. secret?\n")
    (root / "templates/questions").mkdir(parents=True)
    (root / "templates/questions/link.md").symlink_to(tmp_path / "secret.md")
    result = run("questions", "bo", "--template", "link", "--root", root)
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: template 'questions/link.md' points outside templates/; refused\n"
    )


def test_include_inside_templates_works(root):
    write(root / "templates/common.md", "1. Shared, {{ person.name }}?\n")
    result = questions_from(root, '{% include "common.md" %}1. Own?\n')
    assert result.stdout == "1. Shared, Bo?\n2. Own?\n"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("{{ 'x' * 300000 }}", "a value of more than 200,000 characters or items"),
        ("{{ [1, 2] * 100001 }}", "a value of more than 200,000 characters or items"),
        ("{{ 'x'.ljust(1000000000) }}", "the number 1000000000 is too large for a template"),
        ("{{ 'x' | center(1000000000) }}", "the number 1000000000 is too large for a template"),
        ("{{ '%999999999d' % 1 }}", "a value of more than 200,000 characters or items"),
        ("{{ '{:>999999999}'.format(1) }}", "a value of more than 200,000 characters or items"),
        ("{{ 10 ** 10 ** 10 }}", "the number 10000000000 is too large for a template"),
        (
            "{% set ns = namespace(s='xx') %}{% for i in range(40) %}"
            "{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
            "a value of more than 200,000 characters or items",
        ),
        (
            "{% for i in range(100000) %}{{ 'abcdefghij' }}{% endfor %}",
            "output is larger than 200,000 characters",
        ),
        ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", "templates call themselves too deeply"),
        ("{{ range(10000000) | list }}", "Range too big."),
    ],
)
def test_runaway_templates_are_stopped(root, body, message):
    result = questions_from(root, "1. Fine?\n" + body + "\n")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: templates/questions/x.md:2: ")
    assert message in result.stderr


# Templates that would allocate far more than the limits, most of them gigabytes, before
# the size of what they built was looked at. They run in one child process whose address
# space is capped a little above what it already uses: a regression fails there with
# MemoryError instead of taking this machine's memory.
BIG = '{% set b = "x" * 199999 %}'  # a text just under the limit
SIZE = "a value of more than 200,000 characters or items"
RUNAWAYS = [
    # printf-style formats: widths and precisions, given in the text or as arguments
    ('{{ "%*d" % (999999999, 1) }}', SIZE),
    ('{{ "%.*f" % (999999999, 1.0) }}', SIZE),
    ('{{ "%0999999999d" % 1 }}', SIZE),
    ('{{ "%.999999999d" % 1 }}', SIZE),
    ('{{ "%(name)999999999s" % {"name": "v"} }}', SIZE),
    ('{{ ("%999999d" * 200) % ((1,) * 200) }}', SIZE),
    ('{{ ("%s" * 1000) % (("x" * 199999,) * 1000) }}', SIZE),
    ('{{ ("%(a)s" * 1000) % {"a": "x" * 199999} }}', SIZE),
    ('{{ ("%*d" * 20) | format(*([9999999, 1] * 20)) }}', SIZE),
    (BIG + '{{ ("<b>%s</b>" | safe) % ([b] * 600,) }}', SIZE),
    # str.format and format_map, nested widths included
    ('{{ "{:999999999}".format(1) }}', SIZE),
    ('{{ "{:.999999999f}".format(1.0) }}', SIZE),
    ('{{ ("{:{w}}" * 20).format(*range(20), w=9999999) }}', SIZE),
    ('{{ ("{x:{w}}" * 20).format_map({"x": 1, "w": 9999999}) }}', SIZE),
    ('{{ ("{0}" * 1000).format("x" * 199999) }}', SIZE),
    (BIG + '{{ "{!r}".format([b] * 600) }}', SIZE),
    ('{{ ("{:" ~ "%099999Y" * 20000 ~ "}").format(today) }}', SIZE),
    # repetition, either way round, and what padding or joining builds from few characters
    ('{{ "😀" * 9999999 }}', SIZE),
    ('{{ 9999999 * ["x"] }}', SIZE),
    ('{{ "😀".ljust(9999999) }}', SIZE),
    ('{{ "😀".center(9999999) }}', SIZE),
    ('{{ "😀".rjust(9999999, "😀") }}', SIZE),
    ('{{ "😀".zfill(9999999) }}', SIZE),
    ('{{ "😀" | center(9999999) }}', SIZE),
    ('{{ ("\\t" * 100).expandtabs(9999999) }}', SIZE),
    ('{{ ("a" * 100000).replace("a", "😀" * 1000) }}', SIZE),
    ('{{ ("a" * 100000) | replace("a", "😀" * 1000) }}', SIZE),
    ('{{ ("😀" * 1000).join(["a"] * 100000) }}', SIZE),
    ('{{ (["ab"] * 100000) | join("x" * 100000) }}', SIZE),
    ('{{ ("a" * 100000).translate({97: "😀" * 1000}) }}', SIZE),
    ('{{ ("x\\n" * 1000) | indent(9999999) }}', SIZE),
    ('{{ ("x\\n" * 1000) | indent("😀" * 100000) }}', SIZE),
    ('{{ ("a b " * 50000) | wordwrap(1, wrapstring="😀" * 100000) }}', SIZE),
    ('{{ ("http://example.com " * 10000) | urlize(target="x" * 10000) }}', SIZE),
    ("{{ (range(1000) | list) | tojson(indent=9999999) }}", SIZE),
    ('{{ {"k" * 1000: "a " * 50000} | pprint }}', SIZE),
    ("{{ ([range(100000) | list] * 1000) | sum(start=[]) | length }}", SIZE),
    ('{{ [1] | batch(9999999, fill_with="x") | list }}', SIZE),
    ("{{ [1] | slice(9999999) | list }}", SIZE),
    ('{{ today.strftime("%0999999Y" * 20000) }}', SIZE),
    ("{{ lipsum(9999999) }}", SIZE),
    # one large text written many times over, by a list, a join of parts or a block
    (BIG + "{{ [b] * 1000 }}", SIZE),
    (BIG + "{{ ([b] * 1000) ~ '' }}", SIZE),
    (BIG + "{{ ([b] * 1000) | string }}", SIZE),
    (BIG + "{{ [" + ", ".join(["b"] * 600) + "] }}", SIZE),
    (BIG + "{{ " + " ~ ".join(["b"] * 600) + " }}", SIZE),
    (
        BIG + "{% macro m() %}{{ varargs }}{% endmacro %}{{ m(" + ", ".join(["b"] * 600) + ") }}",
        SIZE,
    ),
    (
        BIG + "{% macro m() %}{% for i in range(1000) %}{{ b }}{% endfor %}{% endmacro %}{{ m() }}",
        SIZE,
    ),
    (BIG + "{% set s %}{% for i in range(1000) %}{{ b }}{% endfor %}{% endset %}{{ s }}", SIZE),
    (
        BIG + "{% set l = [] %}{% for i in range(600) %}{{ l.append(b) or '' }}{% endfor %}{{ l }}",
        SIZE,
    ),
    (BIG + "{{ {}.fromkeys(range(100000), b) }}", SIZE),
    (BIG + "{{ [1].index((b,) * 600) }}", SIZE),
    (
        "{% set ns = namespace(s='') %}{% set l = [ns] * 100000 %}"
        "{% set ns.s = 'x' * 199999 %}{{ l }}",
        SIZE,
    ),
    ('{% include ["a" * 200] * 100000 %}', SIZE),
    # many values each under the limit
    (
        '{{ range(100000) | map("string") | map("center", 199999) | list | length }}',
        "the template built more than 2,000,000 characters or items in all",
    ),
]

CHILD = """
import json, resource, sys
from datetime import date
from pathlib import Path
from tool.templating import engine as render
from tool.errors import TemplateProblem

folder, cases = Path(sys.argv[1]), json.loads(sys.argv[2])
env = render.make_env(folder)
for number, body in enumerate(cases):
    (folder / f"{number}.md").write_text(body, encoding="utf-8")
used = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmSize:"))
room = used * 1024 + int(sys.argv[3])
resource.setrlimit(resource.RLIMIT_AS, (room, room))
results = []
for number in range(len(cases)):
    try:
        out = render.render(env, f"{number}.md", {"today": date(2026, 1, 15)})
        results.append("rendered " + out[:40])
    except TemplateProblem as exc:
        results.append(f"{exc.line}: {exc.message}")
    except MemoryError:
        results.append("MemoryError")
print(json.dumps(results))
"""


def in_child(tmp: Path, cases: list[str], room: int = 32 * 2**20) -> list[str]:
    """Render each template in a child process with only `room` bytes more address space."""
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(tmp), json.dumps(cases), str(room)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(SOURCE)},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def stopped(tmp_path_factory) -> dict[str, str]:
    bodies = [body for body, _ in RUNAWAYS]
    return dict(zip(bodies, in_child(tmp_path_factory.mktemp("runaways"), bodies), strict=True))


needs_proc = pytest.mark.skipif(
    not Path("/proc/self/status").exists(), reason="measures address space from /proc"
)


@needs_proc
@pytest.mark.parametrize(("body", "message"), RUNAWAYS)
def test_runaways_are_stopped_before_they_allocate(stopped, body, message):
    assert stopped[body] == f"1: template stopped: {message}"


@needs_proc
def test_a_width_given_as_an_argument_is_a_clean_error(root):
    write(root / "templates/questions/x.md", '1. Fine?\n1. {{ "%*d" % (999999999, 1) }}\n')

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2**29, 2**29))  # half a gigabyte

    result = subprocess.run(
        [sys.executable, "-m", "tool", "questions", "bo", "--template", "x", "--root", root],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(SOURCE)},
        preexec_fn=limit,
        check=False,
    )
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (f"Error: templates/questions/x.md:2: template stopped: {SIZE}\n")


def test_ordinary_values_pass_the_limits(root):
    body = (
        "1. {{ 'ab' * 3 }} {{ 2 * 'c' }} {{ today.toordinal() }} {{ '%5d' % 42 }} "
        "{{ '{:>3}'.format(7) }} {{ 2 ** 10 }}?\n"
    )
    assert questions_from(root, body).stdout == "1. ababab cc 739695    42   7 1024?\n"


@pytest.mark.parametrize(
    ("body", "output"),
    [
        ('{{ "%-4s|%05d|%.2f|%x|%%" % ("a", 42, 3.14159, 255) }}', "a   |00042|3.14|ff|%"),
        ('{{ "%(n)s is %(age)d" % {"n": "Bo", "age": 40} }}', "Bo is 40"),
        ('{{ "%*d|%.*f" % (4, 7, 1, 2.25) }}', "   7|2.2"),
        ('{{ "%s and %s" | format("a", "b") }}', "a and b"),
        ('{{ "{:>6}|{:<3}|{:^7.2f}|{:,}".format("a", 1, 3.14159, 1234567) }}',
         "     a|1  | 3.14  |1,234,567"),
        ('{{ "{x:{w}}|{!r}".format("q", x=1, w=3) }}', "  1|'q'"),
        ('{{ "{a}-{b}".format_map({"a": 1, "b": 2}) }}', "1-2"),
        ('{{ "{:%d %B %Y}".format(today) }} {{ today.strftime("%Y") }}', "20 March 2026 2026"),
        ("{{ 'x'.center(5) }}|{{ 'x'.ljust(3, '.') }}|{{ '7'.zfill(3) }}", "  x  |x..|007"),
        ("{{ 'a\\tb'.expandtabs(4) }}|{{ 'a-b'.replace('-', '+') }}", "a   b|a+b"),
        ("{{ ', '.join(['a', 'b']) }}|{{ ['a', 'b'] | join('/') }}", "a, b|a/b"),
        ('{{ [{"n": "a"}, {"n": "b"}] | join(", ", attribute="n") }}', "a, b"),
        ("{{ 'a\\nb' | indent(2, true) }}|{{ 'x' | center(3) }}|", "  a\n  b| x |"),
        ("{{ 'aaa bbb' | wordwrap(3) }}", "aaa\nbbb"),
        ("{{ 'a-b' | replace('-', '--') }}|{{ 'abc' | truncate(3, true, '', 0) }}", "a--b|abc"),
        ("{{ [1, 2] + [3] }} {{ 'a' ~ 1 ~ none }} {{ [[1], [2]] | sum(start=[]) }}",
         "[1, 2, 3] a1None [1, 2]"),
        ('{{ {"a": [1, "<"]} | tojson }} {{ {"a": 1} | pprint }}',
         '{"a": [1, "\\u003c"]} {\'a\': 1}'),
        ("{{ [1, 2, 3] | batch(2, 0) | list }} {{ [1, 2, 3] | slice(2) | list }}",
         "[[1, 2], [3, 0]] [[1, 2], [3]]"),
        ("{% set ns = namespace(l=[]) %}{% for i in range(3) %}{% set ns.l = ns.l + [i] %}"
         "{% endfor %}{{ ns.l }} {{ ns }}", "[0, 1, 2] <namespace>"),
        ("{% macro m(x) %}<{{ x }}>{% endmacro %}{% set s %}{{ m(1) }}{% endset %}{{ s ~ m(2) }}",
         "<1><2>"),
    ],
)  # fmt: skip
def test_ordinary_formats_and_joins_are_untouched(tmp_path, body, output):
    write(tmp_path / "t/x.md", body)
    out = render.render(render.make_env(tmp_path / "t"), "x.md", {"today": date(2026, 3, 20)})
    assert out == output


@needs_proc
@pytest.mark.parametrize(
    ("body", "start"),
    [
        (BIG + "{{ {}[(b,) * 600] }}", "1: undefined variable: dict object has no element ('xx"),
        (BIG + "{{ {}.pop((b,) * 600) }}", "1: ('xx"),
    ],
)
def test_error_messages_stay_short_whatever_was_looked_up(tmp_path, body, start):
    [message] = in_child(tmp_path, [body])
    assert message.startswith(start)
    assert len(message) < 300  # not the 120 MB of the key written out


def test_filters_added_later_are_limited_too(tmp_path):
    env = render.make_env(tmp_path / "t")
    env.filters["times"] = lambda text, count: text * count
    write(tmp_path / "t/x.md", "{% set y = 'x' | times(300000) %}{{ y | length }}")
    with pytest.raises(TemplateProblem) as raised:
        render.render(env, "x.md", {}, tmp_path / "t")
    assert str(raised.value) == (
        "x.md:1: template stopped: a value of more than 200,000 characters or items"
    )


def test_running_out_of_memory_is_a_clean_error(tmp_path):
    def boom() -> None:
        raise MemoryError

    write(tmp_path / "t/x.md", "ok\n{{ boom() }}")
    with pytest.raises(TemplateProblem) as raised:
        render.render(render.make_env(tmp_path / "t"), "x.md", {"boom": boom}, tmp_path / "t")
    assert str(raised.value) == "x.md:2: template stopped: out of memory"


def test_an_endless_loop_is_stopped_by_the_time_limit(root, monkeypatch):
    monkeypatch.setattr(render, "TIME_LIMIT", 0.2)
    monkeypatch.setattr(render.limits, "MAX_STEPS", 10**12)  # the clock, not the count, stops it
    result = questions_from(root, "1. Fine?\n" + ENDLESS + "\n")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: templates/questions/x.md:2: template stopped: "
        "rendering took more than 0.2 seconds (an endless loop?)\n"
    )


def test_the_clock_stops_a_loop_of_few_slow_turns(root, monkeypatch):
    monkeypatch.setattr(render, "TIME_LIMIT", 0.2)
    slow = (
        "{% set a = range(100000) | list %}{% set b = range(100000) | list %}"
        "{% for i in range(400) %}{% for j in range(400) %}{% if a == b %}{% endif %}"
        "{% endfor %}{% endfor %}"
    )
    result = questions_from(root, "1. Fine?\n" + slow + "\n")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "Error: templates/questions/x.md:2: template stopped: "
        "rendering took more than 0.2 seconds (an endless loop?)\n"
    )


# Each with front matter where the command reads it: bo's conversations have no purpose.
TIMED = "---\ntitle: Endless\npurpose: other\n---\n" + ENDLESS + "\n"


@pytest.mark.parametrize(
    ("template", "args", "where"),
    [
        ("questions/general.md", ["questions", "bo"], "templates/questions/general.md:5"),
        ("questions/general.md", ["brief", "bo"], "templates/questions/general.md:5"),
        ("messages/outreach.md", ["draft", "outreach", "bo"], "templates/messages/outreach.md:5"),
        ("person.md", ["new", "person", "Al Bo"], "templates/person.md:2"),
        ("interview.md", ["new", "interview", "bo"], "templates/interview.md:2"),
    ],
)
def test_interactive_commands_stop_templates_by_the_clock(root, monkeypatch, template, args, where):
    monkeypatch.setattr(render, "TIME_LIMIT", 0.2)
    monkeypatch.setattr(render.limits, "MAX_STEPS", 10**12)
    write(root / "templates" / template, TIMED if "/" in template else "---\n" + ENDLESS + "\n")
    result = run(*args, "--root", root)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"Error: {where}: template stopped: rendering took more than 0.2 seconds"
        " (an endless loop?)\n"
    )


def test_validate_stops_an_endless_set_by_its_count_not_the_clock(root, monkeypatch):
    monkeypatch.setattr(render, "TIME_LIMIT", 0.001)
    monkeypatch.setattr(render.limits, "MAX_STEPS", 100_000)
    write(root / "templates/questions/x.md", "1. Fine?\n" + ENDLESS + "\n")
    result = run("validate", "--root", root)
    assert result.exit_code == 1
    assert (
        "templates/questions/x.md:2:1: error: template stopped: more than 100,000 loop turns"
        " and calls (an endless loop?)"
    ) in result.stdout


# Loops and recursion that would run for hours; `xs` is range(100000), and the line is
# where the step over the limit is taken. Nothing is written: output is limited apart.
RUNAWAY_LOOPS = {
    "nested loops": ("ok\n" + ENDLESS, 2),
    "loops with a body": ("{% for a in xs %}{% for b in xs %}\n{% set c = b %}{% endfor %}"
                          "{% endfor %}", 1),
    "a filtered loop": ("{% for a in xs %}\n{% for b in xs if b %}{% endfor %}{% endfor %}", 2),
    "a loop using `loop`": ("{% for a in xs %}{% for b in xs %}{% if loop.length %}{% endif %}"
                            "{% endfor %}{% endfor %}", 1),
    "a macro calling itself twice": ("{% macro f(n) %}\n{{ f(n - 1) ~ f(n - 1) if n else '' }}"
                                     "{% endmacro %}{{ f(60) }}", 2),
    "callers calling back twice": ("{% macro f(n) %}{{ caller(n - 1) ~ caller(n - 1) if n }}"
                                   "{% endmacro %}{% macro g(n) %}{% call(m) f(n) %}\n{{ g(m) }}"
                                   "{% endcall %}{% endmacro %}{{ g(30) }}", 2),
    # ten million leaves, walked by ten thousand calls of `loop`
    "a recursive loop": ("ok\n{% set tree = [[[1] * 1000] * 1000] * 10 %}{% for x in tree "
                         "recursive %}{% if x is iterable %}{{ loop(x) }}{% endif %}{% endfor %}",
                         2),
    "loops over the context": ("{% for a in people %}{% for b in people %}{% endfor %}{% endfor %}",
                               1),
}  # fmt: skip


@pytest.mark.parametrize(("body", "line"), RUNAWAY_LOOPS.values(), ids=RUNAWAY_LOOPS)
def test_runaway_loops_and_recursion_are_stopped_by_their_count(tmp_path, monkeypatch, body, line):
    monkeypatch.setattr(render.limits, "MAX_STEPS", 100_000)
    write(tmp_path / "t/x.md", body.replace("xs", "range(100000)"))
    with pytest.raises(TemplateProblem) as raised:
        render.render(
            render.make_env(tmp_path / "t"), "x.md", {"people": list(range(2000))}, tmp_path / "t"
        )
    assert str(raised.value) == (
        f"x.md:{line}: template stopped: more than 100,000 loop turns and calls (an endless loop?)"
    )


def test_a_template_including_itself_twice_is_stopped_by_the_count(tmp_path, monkeypatch):
    monkeypatch.setattr(render.limits, "MAX_STEPS", 100_000)
    write(tmp_path / "t/x.md", "{% set n = 60 %}{% include 'y.md' %}")
    write(
        tmp_path / "t/y.md",
        "{% set n = n - 1 %}{% if n %}\n{% include 'y.md' %}{% include 'y.md' %}{% endif %}",
    )
    with pytest.raises(TemplateProblem) as raised:
        render.render(render.make_env(tmp_path / "t"), "x.md", {}, tmp_path / "t")
    assert str(raised.value) == (
        "y.md:2: template stopped: more than 100,000 loop turns and calls (an endless loop?)"
    )


def test_a_page_may_take_as_many_steps_as_its_caller_allows(tmp_path, monkeypatch):
    monkeypatch.setattr(render.limits, "MAX_STEPS", 1000)
    write(tmp_path / "t/x.md", "{% for i in range(2000) %}{% endfor %}{{ 1 }}")
    env = render.make_env(tmp_path / "t")
    assert render.render(env, "x.md", {}, max_steps=3000) == "1"
    with pytest.raises(TemplateProblem, match="more than 1,000 loop turns"):
        render.render(env, "x.md", {})


def test_rendering_leaves_a_debuggers_trace_function_alone(tmp_path):
    write(tmp_path / "t/x.md", "{% for i in range(3) %}{{ i }}{% endfor %}")
    seen: list[str] = []

    def tracer(frame, event, arg):
        seen.append(frame.f_code.co_filename)
        if sys.gettrace() is not tracer:
            seen.append("replaced")
        return tracer

    before = sys.gettrace()
    sys.settrace(tracer)
    try:
        out = render.render(render.make_env(tmp_path / "t"), "x.md", {})
        still = sys.gettrace()
    finally:
        sys.settrace(before)
    assert out == "012"
    assert still is tracer
    assert "replaced" not in seen
    assert str(tmp_path / "t/x.md") in seen  # it saw the template's own code run


def test_the_time_limit_leaves_the_alarm_as_it_found_it(root, monkeypatch):
    import signal

    if not hasattr(signal, "setitimer"):
        pytest.skip("no interval timers on this platform")
    before = signal.getsignal(signal.SIGALRM)
    monkeypatch.setattr(render, "TIME_LIMIT", 0.2)
    monkeypatch.setattr(render.limits, "MAX_STEPS", 10**12)
    assert questions_from(root, "1. Fine?\n" + ENDLESS + "\n").exit_code == 1
    assert questions_from(root, "1. Fine?\n").exit_code == 0
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


@pytest.mark.parametrize("value", ["O'Brien & Sons", '<b>Ann</b> "Q" & <script>'])
def test_output_is_never_html_escaped(tmp_path, value):
    write(
        tmp_path / "t/x.md", "{{ company }} / {{ company | upper }} / {% set c = company %}{{ c }}"
    )
    out = render.render(render.make_env(tmp_path / "t"), "x.md", {"company": value})
    assert out == f"{value} / {value.upper()} / {value}"
