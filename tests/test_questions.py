"""`tool questions` and the default question sets, and `tool new interview` pre-filling them."""

from __future__ import annotations

import json
import re

import pytest
from conftest import run, write

DAY = "2026-03-20"
SETS = ("career", "company", "job", "industry", "certification", "general")
# ann-lee has every field and a past conversation; the others have one optional field or none.
PEOPLE = ("ann-lee", "kim-park", "bo", "cy-role", "di-company", "ed-intro")


@pytest.fixture
def root(make_kb):
    return make_kb("prepare")


def questions(root, *args):
    return run("questions", *args, "--on", DAY, "--root", root)


@pytest.mark.parametrize("name", SETS)
@pytest.mark.parametrize("person", PEOPLE)
def test_every_default_set_renders_clean_numbered_questions(root, name, person):
    result = questions(root, person, "--template", name, "--count", "100", "--all")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert 5 <= len(lines) <= 12
    for number, line in enumerate(lines, start=1):
        assert re.fullmatch(rf"{number}\. [A-Z\"].*\?", line), line
        assert "None" not in line and "{" not in line and "  " not in line


@pytest.mark.parametrize(
    ("name", "person", "present", "absent"),
    [
        ("career", "bo", "How did you get into the work you do now", "working at"),
        ("career", "cy-role", "How did you end up as Product Manager, and what", "working at"),
        ("career", "di-company", "What do you like most about working at Initech", "end up as"),
        ("career", "ed-intro", "How do you know Kim Park, and what did they think", "noted"),
        (
            "career",
            "ann-lee",
            'away with "SQL matters more than any certificate" —',
            "How do you know",
        ),
        ("company", "bo", "How are decisions made, and who has to agree", "Besides"),
        ("company", "di-company", "How are decisions made at Initech, and who", "as Product"),
        ("company", "cy-role", "work with most closely as Product Manager,", "at Initech"),
        ("company", "ed-intro", "Besides Kim Park, who else would you suggest", "noted"),
        ("job", "di-company", "new in a role like yours at Initech?", "noted"),
        (
            "job",
            "di-company",
            "what do hiring managers at Initech actually screen for?",
            "the hiring",
        ),
        ("job", "bo", "what do hiring managers actually screen for?", "the hiring manager"),
        ("job", "bo", "Is there anyone on the team I should talk to before applying?", " at "),
        ("industry", "di-company", "Where does Initech sit in the industry", "Besides"),
        ("industry", "ed-intro", "Besides Kim Park, who has the best view", "Where does"),
        ("certification", "di-company", "Do hiring managers at Initech look for", "you know"),
        ("certification", "bo", "Do hiring managers you know look for", "noted"),
        ("general", "cy-role", "What does your work involve", "How do you know"),
        ("general", "ed-intro", "How do you know Kim Park", "noted"),
    ],
)
def test_conditional_questions_follow_what_is_known(root, name, person, present, absent):
    out = questions(root, person, "--template", name, "--count", "100").stdout
    assert present in out
    assert absent not in out


@pytest.mark.parametrize(
    ("introducer_company", "question"),
    [
        ("Globex", "Besides Kim Park, who else at Globex would you suggest I talk to?"),
        (" globex ", "Besides Kim Park, who else at Globex would you suggest I talk to?"),
        ("Initech", "Who else at Globex would you suggest I talk to?"),
        (None, "Who else at Globex would you suggest I talk to?"),
    ],
)
def test_the_introducer_is_named_among_colleagues_only_if_they_work_there(
    root, introducer_company, question
):
    company = f"company: {introducer_company!r}\n" if introducer_company else ""
    write(root / "people/kim-park.md", f"---\nname: Kim Park\n{company}---\n")
    write(root / "people/fay.md", "---\nname: Fay\ncompany: Globex\nintroduced_by: kim-park\n---\n")
    out = questions(root, "fay", "--template", "company", "--count", "100").stdout
    assert out.splitlines()[-1].endswith(f". {question}")


def test_exact_career_questions_for_a_person_with_history(root):
    result = questions(root, "ann-lee", "--purpose", "career")
    assert result.exit_code == 0
    assert result.stdout == (
        '1. Last time I came away with "SQL matters more than any certificate" — is that still '
        "how you see it, or has something changed?\n"
        "2. How did you end up as Head of Data at O'Brien & Sons, and what did the path there "
        "look like?\n"
        "3. Which skills have mattered most in your work, and which mattered less than you "
        "expected?\n"
        "4. What surprised you most when you started, compared with what you thought the job "
        "would be?\n"
        "5. What would someone switching from another field need to show to be taken seriously?\n"
    )
    assert result.stderr == (
        "(5 of 10 questions from the career set; --count 10 shows them all)\n"
        "(1 question already asked in an earlier conversation left out; --all keeps them)\n"
    )


def test_exact_general_questions_for_a_person_with_a_name_only(root):
    result = questions(root, "Bo")
    assert result.exit_code == 0
    assert result.stdout == (
        "1. What does your work involve, and how did you come to it?\n"
        "2. What does a normal week look like for you?\n"
        "3. What do you enjoy most about the work, and what would you change?\n"
        "4. What advice would you give someone trying to move into work like yours?\n"
        "5. Who else would you suggest I talk to?\n"
    )
    assert result.stderr == ""


