"""`tool draft`: outreach, intro request, thank-you and follow-up drafts."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run, write

DAY = "2026-03-20"
PEOPLE = ("ann-lee", "kim-park", "bo", "cy-role", "di-company", "ed-intro")


@pytest.fixture
def root(make_kb):
    return make_kb("prepare")


def draft(root, *args):
    return run("draft", *args, "--on", DAY, "--root", root)


@pytest.mark.parametrize("person", PEOPLE)
def test_outreach_stays_short(root, person):
    result = draft(root, "outreach", person)
    assert result.exit_code == 0, result.stderr
    assert len(result.stdout.split()) < 120
    assert "None" not in result.stdout and "{" not in result.stdout


@pytest.mark.parametrize(
    "args",
    [("outreach", person) for person in ("ann-lee", "kim-park", "ed-intro", "bo")]
    + [("follow-up", "ann-lee"), ("follow-up", "kim-park"), ("follow-up", "ed-intro")]
    + [("thank-you", "ann-lee"), ("thank-you", "kim-park")]
    + [("intro-request", "ann-lee"), ("intro-request", "ed-intro")]
    + [("intro-request", "kim-park", "--via", "ann-lee")],
)
def test_every_draft_renders_for_people_with_and_without_details(root, args):
    result = draft(root, *args)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Subject: ")
    assert result.stdout.endswith("\nPat Example\n")
    assert "\n\n\n" not in result.stdout and "None" not in result.stdout


def test_outreach_through_an_introducer(root):
    assert draft(root, "outreach", "ed-intro").stdout == (
        "Subject: Kim Park suggested I get in touch\n"
        "\n"
        "Hi Ed,\n"
        "\n"
        "Kim Park suggested I reach out to you. I'm exploring a move into your field and would "
        "be grateful for 20 minutes to hear how you got into your work and what it is really "
        "like.\n"
        "\n"
        "I'm not asking about jobs, only hoping to learn from your experience. Would a short "
        "call or coffee in the next two weeks work? I'm happy to fit around your schedule.\n"
        "\n"
        "Thank you,\n"
        "Pat Example\n"
    )


def test_outreach_to_someone_already_met_thanks_them_for_it(root):
    assert draft(root, "outreach", "ann-lee").stdout == (
        "Subject: Could we talk again?\n"
        "\n"
        "Hi Ann,\n"
        "\n"
        "Thank you again for our conversation on 10 March. I'm still exploring a move into Data "
        "science, and new questions have come up since: could you spare another 20 minutes?\n"
        "\n"
        "I'm not asking about jobs, only hoping to learn from your experience. Would a short "
        "call or coffee in the next two weeks work? I'm happy to fit around your schedule.\n"
        "\n"
        "Thank you,\n"
        "Pat Example\n"
    )


OPENINGS = {
    "alumni": (
        "From a fellow alum: 20 minutes of your advice?",
        "I'm writing as a fellow alum, and hope you don't mind me using the connection.",
    ),
    "colleague": (
        "A small favour: 20 minutes of your advice?",
        "It has been a while since we last caught up: I hope all is well at Duolingo.",
    ),
    "friend": (
        "A small favour: 20 minutes of your advice?",
        "I hope you're well! I have a small favour to ask.",
    ),
    "referral": (
        "Your name came up: a short conversation?",
        "Your name came up as someone I should talk to about Duolingo.",
    ),
    "cold": (
        "A short conversation about your work?",
        "I came across your work at Duolingo and hope you don't mind a message out of the blue.",
    ),
    "other": (
        "A short conversation about your work?",
        "I hope you don't mind me getting in touch about your work at Duolingo.",
    ),
    None: (
        "A short conversation about your work?",
        "I came across your work at Duolingo and hope you don't mind a message out of the blue.",
    ),
}


def sam(tmp_path, relationship: str | None, met: bool = False, referred: bool = False):
    """A KB with Sam Okoro of the given relationship; met: a conversation took place."""
    root = tmp_path / "kb"
    write(root / "tool.toml", '[me]\nname = "Pat Example"\n')
    line = f"relationship: {relationship}\n" if relationship else ""
    write(root / "people/sam-okoro.md", f"---\nname: Sam Okoro\ncompany: Duolingo\n{line}---\n")
    if met:
        write(
            root / "interviews/2026-03-02-sam-okoro.md",
            "---\nperson: sam-okoro\ndate: 2026-03-02\nstatus: done\n---\n",
        )
    if referred:
        write(root / "people/kim-park.md", "---\nname: Kim Park\n---\n")
        write(
            root / "interviews/2026-03-01-kim-park.md",
            "---\nperson: kim-park\ndate: 2026-03-01\nstatus: done\n"
            'referrals: ["Sam  OKORO"]\n---\n',
        )
    return root


def test_every_relationship_has_its_own_opening():
    from tool.model import RELATIONSHIPS

    assert set(OPENINGS) == {*RELATIONSHIPS, None}


@pytest.mark.parametrize("relationship", list(OPENINGS), ids=str)
def test_outreach_reads_right_for_each_relationship(tmp_path, relationship):
    result = draft(sam(tmp_path, relationship), "outreach", "sam-okoro")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    subject, opening = OPENINGS[relationship]
    assert lines[0] == f"Subject: {subject}"
    assert lines[4].startswith(f"{opening} I'm exploring a move into your field ")
    assert len(result.stdout.split()) < 120


@pytest.mark.parametrize("relationship", list(OPENINGS), ids=str)
def test_outreach_after_a_conversation_is_never_out_of_the_blue(tmp_path, relationship):
    result = draft(sam(tmp_path, relationship, met=True), "outreach", "sam-okoro")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == "Subject: Could we talk again?"
    assert result.stdout.splitlines()[4].startswith(
        "Thank you again for our conversation on 2 March. "
    )
    assert "out of the blue" not in result.stdout


def test_outreach_names_who_referred_them_by_name(tmp_path):
    result = draft(sam(tmp_path, "cold", referred=True), "outreach", "sam-okoro")
    assert result.stdout.splitlines()[0] == "Subject: Kim Park suggested I get in touch"
    assert result.stdout.splitlines()[4].startswith("Kim Park suggested I reach out to you. ")


def test_thank_you_cites_the_first_insight_and_the_referrals(root):
    assert draft(root, "thank-you", "2026-03-10-ann-lee").stdout == (
        "Subject: Thank you for the coffee\n"
        "\n"
        "Hi Ann,\n"
        "\n"
        "Thank you for taking the time to talk with me on 10 March.\n"
        "\n"
        "One point from our conversation has stayed with me: Most analysts here started in "
        "finance.\n"
        "\n"
        "Thank you also for suggesting I talk to Di Company and Lee from finance; I'll mention "
        "your name when I reach out.\n"
        "\n"
        "I'll let you know how things go.\n"
        "\n"
        "Best regards,\n"
        "Pat Example\n"
    )


def test_thank_you_for_a_person_uses_their_latest_conversation(root):
    by_person = draft(root, "thank-you", "ann-lee").stdout
    assert by_person == draft(root, "thank-you", "2026-03-10-ann-lee").stdout


def test_thank_you_without_insights_cites_the_notes(root):
    out = draft(root, "thank-you", "kim-park").stdout
    assert "stayed with me: Kim thinks I should talk to Ann first.\n" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("thank-you", "bo"),
            "Error: nothing to base a thank-you on: no conversation with Bo has taken place yet; "
            "a thank-you is for a conversation that took place (status: done). "
            "To ask for a conversation: tool draft outreach bo\n",
        ),
        (
            ("follow-up", "bo"),
            "Error: nothing to base a follow-up on: no conversation with Bo has taken place yet; "
            "a follow-up is for a conversation that took place (status: done) or an unanswered "
            "request (status: requested). To ask for a conversation: tool draft outreach bo\n",
        ),
        (
            ("thank-you", "2026-03-05-cy-role"),
            "Error: interviews/2026-03-05-cy-role.md: its status is cancelled; a thank-you is for "
            "a conversation that took place (status: done). "
            "To ask for a conversation: tool draft outreach cy-role\n",
        ),
        (
            ("follow-up", "cy-role"),
            "Error: nothing to base a follow-up on: no conversation with Cy Role has taken place "
            "yet; a follow-up is for a conversation that took place (status: done) or an "
            "unanswered request (status: requested). "
            "To ask for a conversation: tool draft outreach cy-role\n",
        ),
        (
            ("thank-you", "ed-intro"),
            "Error: nothing to base a thank-you on: no conversation with Ed Intro has taken place "
            "yet; a thank-you is for a conversation that took place (status: done). "
            "To nudge about the request: tool draft follow-up 2026-03-15-ed-intro\n",
        ),
        (
            ("follow-up", "2026-04-01-ann-lee"),
            "Error: interviews/2026-04-01-ann-lee.md: its status is scheduled; a follow-up is for "
            "a conversation that took place (status: done) or an unanswered request (status: "
            "requested). Once it has taken place, set status: done in "
            "interviews/2026-04-01-ann-lee.md\n",
        ),
    ],
)
def test_thanks_and_follow_ups_need_a_conversation_that_took_place(root, args, message):
    result = draft(root, *args)
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", message)


def test_follow_up_on_an_unanswered_request_is_a_nudge(root):
    assert draft(root, "follow-up", "ed-intro").stdout == (
        "Subject: Following up on my note\n"
        "\n"
        "Hi Ed,\n"
        "\n"
        "I wrote a little while ago (Kim Park suggested I get in touch) to ask whether you might "
        "have 20 minutes to talk about your work. I know messages get buried, so I wanted to try "
        "once more.\n"
        "\n"
        "If now isn't a good time, no problem at all; a short call later on would be just as "
        "welcome.\n"
        "\n"
        "Thank you,\n"
        "Pat Example\n"
    )


def test_follow_up_after_a_conversation_recalls_it(root):
    out = draft(root, "follow-up", "kim-park").stdout
    assert out.startswith(
        "Subject: An update since we spoke\n\nHi Kim,\n\nIt's been a while since we talked on "
        "1 February, and I wanted to let you know what came of it.\n"
    )


@pytest.mark.parametrize(
    ("args", "greeting", "opening"),
    [
        # introduced_by, and the interview in which Kim suggested Ann
        (
            ("ann-lee",),
            "Hi Kim,",
            "Thank you again for suggesting Ann Lee when we spoke on 1 February.",
        ),
        # nobody set introduced_by, but Ann listed Di in her referrals
        (
            ("di-company",),
            "Hi Ann,",
            "Thank you again for suggesting Di Company when we spoke on 10 March.",
        ),
        (("bo", "--via", "Kim Park"), "Hi Kim,", "I hope you're well."),
    ],
)
def test_intro_request_goes_to_the_mutual_contact(root, args, greeting, opening):
    result = draft(root, "intro-request", *args)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[2] == greeting
    assert lines[4].startswith(opening)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("intro-request", "bo"),
            "Error: who could introduce you to Bo? Pass --via PERSON "
            "(or set introduced_by in people/bo.md)\n",
        ),
        (("intro-request", "bo", "--via", "bo"), "Error: Bo cannot introduce you to themselves\n"),
        (
            ("outreach", "bo", "--via", "kim-park"),
            "Error: --via is only for intro-request drafts\n",
        ),
        (("outreach", "nobody"), "Error: no person or interview 'nobody' in the knowledge base\n"),
    ],
)
def test_draft_mistakes(root, args, message):
    result = draft(root, *args)
    assert result.exit_code == 1
    assert result.stderr == message


def test_output_writes_a_new_file_and_never_overwrites(root, tmp_path):
    target = tmp_path / "drafts" / "thanks.txt"
    first = draft(root, "thank-you", "ann-lee", "--output", target)
    assert first.exit_code == 0
    assert first.stdout == f"Wrote {target}\n"
    assert target.read_text() == draft(root, "thank-you", "ann-lee").stdout
    target.write_text("my edits")
    again = draft(root, "thank-you", "ann-lee", "--output", target)
    assert again.exit_code == 1
    assert again.stderr == f"Error: {target} already exists; nothing was written\n"
    assert target.read_text() == "my edits"


@pytest.mark.parametrize("folder", ["people", "interviews", "templates"])
def test_output_refuses_the_records_and_templates_folders(root, folder):
    result = draft(root, "outreach", "bo", "--output", root / folder / "x.md")
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: refusing to write a draft into {folder}/: ")
    assert not (root / folder / "x.md").exists()


def test_a_kb_draft_template_overrides_the_default(root):
    write(
        root / "templates/messages/outreach.md",
        "---\ntitle: Mine\n---\nHello {{ person.name }} from {{ company }}!\n",
    )
    assert draft(root, "outreach", "ann-lee").stdout == "Hello Ann Lee from O'Brien & Sons!\n"


@pytest.mark.parametrize(
    ("name", "greeting"),
    [
        ("Dr. Who: The Doctor", "Hi Who,"),
        ("Prof Ada Lovelace", "Hi Ada,"),
        ("Mrs. Jane Doe", "Hi Jane,"),
        ("mx sam rivera", "Hi sam,"),
        ("Cher", "Hi Cher,"),
        ("Dr.", "Hi Dr.,"),
        ("Drew Barry", "Hi Drew,"),
    ],
)
def test_greetings_skip_titles(root, name, greeting):
    write(root / "people/someone.md", f"---\nname: {name!r}\nintroduced_by: bo\n---\n")
    assert draft(root, "outreach", "someone").stdout.splitlines()[2] == greeting
    intro = draft(root, "intro-request", "bo", "--via", "someone").stdout.splitlines()
    assert intro[2] == greeting


@pytest.mark.parametrize(
    "config",
    ["", '[me]\nname = "Your Name"\n', '[me]\nname = "  "\n', "[me]\nemail = 'a@b.c'\n"],
)
def test_drafts_without_my_name_are_signed_with_a_visible_placeholder(root, config):
    write(root / "tool.toml", config)
    for kind, target in [("outreach", "bo"), ("intro-request", "ann-lee")]:
        result = draft(root, kind, target)
        assert result.exit_code == 0
        assert result.stdout.endswith("\n[your name]\n")
        assert result.stderr == "Set [me] name in tool.toml to sign drafts\n"


def test_drafts_signed_with_my_name_print_no_note(root):
    result = draft(root, "outreach", "bo")
    assert (result.stdout.endswith("\nPat Example\n"), result.stderr) == (True, "")


def test_the_example_knowledge_base_has_the_packaged_message_templates():
    repo = Path(__file__).resolve().parents[1]
    packaged = repo / "tool" / "data" / "templates" / "messages"
    for path in sorted(packaged.glob("*.md")):
        assert (repo / "templates" / "messages" / path.name).read_text() == path.read_text()
