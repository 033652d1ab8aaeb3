"""Templates are untrusted: sandbox, strict variables, confined loading, runaway limits."""

from __future__ import annotations

import pytest
from conftest import run, write

from tool import render
from tool.errors import TemplateProblem

ENDLESS = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"


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
        ("{{ '%999999999d' % 1 }}", "a format width of a million or more is not allowed"),
        ("{{ '{:>999999999}'.format(1) }}", "a format width of a million or more is not allowed"),
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


def test_ordinary_values_pass_the_limits(root):
    body = (
        "1. {{ 'ab' * 3 }} {{ 2 * 'c' }} {{ today.toordinal() }} {{ '%5d' % 42 }} "
        "{{ '{:>3}'.format(7) }} {{ 2 ** 10 }}?\n"
    )
    assert questions_from(root, body).stdout == "1. ababab cc 739695    42   7 1024?\n"


def test_an_endless_loop_is_stopped_by_the_time_limit(root, monkeypatch):
    monkeypatch.setattr(render, "TIME_LIMIT", 0.2)
    result = questions_from(root, "1. Fine?\n" + ENDLESS + "\n")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: templates/questions/x.md:2: template stopped: "
        "rendering took more than 0.2 seconds (an endless loop?)\n"
    )


def test_the_time_limit_restores_any_tracer(tmp_path, monkeypatch):
    import sys

    monkeypatch.setattr(render, "TIME_LIMIT", 0.1)
    write(tmp_path / "t/loop.md", ENDLESS)
    before = sys.gettrace()
    with pytest.raises(TemplateProblem):
        render.render(render.make_env(tmp_path / "t"), "loop.md", {})
    assert sys.gettrace() is before


@pytest.mark.parametrize("value", ["O'Brien & Sons", '<b>Ann</b> "Q" & <script>'])
def test_output_is_never_html_escaped(tmp_path, value):
    write(
        tmp_path / "t/x.md", "{{ company }} / {{ company | upper }} / {% set c = company %}{{ c }}"
    )
    out = render.render(render.make_env(tmp_path / "t"), "x.md", {"company": value})
    assert out == f"{value} / {value.upper()} / {value}"
