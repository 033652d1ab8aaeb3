"""The scaffolds' hints are prompts for the user, never shown or counted as their notes."""

from __future__ import annotations

import json

from conftest import run, write

from tool.parse.hints import INSIGHTS_HINT, PERSON_HINT, is_hint, without_hints

DAY = "2026-11-10"


def new_kb(tmp_path):
    root = tmp_path / "kb"
    assert run("init", root).exit_code == 0
    assert run("new", "person", "Jo Lin", "--root", root).exit_code == 0
    made = run("new", "interview", "jo-lin", "--date", "2026-11-01", "--root", root)
    assert made.exit_code == 0, made.output
    return root


def test_a_hint_is_only_the_untouched_paragraph():
    assert is_hint(PERSON_HINT)
    assert is_hint("How we met, what they work on,\n  what to ask next time.\n")
    assert not is_hint(PERSON_HINT + " Met at UXDay.")
    assert not is_hint("")
    body = f"\n{PERSON_HINT}\n\nMet at UXDay.\n"
    assert without_hints(body) == "\n\n\nMet at UXDay.\n"  # same lines, the hint blanked


def test_the_interview_scaffold_shows_how_to_write_insights(tmp_path):
    root = new_kb(tmp_path)
    text = (root / "interviews/2026-11-01-jo-lin.md").read_text(encoding="utf-8")
    assert f"## Insights\n{INSIGHTS_HINT}\n\n## Next steps\n" in text
    assert "#career-paths" in INSIGHTS_HINT and "- " in INSIGHTS_HINT
    # The hint is not an insight: `due` still asks for them, and the index has none.
    due = run("due", "--on", DAY, "--root", root).stdout
    assert "Write down what you learned from Jo Lin on Sun 2026-11-01 under ## Insights" in due
    index = json.loads(run("index", "--format", "json", "--root", root).stdout)
    assert "career-paths" not in json.dumps(index)
    assert run("validate", "--root", root).stdout.startswith("tool.toml:")  # nothing else


def test_the_digest_does_not_show_untouched_hints_as_notes(tmp_path):
    root = new_kb(tmp_path)
    assert run("digest", "--output", root / "site", "--root", root).exit_code == 0
    person = (root / "site/people/jo-lin.html").read_text(encoding="utf-8")
    interview = (root / "site/interviews/2026-11-01-jo-lin.html").read_text(encoding="utf-8")
    assert "what to ask next time" not in person
    assert 'class="notes"' not in person  # no notes section at all
    assert "Most PMs here started in support" not in interview
    assert "Who else would you suggest I talk to?" in interview  # the rest is shown


def test_notes_written_around_the_hint_are_shown(tmp_path):
    root = new_kb(tmp_path)
    write(root / "people/jo-lin.md", f"---\nname: Jo Lin\n---\n{PERSON_HINT}\n\nMet at UXDay.\n")
    assert run("digest", "--output", root / "site", "--root", root).exit_code == 0
    person = (root / "site/people/jo-lin.html").read_text(encoding="utf-8")
    assert "Met at UXDay." in person and "what to ask next time" not in person
    brief = run("brief", "jo-lin", "--on", DAY, "--root", root).stdout
    assert "Notes: Met at UXDay.\n" in brief


def test_an_insight_typed_right_above_the_hint_does_not_take_it_in(tmp_path):
    root = new_kb(tmp_path)
    path = root / "interviews/2026-11-01-jo-lin.md"
    insight = "- Start with a portfolio of two case studies. #portfolio\n"
    text = path.read_text(encoding="utf-8").replace("## Insights\n", "## Insights\n" + insight)
    path.write_text(text, encoding="utf-8")
    assert f"{insight}{INSIGHTS_HINT}\n" in text  # glued: Markdown reads one paragraph
    found = json.loads(run("index", "--format", "json", "--root", root).stdout)
    assert "Start with a portfolio of two case studies." in json.dumps(found)
    assert "career-paths" not in json.dumps(found) and "One insight" not in json.dumps(found)
    brief = run("brief", "jo-lin", "--on", DAY, "--root", root).stdout
    assert "    - Start with a portfolio of two case studies.\n" in brief
    assert "One insight per list item" not in brief
