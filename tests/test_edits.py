"""In-place edits: one value or one box changes, every other byte of the file stays."""

from __future__ import annotations

import pytest
from conftest import run, write

from tool.edits import Change, set_field, tick

TALK = "interviews/2026-04-02-cy-diaz.md"
# Comments, quoting, odd spacing, key order, a BOM-less CRLF-able text and a blank value.
TEXT = (
    "---\n"
    "person: cy-diaz   # met at UXDay\n"
    "date: 2026-04-02\n"
    "status: requested # by email\n"
    "requested: '2026-03-27'\n"
    "thanked:\n"
    "tags: [a, b]  # mine\n"
    "---\n"
    "## Next steps\n"
    '- [ ] Read "Inspired"\n'
    "- [x] Send CV\n"
)


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_set_field_replaces_only_the_value(newline):
    text = TEXT.replace("\n", newline)
    changed, change = set_field(text, "status", "done")
    assert changed == text.replace("status: requested #", "status: done #")
    assert change == Change(4, "status: requested # by email", "status: done # by email")
    changed, change = set_field(text, "thanked", "2026-04-03")
    assert changed == text.replace("thanked:", "thanked: 2026-04-03")
    assert change == Change(6, "thanked:", "thanked: 2026-04-03")


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_set_field_adds_a_missing_key_in_its_place_with_the_files_line_end(newline):
    # Where `tool fmt` puts it: after `date`, before `status`; not last (as it once was).
    text = TEXT.replace("\n", newline)
    changed, change = set_field(text, "time", '"14:30"')
    assert changed == text.replace(
        f"2026-04-02{newline}status", f'2026-04-02{newline}time: "14:30"{newline}status'
    )
    assert change == Change(4, None, 'time: "14:30"')
    changed, change = set_field(text, "uid", "x-1")  # nothing after it: last
    assert changed == text.replace(f"# mine{newline}---", f"# mine{newline}uid: x-1{newline}---")
    assert change == Change(8, None, "uid: x-1")


def test_a_bom_and_a_nested_key_of_the_same_name_are_left_alone():
    text = "\ufeff---\nextra:\n  status: x\nstatus: idea\n---\n"
    changed, _ = set_field(text, "status", "done")
    assert changed == "\ufeff---\nextra:\n  status: x\nstatus: done\n---\n"


def test_tick_changes_one_box():
    text = TEXT.replace("\n", "\r\n")
    changed, change = tick(text, 'Read "Inspired"', 10)
    assert changed == text.replace('- [ ] Read "Inspired"', '- [x] Read "Inspired"')
    assert change == Change(10, '- [ ] Read "Inspired"', '- [x] Read "Inspired"')


@pytest.fixture
def root(kb_root):
    write(kb_root / TALK, TEXT.replace("\n", "\r\n"))
    return kb_root


def before_and_after(root, *args):
    before = (root / TALK).read_bytes()
    result = run(*args, "--root", root)
    return before, (root / TALK).read_bytes(), result


@pytest.mark.parametrize(
    "target", ["2026-04-02-cy-diaz", TALK, "cy-diaz", "Cy Diaz", "interviews/2026-04-02-cy-diaz"]
)
def test_done_by_id_path_or_person_changes_one_line_of_a_crlf_file(root, target):
    if target.startswith("interviews/") and not target.endswith(".md"):
        target = f"{root}/{TALK}"  # an absolute path works too
    before, after, result = before_and_after(root, "done", target)
    assert (result.exit_code, result.stderr) == (0, "")
    assert after == before.replace(b"status: requested #", b"status: done #")
    assert result.stdout == (f"{TALK}:4: status: requested # by email -> status: done # by email\n")


def test_thanked_on_a_date(root):
    before, after, result = before_and_after(root, "thanked", "cy-diaz", "--on", "2026-04-03")
    assert after == before.replace(b"thanked:\r\n", b"thanked: 2026-04-03\r\n")
    assert result.stdout == f"{TALK}:6: thanked: -> thanked: 2026-04-03\n"


def test_schedule_sets_date_status_and_a_quoted_time_and_renames_for_the_date(root):
    before = (root / TALK).read_bytes()
    args = ("schedule", "cy-diaz", "--date", "2026-04-09", "--time", "14:30")
    result = run(*args, "--root", root)
    moved = "interviews/2026-04-09-cy-diaz.md"
    assert result.exit_code == 0, result.stderr
    assert not (root / TALK).exists()
    after = (root / moved).read_bytes()
    assert after == (
        before.replace(b"date: 2026-04-02\r\n", b'date: 2026-04-09\r\ntime: "14:30"\r\n').replace(
            b"status: requested #", b"status: scheduled #"
        )
    )
    assert result.stdout == (
        f"{TALK}:3: date: 2026-04-02 -> date: 2026-04-09\n"
        f"{TALK}:4: status: requested # by email -> status: scheduled # by email\n"
        f'{TALK}:4: added   time: "14:30"\n'
        f"renamed {TALK} -> {moved}\n"
    )
    assert "file-name" not in run("validate", "--root", root).stdout
    bad = run("schedule", "cy-diaz", "--date", "2026-04-09", "--time", "2pm", "--root", root)
    assert bad.exit_code == 2
    assert "'2pm' is not a 24-hour time of day" in bad.stderr