def test_questions_asked_before_come_back_with_all(root):
    asked = "What does a normal week look like for you — where does the time actually go?"
    without = questions(root, "ann-lee", "--template", "career", "--count", "100").stdout
    with_all = questions(root, "ann-lee", "--template", "career", "--count", "100", "--all")
    assert asked not in without
    assert f"3. {asked}\n" in with_all.stdout
    assert with_all.stderr == ""


def test_default_purpose_is_the_next_planned_conversations(root):
    result = questions(root, "ann-lee", "--format", "json")
    data = json.loads(result.stdout)
    assert (data["set"], data["purpose"], data["available"]) == ("company", "company", 10)
    assert data["already_asked"] == 0  # the company questions were planned, not yet asked
    assert len(data["questions"]) == 5


def test_count_and_json(root):
    result = questions(root, "bo", "--count", "2", "--format", "json")
    assert json.loads(result.stdout) == {
        "person": "bo",
        "set": "general",
        "purpose": None,
        "questions": [
            "What does your work involve, and how did you come to it?",
            "What does a normal week look like for you?",
        ],
        "available": 5,
        "already_asked": 0,
    }


def test_the_kbs_own_set_for_a_purpose_beats_the_default(root):
    write(root / "templates/questions/mine.md", "---\npurpose: job\n---\n1. Mine?\n")
    assert questions(root, "bo", "--purpose", "job").stdout == "1. Mine?\n"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ("bo", "--template", "carer"),
            1,
            "Error: no question set 'carer' in templates/questions/ (did you mean career?)\n",
        ),
        (("nobody",), 1, "Error: no person 'nobody' in people/\n"),
        (("bo", "--purpose", "job", "--template", "job"), 2, "give --purpose or --template"),
    ],
)
def test_mistakes(root, args, code, message):
    result = questions(root, *args)
    assert result.exit_code == code
    assert message in result.stderr


def test_a_purpose_without_a_set_is_an_error(root):
    write(root / "templates/questions/general.md", "---\npurpose: career\n---\n1. Q?\n")
    result = questions(root, "bo", "--purpose", "other")
    assert result.exit_code == 1
    assert "Error: no question set for purpose 'other' in templates/questions/" in result.stderr


def test_front_matter_is_read_safely(root):
    write(
        root / "templates/questions/evil.md",
        "---\npurpose: !!python/object/apply:os.system [echo]\n---\n1. Q?\n",
    )
    result = run("validate", "--root", root)
    assert (
        "templates/questions/evil.md:2:10: error: "
        "YAML tag !!python/object/apply:os.system is not allowed [yaml-tag]" in result.stdout
    )
    assert questions(root, "bo", "--template", "evil").stdout == "1. Q?\n"


def test_new_interview_prefills_questions_from_the_purpose_set(root):
    result = run(
        "new",
        "interview",
        "di-company",
        "--date",
        "2026-05-01",
        "--purpose",
        "industry",
        "--root",
        root,
    )
    assert result.exit_code == 0, result.stderr
    text = (root / "interviews/2026-05-01-di-company.md").read_text()
    assert (
        "## Questions\n"
        + "".join(
            f"{n}. {q}\n"
            for n, q in enumerate(
                [
                    "Where is your industry heading over the next two or three years, and what is "
                    "driving it?",
                    "Where does Initech sit in the industry: who does it compete with, and what "
                    "sets it apart?",
                    "Which companies are doing the most interesting work right now, and which get "
                    "more attention than they deserve?",
                    "Which problems has the industry still not solved?",
                    "How do people usually get into the industry, and which backgrounds are "
                    "valued?",
                ],
                start=1,
            )
        )
        + "\n## Notes\n"
        in text
    )


def test_init_copies_the_default_sets_and_drafts(tmp_path):
    assert run("init", tmp_path / "kb").exit_code == 0
    names = sorted(
        p.relative_to(tmp_path / "kb/templates").as_posix()
        for p in (tmp_path / "kb/templates").rglob("*.md")
    )
    assert names == [
        "interview.md",
        "messages/follow-up.md",
        "messages/intro-request.md",
        "messages/nudge.md",
        "messages/outreach.md",
        "messages/thank-you.md",
        "person.md",
        "questions/career.md",
        "questions/certification.md",
        "questions/company.md",
        "questions/general.md",
        "questions/industry.md",
        "questions/job.md",
    ]


GENERAL_FOR_BO = [
    "What does your work involve, and how did you come to it?",
    "What does a normal week look like for you?",
    "What do you enjoy most about the work, and what would you change?",
    "What advice would you give someone trying to move into work like yours?",
    "Who else would you suggest I talk to?",
]


def test_a_used_up_set_says_so(root):
    asked = "".join(f"- {q}\n" for q in GENERAL_FOR_BO)
    write(
        root / "interviews/2026-03-01-bo.md",
        f"---\nperson: bo\ndate: 2026-03-01\nstatus: done\n---\n## Questions\n{asked}",
    )
    result = questions(root, "bo")
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == (
        "(every question of the general set was already asked in an earlier conversation; "
        "--all shows them again, or try another --purpose)\n"
    )
    brief = run("brief", "bo", "--on", DAY, "--root", root).stdout
    assert brief.endswith(
        "Suggested questions (general set)\n"
        "  none left: all were asked before (tool questions bo --all shows them)\n"
    )


def test_a_set_that_renders_nothing_says_so(root):
    write(root / "templates/questions/empty.md", "{% if person.role %}1. Role?{% endif %}\n")
    result = questions(root, "bo", "--template", "empty")
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == "(the empty set renders no questions for this person)\n"
