"""`tool validate` checks templates/: syntax, front matter, and renders for sample people."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run, write

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def root(make_kb):
    return make_kb("prepare")


def test_the_default_templates_pass_validate(tmp_path):
    run("init", tmp_path / "kb")
    result = run("validate", "--root", tmp_path / "kb")
    assert (result.exit_code, result.stdout) == (
        0,
        'tool.toml:5:1: warning: [me] name is still "Your Name"; set it to sign drafts [config]\n'
        "0 errors, 1 warning in 0 files\n",
    )
    write(tmp_path / "kb/tool.toml", '[me]\nname = "Pat Example"\n')
    result = run("validate", "--root", tmp_path / "kb")
    assert (result.exit_code, result.stdout) == (0, "No problems in 0 files\n")


@pytest.mark.parametrize(
    ("config", "line"),
    [
        ("", 1),
        ("# mine\n[me]\nemail = 'a@b.c'\n", 2),
        ('[digest]\nname = "x"\n[me]\n\n  name = ""\n', 5),
    ],
)
def test_validate_warns_when_my_name_is_not_set(root, config, line):
    write(root / "tool.toml", config)
    result = run("validate", "--root", root)
    assert result.stdout == (
        f"tool.toml:{line}:1: warning: [me] name is not set; drafts are signed "
        '"[your name]" until it is [config]\n'
        "0 errors, 1 warning in 11 files\n"
    )


def test_the_example_knowledge_base_passes_validate():
    result = run("validate", "--root", REPO)
    assert result.exit_code == 0, result.stdout
    assert result.stdout.startswith("No problems in ")


@pytest.mark.parametrize(
    ("path", "text", "problems"),
    [
        (
            "questions/broken.md",
            "1. A?\n{% if person.role %}\n1. B?\n",
            [
                "templates/questions/broken.md:3:1: error: Unexpected end of template. Jinja was "
                "looking for the following tags: 'elif' or 'else' or 'endif'. The innermost block "
                "that needs to be closed is 'if'. [template]"
            ],
        ),
        (
            # fine for someone with a company, broken for a person with a name only
            "questions/company-only.md",
            "1. A?\n1. {{ person.company.upper() }}?\n",
            [
                "templates/questions/company-only.md:2:1: error: undefined variable: 'None' has no "
                "attribute 'upper' "
                "(rendering for a sample person with a name only) [template]"
            ],
        ),
        (
            "questions/typo.md",
            "---\ntitle: Typo\npurpose: carrer\n---\n1. {{ persn }}?\n",
            [
                "templates/questions/typo.md:1:1: warning: purpose must be one of career, company, "
                "job, industry, certification, other, not 'carrer' [template]",
                "templates/questions/typo.md:5:1: error: undefined variable: 'persn' is undefined "
                "(rendering for a sample person with every field and history) [template]",
            ],
        ),
        (
            "questions/empty.md",
            "---\npurpose: job\n---\n{% if person.role %}1. As {{ person.role }}?{% endif %}\n",
            [
                "templates/questions/empty.md:1:1: warning: renders no questions for a sample "
                "person with a name only [template]"
            ],
        ),
        (
            "questions/bad-yaml.md",
            "---\ntitle: [unclosed\n---\n1. A?\n",
            [
                "templates/questions/bad-yaml.md:2:8: error: YAML syntax: '[' is never closed "
                "[yaml-syntax]"
            ],
        ),
        (
            "messages/thank-you.md",
            "Hi {{ first_name }},\n{{ interview.date }}\n",
            [
                "templates/messages/thank-you.md:2:1: error: undefined variable: 'None' has no "
                "attribute 'date' (rendering for a sample person with a name only) [template]"
            ],
        ),
        (
            "questions/binary.md",
            b"1. \xff?\n",
            ["templates/questions/binary.md:1:1: error: file is not valid UTF-8 text [template]"],
        ),
        (
            "interview.md",
            "---\nperson: {{ person.id | yaml }\n---\n",
            [
                "templates/interview.md:2:1: error: unexpected '}' [template]",
            ],
        ),
        (
            "interview.md",
            "---\nperson: {{ persn.id }}\ndate: {{ date }}\n---\n",
            [
                "templates/interview.md:2:1: error: undefined variable: 'persn' is undefined "
                "(rendering for a sample person with every field and history) [template]"
            ],
        ),
        (
            # fine when `tool new person` is given --role, broken when it is not
            "person.md",
            "---\nname: {{ name }}\nrole: {{ role.upper() }}\n---\n",
            [
                "templates/person.md:3:1: error: undefined variable: 'None' has no attribute "
                "'upper' (rendering for a sample person with a name only) [template]"
            ],
        ),
        (
            "person.md",
            "---\nnme: {{ name | yaml }}\n---\n",
            [
                "templates/person.md:1:1: error: makes an invalid person file (for a sample "
                "person with every field and history): line 2: missing required field 'name'; "
                "see docs/format.md#name [template]"
            ],
        ),
        (
            "interview.md",
            "---\nperson: {{ person.id }}\ndate: {{ date }}\nduration: {{ duration }} min\n---\n",
            [
                "templates/interview.md:1:1: error: makes an invalid interview file (for a sample "
                "person with every field and history): line 4: 'duration' must be a whole "
                "number, not '45 min' [template]"
            ],
        ),
        (
            # the filters of question sets and drafts are not there when `tool new` renders
            "person.md",
            "---\nname: {{ name | first_name }}\n---\n",
            ["templates/person.md:2:1: error: No filter named 'first_name'. [template]"],
        ),
        (
            "person.md",
            "---\nname: {{ name }}\n---\n{{ 'x' * 300000 }}\n",
            [
                "templates/person.md:4:1: error: template stopped: a value of more than 200,000 "
                "characters or items (rendering for a sample person with every field and "
                "history) [template]"
            ],
        ),
    ],
)
def test_validate_reports_template_problems(root, path, text, problems):
    write(root / "templates" / path, text)
    result = run("validate", "--root", root)
    assert result.stdout.splitlines()[:-1] == problems
    errors = any(": error: " in p for p in problems)
    assert result.exit_code == (1 if errors else 0)


def test_validate_paths_can_select_templates(root):
    write(root / "templates/questions/x.md", "1. {{ nope }}?\n")
    result = run("validate", root / "templates", "--root", root)
    assert result.stdout.splitlines()[0].startswith("templates/questions/x.md:1:1: error: ")
    assert run("validate", root / "people", "--root", root).exit_code == 0


def test_scaffolds_are_checked_with_the_values_tool_new_gives(root, monkeypatch):
    """validate's samples hold exactly the variables `tool new` gives each scaffold."""
    from tool import scaffold
    from tool.store.loading import load
    from tool.template_checks import sample_kb, scaffold_samples

    given = {}

    def capture(env, name, context, *args, **kwargs):
        given[name] = set(context)
        return real(env, name, context, *args, **kwargs)

    real = scaffold.render
    monkeypatch.setattr(scaffold, "render", capture)
    options = [f"--{o.replace('_', '-')}=x" for o in ("company", "role", "career", "location")]
    made = run("new", "person", "Ann Lee", *options, "--tag", "t", "--namesake", "--root", root)
    assert made.exit_code == 0
    assert run("new", "interview", "bo", "--date", "2026-03-01", "--root", root).exit_code == 0
    kb = sample_kb(root, load(root).config)
    for name, kind in (("person.md", "person"), ("interview.md", "interview")):
        for _, context in scaffold_samples(kb, kind):
            assert set(context) == given[name], name