def test_schedule_keeps_a_name_that_is_taken_or_the_users_own(root):
    taken = write(root / "interviews/2026-04-09-cy-diaz.md", "mine\n")
    result = run("schedule", "cy-diaz", "--date", "2026-04-09", "--root", root)
    assert result.exit_code == 0, result.stderr
    assert (root / TALK).exists() and taken.read_text() == "mine\n"
    assert result.stderr == f"{TALK}: kept its name, as {taken.relative_to(root)} exists already\n"
    own = root / "interviews/coffee-with-cy.md"
    (root / TALK).rename(own)
    taken.unlink()
    again = run("schedule", "cy-diaz", "--date", "2026-04-10", "--root", root)
    assert again.exit_code == 0, again.stderr
    assert own.exists() and "renamed" not in again.stdout


def test_check_ticks_the_matching_item(root):
    before, after, result = before_and_after(root, "check", "cy-diaz", "inspired")
    assert after == before.replace(b"- [ ] Read", b"- [x] Read")
    assert result.stdout == f'{TALK}:10: - [ ] Read "Inspired" -> - [x] Read "Inspired"\n'
    again = run("check", "cy-diaz", "inspired", "--root", root)
    assert (again.exit_code, again.stderr) == (
        1,
        f"Error: {TALK}:10: 'Read \"Inspired\"' is already ticked\n",
    )
    unknown = run("check", "cy-diaz", "nothing like it", "--root", root)
    assert unknown.stderr == (
        f"Error: no open item 'nothing like it' in {TALK} (open items: none)\n"
    )


def test_a_file_with_errors_or_an_unclear_target_is_not_changed(root):
    ann = root / "interviews/2026-03-10-ann-lee.md"
    write(ann, ann.read_text(encoding="utf-8").replace("status: done", "status: [done"))
    broken = ann.read_bytes()
    result = run("done", "2026-03-10-ann-lee", "--root", root)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: interviews/2026-03-10-ann-lee.md:")
    assert "(the file exists, but cannot be changed until this is fixed)" in result.stderr
    assert ann.read_bytes() == broken
    write(
        root / "interviews/2026-05-01-cy-diaz.md", "---\nperson: cy-diaz\ndate: 2026-05-01\n---\n"
    )
    two = run("done", "cy-diaz", "--root", root)
    assert two.stderr == (
        "Error: Cy Diaz has 2 interviews (2026-04-02-cy-diaz, 2026-05-01-cy-diaz); "
        "give one of these ids\n"
    )
    by_date = run("done", "cy-diaz", "--date", "2026-05-01", "--root", root)
    assert by_date.exit_code == 0, by_date.stderr
    assert by_date.stdout == "interviews/2026-05-01-cy-diaz.md:4: added   status: done\n"
    none = run("done", "nobody", "--root", root)
    assert (none.exit_code, none.stderr) == (1, "Error: no interview 'nobody' in interviews/\n")


def test_done_refuses_a_date_still_to_come(root):
    write(
        root / "interviews/2999-01-01-cy-diaz.md", "---\nperson: cy-diaz\ndate: 2999-01-01\n---\n"
    )
    result = run("done", "2999-01-01-cy-diaz", "--root", root)
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: interviews/2999-01-01-cy-diaz.md: its date 2999-01-01 is still to come; "
        "`tool schedule` moves it to the day it took place\n",
    )


def test_edit_opens_the_file_in_the_editor(root, tmp_path, monkeypatch):
    log = tmp_path / "opened.txt"
    editor = write(tmp_path / "ed.sh", f'#!/bin/sh\nprintf "%s\\n" "$@" >> {log}\n')
    editor.chmod(0o755)
    monkeypatch.setenv("VISUAL", str(editor))
    for target in ("ann-lee", "Ann Lee", "2026-04-02", TALK):
        result = run("edit", target, "--root", root)
        assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert log.read_text().splitlines() == [
        f"{root}/people/ann-lee.md",
        f"{root}/people/ann-lee.md",
        f"{root}/{TALK}",
        f"{root}/{TALK}",
    ]


def test_a_missing_editor_is_a_clear_error(root, monkeypatch):
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    result = run("edit", "ann-lee", "--root", root)
    assert (result.exit_code, result.stderr) == (
        1,
        f"Error: cannot open {root}/people/ann-lee.md: no editor is set (set $VISUAL or "
        "$EDITOR to an installed editor, e.g. `export EDITOR=nano`)\n",
    )


def test_new_with_edit_and_no_editor_keeps_the_file_and_says_so(root, monkeypatch):
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", "no-such-editor-anywhere")
    result = run("new", "person", "Di Eng", "--edit", "--root", root)
    assert result.exit_code == 1
    assert result.stdout == f"{root}/people/di-eng.md\n"
    assert result.stderr.startswith(f"Error: cannot open {root}/people/di-eng.md: ")
    assert result.stderr.endswith(
        "; the file was created and is kept: `tool edit di-eng` opens it\n"
    )
    assert (root / "people/di-eng.md").is_file()


def test_ids_complete_in_the_shell(root, monkeypatch):
    from click.shell_completion import ShellComplete

    from tool.cli import cli

    monkeypatch.setenv("TOOL_ROOT", str(root))
    complete = ShellComplete(cli, {}, "tool", "_TOOL_COMPLETE")
    assert [c.value for c in complete.get_completions(["edit"], "an")] == ["ann-lee"]
    assert [c.value for c in complete.get_completions(["done"], "2026-04")] == [
        "2026-04-02-cy-diaz"
    ]
