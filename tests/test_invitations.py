"""invitations + render/invitation_files + render/mime + render/mail_template."""

from __future__ import annotations

import csv
import io
import itertools
import re
from datetime import UTC, datetime, time
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

import icalendar
import pytest
from support import DATA, DUIF, OKG, request

from gesprekken_cli.cli.app import exit_code
from gesprekken_cli.errors import GesprekkenError, TemplateError
from gesprekken_cli.expand import AMSTERDAM
from gesprekken_cli.invitations import Invitation, build_invitations
from gesprekken_cli.plan import Plan, make_plan
from gesprekken_cli.render.invitation_files import InvitationFiles, render_invitations
from gesprekken_cli.render.mail_template import MailTemplate, load_template

NOW = datetime(2026, 8, 1, 9, 30, tzinfo=UTC)
SENDER = "De Duif <info@deduif.example>"
ROSTER = DATA / "ics" / "roster.csv"


@pytest.fixture(scope="module")
def tiny() -> Plan:
    return make_plan(request(ROSTER, OKG))


@pytest.fixture(scope="module")
def made(tiny: Plan) -> tuple[list[Invitation], InvitationFiles]:
    invitations = build_invitations(tiny)
    files = render_invitations(
        tiny, invitations, load_template(None), sender=SENDER, reply_to=SENDER, now=NOW
    )
    return invitations, files


def parse(data: bytes) -> EmailMessage:
    message = BytesParser(policy=policy.default).parsebytes(data)
    assert isinstance(message, EmailMessage)
    return message


def test_every_household_gets_its_own_message_with_its_addresses(
    made: tuple[list[Invitation], InvitationFiles],
) -> None:
    invitations, files = made
    by_file = {m.file: m for m in files.messages}
    # Noah El Amrani's parents live apart: one message each, to their own address.
    one = parse(by_file["g-8-pre-adviesgesprek.1-huishouden-1.eml"].data)
    two = parse(by_file["g-8-pre-adviesgesprek.1-huishouden-2.eml"].data)
    assert one["To"] == "elamrani@example.org"
    assert two["To"] == "papa.elamrani@example.org"
    assert one["From"] == SENDER
    assert one["Subject"] == "Uitnodiging pré-adviesgesprek Noah El Amrani"
    assert one["Message-ID"] != two["Message-ID"]
    # Siblings share one message to the family address.
    both = parse(by_file["g-7-kind-kennismakingsgesprek.1.eml"].data)
    assert both["To"] == "devries@example.org"
    text = both.get_body(("plain",))
    assert text is not None
    body = text.get_content()
    assert "Emma de Vries" in body and "Lucas de Vries" in body
    assert len(files.messages) + len(files.letters) == len(invitations)


def test_message_has_text_html_and_the_households_events_only(
    tiny: Plan, made: tuple[list[Invitation], InvitationFiles]
) -> None:
    invitations, files = made
    by_key = {inv.key: inv for inv in invitations}
    for message in files.messages:
        parsed = parse(message.data)
        assert parsed.get_content_type() == "multipart/mixed"
        plain, html = parsed.get_body(("plain",)), parsed.get_body(("html",))
        assert plain is not None and html is not None
        attachments = list(parsed.iter_attachments())
        assert len(attachments) == 1
        calendar_part = attachments[0]
        assert calendar_part.get_content_type() == "text/calendar"
        assert calendar_part.get_param("method") == "PUBLISH"
        calendar = icalendar.Calendar.from_ical(calendar_part.get_content())
        uids = {str(e["UID"]).split("@")[0] for e in calendar.walk("VEVENT")}
        inv = by_key[message.file.removesuffix(".eml")]
        assert uids == {c.uid for c in inv.conversations}
        assert all(c.household in (0, inv.household) for c in inv.conversations)
        pupils = {p.pupil_id for p in inv.pupils}
        assert {c.pupil_id for c in inv.conversations} <= pupils


def test_no_household_message_names_another_households_child(
    tiny: Plan, made: tuple[list[Invitation], InvitationFiles]
) -> None:
    _, files = made
    names = {p.pupil_id: p.display_name for p in tiny.roster.pupils}
    family = {p.pupil_id: p.family_id or p.pupil_id for p in tiny.roster.pupils}
    for name, data in files.files.items():
        if not name.endswith((".eml", ".html")):
            continue
        own = name.removeprefix("brief-").split("-")[0:2]
        stem = "-".join(own) if own[0] in {"g", "f"} else own[0]
        content = data.decode("utf-8", "replace")
        if name.endswith(".eml"):
            parsed = parse(data)
            parts = [parsed.get_body(("plain",)), parsed.get_body(("html",))]
            content = "".join(p.get_content() for p in parts if p is not None)
        for pupil, shown in names.items():
            if family[pupil] != stem:
                assert shown not in content, (name, shown)


def test_household_without_address_gets_a_letter_and_a_csv_row(
    made: tuple[list[Invitation], InvitationFiles],
) -> None:
    _, files = made
    assert files.letters == (
        "brief-203-kennismakingsgesprek.1.html",
        "brief-203-kind-kennismakingsgesprek.1.html",
        "brief-203-voortgangsgesprek-februari-ouders.1.html",
    )
    letter = files.files[files.letters[0]].decode("utf-8")
    assert "@page" in letter and "A4" in letter and "Sofie Jansen" in letter
    raw = files.files["uitnodigingen.csv"]
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    # issue 19.3: who and when first, Excel date and time cells, the school's gezin number
    assert rows[0][:6] == ["Kinderen", "Gezin", "Huishouden", "Datum", "Begin", "Eind"]
    assert len(rows) == 1 + len(files.messages) + len(files.letters)
    table = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    letter_rows = [r for r in table if r["Brief"] == "ja"]
    assert {r["Bestand"] for r in letter_rows} == set(files.letters)
    assert not any(r["Gezin"].startswith(("g-", "f-")) for r in table)
    for r in table:
        assert re.fullmatch(r"(\d\d-\d\d-20\d\d)?", r["Datum"]), r
        assert re.fullmatch(r"(\d\d:\d\d)?", r["Begin"]) and bool(r["Begin"]) == bool(r["Datum"])


def test_names_are_escaped_in_html_and_letters(tiny: Plan) -> None:
    hostile = "<script>alert(1)</script>"
    pupils = tuple(p._replace(first_name=hostile) for p in tiny.roster.pupils)
    conversations = tuple(c._replace(name=f"{hostile} X") for c in tiny.conversations)
    plan = tiny._replace(
        roster=tiny.roster._replace(pupils=pupils),
        conversations=conversations,
    )
    files = render_invitations(
        plan, build_invitations(plan), load_template(None), sender=SENDER, now=NOW
    )
    for name, data in files.files.items():
        if name.endswith(".html"):
            assert "<script>" not in data.decode() and "&lt;script&gt;" in data.decode()
        elif name.endswith(".eml"):
            parsed = parse(data)
            html = parsed.get_body(("html",))
            plain = parsed.get_body(("plain",))
            assert html is not None and plain is not None
            assert "<script>" not in html.get_content()
            assert "&lt;script&gt;" in html.get_content()
            assert hostile in plain.get_content()  # plain text is not HTML


def test_template_syntax_error_is_positioned(tmp_path: Path) -> None:
    path = tmp_path / "eigen.j2"
    path.write_text(
        "{% block onderwerp %}x{% endblock %}\n{% block tekst %}\n{% if %}\n{% endblock %}\n"
        "{% block html %}{% endblock %}\n",
        encoding="utf-8",
    )
    with pytest.raises(GesprekkenError) as caught:
        load_template(path.read_bytes(), str(path))
    problem = caught.value.problems[0]
    assert isinstance(caught.value, TemplateError) and exit_code(caught.value) == 1
    assert problem.file == str(path) and problem.line == 3


@pytest.mark.parametrize(
    ("body", "dutch"),
    [
        ("{{ naam }", "onverwacht '}'"),
        ("{% if x %}hallo", "sluit eerst 'if'"),
        ("{{ a b }}", "verwacht '}}', gevonden 'b'"),
        ("{% blah %}", "onbekende opdracht 'blah'"),
    ],
)
def test_template_syntax_errors_are_said_in_dutch(tmp_path: Path, body: str, dutch: str) -> None:
    path = tmp_path / "eigen.j2"
    path.write_text(f"{{% block onderwerp %}}{body}{{% endblock %}}\n", encoding="utf-8")
    with pytest.raises(GesprekkenError) as caught:
        load_template(path.read_bytes(), str(path))
    assert dutch in caught.value.problems[0].message


def test_unknown_name_in_template_is_positioned(tiny: Plan, tmp_path: Path) -> None:
    source = (
        "{% block onderwerp %}x{% endblock %}\n{% block tekst %}\nHallo\n{{ leerkracht }}\n"
        "{% endblock %}\n{% block html %}{% endblock %}\n"
    )
    template = MailTemplate(source, "eigen.j2")
    with pytest.raises(GesprekkenError) as caught:
        render_invitations(tiny, build_invitations(tiny), template, sender=SENDER, now=NOW)
    problem = caught.value.problems[0]
    assert problem.line == 4 and "leerkracht" in problem.message


def test_sandbox_refuses_code_in_templates(tiny: Plan) -> None:
    source = (
        "{% block onderwerp %}{{ ''.__class__.__mro__ }}{% endblock %}"
        "{% block tekst %}x{% endblock %}{% block html %}x{% endblock %}"
    )
    with pytest.raises(GesprekkenError):
        render_invitations(
            tiny, build_invitations(tiny), MailTemplate(source, "x.j2"), sender=SENDER, now=NOW
        )


def test_missing_block_is_an_error() -> None:
    with pytest.raises(GesprekkenError) as caught:
        MailTemplate("{% block onderwerp %}x{% endblock %}", "x.j2")
    assert "tekst" in caught.value.problems[0].message


def test_de_duif_groep5_round_has_one_invitation_per_household() -> None:
    plan = make_plan(request(DATA.parent.parent / "examples" / "groep5.csv", DUIF))
    invitations = [i for i in build_invitations(plan) if i.type_id == "voortgangsgesprek"]
    households = {(i.family, i.household) for i in invitations}
    assert len(households) == len(invitations)
    pupils = {p.pupil_id for i in invitations for p in i.pupils}
    invited = {c.pupil_id for c in plan.conversations if c.type_id == "voortgangsgesprek"}
    assert pupils == invited and len(invited) >= 27  # one pupil starts in January


def test_school_template_may_use_jinja_globals(tiny: Plan) -> None:
    source = (
        "{% block onderwerp %}{% for i in range(2) %}{{ i }}{% endfor %}{% endblock %}"
        "{% block tekst %}x{% endblock %}{% block html %}{{ kinderen }}{% endblock %}"
    )
    made = render_invitations(
        tiny, build_invitations(tiny)[:1], MailTemplate(source, "x.j2"), sender=SENDER, now=NOW
    )
    assert made.letters or made.messages


@pytest.mark.parametrize("school", ["OBS De Duif, Utrecht", "De Duif; Utrecht"])
def test_default_sender_quotes_a_school_name_with_a_comma(tmp_path: Path, school: str) -> None:
    """The default From is built from the school's name: a comma or ';' in it is quoted, not
    read as a second address (which failed with a message about --afzender nobody gave)."""
    from support import EXAMPLES, YEAR
    from typer.testing import CliRunner

    from gesprekken_cli.cli.app import app

    rules = tmp_path / "cycle.yaml"
    text = DUIF.read_text(encoding="utf-8").replace("naam: De Duif", f'naam: "{school}"', 1)
    rules.write_text(text, encoding="utf-8")
    out = tmp_path / "uit"
    args = ["uitnodigingen", str(EXAMPLES / "groep5.csv"), "-r", str(rules), "-j", YEAR]
    result = CliRunner().invoke(app, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    first = BytesParser(policy=policy.default).parsebytes(next(out.glob("*.eml")).read_bytes())
    assert first["From"].addresses[0].display_name == school


def test_csv_rows_of_a_family_follow_its_first_appointment_then_household(
    made: tuple[list[Invitation], InvitationFiles],
) -> None:
    """Issue 16: within a family the rows are in date and time order (they were in the order
    of the conversation type's id), split households after one another on equal times."""
    invitations, files = made
    raw = files.files["uitnodigingen.csv"].decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(raw), delimiter=";"))
    by_file: dict[str, Invitation] = {}
    for inv in invitations:
        by_file[f"{inv.key}.eml"] = inv
        by_file[f"brief-{inv.key}.html"] = inv

    def first(inv: Invitation) -> tuple[object, ...]:
        moments = [
            (i.start.astimezone(AMSTERDAM).date(), 1, i.start.astimezone(AMSTERDAM).time())
            if i.start is not None
            else (i.first_day, 0, time())
            for i in inv.items
        ]
        return (*min(moments), inv.household)

    order = [by_file[r["Bestand"]] for r in rows]
    assert [inv.family for inv in order] == sorted(inv.family for inv in order)
    checked = 0
    for before, after in itertools.pairwise(order):
        if before.family == after.family:
            assert first(before) <= first(after), (before.key, after.key)
            checked += first(before)[:3] < first(after)[:3]
    assert checked >= 2
    type_order = [inv.key for inv in sorted(order, key=lambda i: (i.family, i.type_id))]
    assert [inv.key for inv in order] != type_order  # this roster shows the difference


def test_every_message_is_wire_ready_crlf_ascii_short_lines_and_whole_parts(
    made: tuple[list[Invitation], InvitationFiles],
) -> None:
    """The messages are written as bytes, not by ``email.message``: what a broken writer would
    get wrong is checked on every one (RFC 5322 line ends and lengths, RFC 2047 headers, the
    MIME boundaries: the parser records a defect for a missing or unclosed one)."""
    _, files = made
    subjects = 0
    for message in files.messages:
        data = message.data
        assert data.isascii(), message.file
        assert b"\n" not in data.replace(b"\r\n", b"") and b"\r" not in data.replace(b"\r\n", b"")
        lines = data.split(b"\r\n")
        assert lines[-1] == b"" and max(len(line) for line in lines) <= 998
        head = data.split(b"\r\n\r\n", 1)[0].decode("ascii")
        subject = next(h for h in head.split("\r\n") if h.startswith("Subject: "))
        if "é" in parse(data)["Subject"]:
            assert "=?utf-8?" in subject
            subjects += 1
        parsed = parse(data)
        assert not parsed.defects, message.file
        parts = list(parsed.walk())
        assert [p.get_content_type() for p in parts] == [
            "multipart/mixed",
            "multipart/alternative",
            "text/plain",
            "text/html",
            "text/calendar",
        ]
        assert all(not p.defects for p in parts), message.file
        for part in parts[2:]:
            body = part.get_payload(decode=False)
            assert isinstance(body, str)
            assert all(len(line) <= 76 for line in body.splitlines())
    assert subjects >= 1


@pytest.mark.parametrize("size", [0, 1, 56, 57, 58, 114, 1000])
def test_base64_bodies_have_lines_of_76_and_no_empty_line(size: int) -> None:
    import base64

    from gesprekken_cli.render.mime import build_message

    text = "é" * size
    data = build_message(
        sender="a@b.nl",
        recipients=["c@d.nl"],
        subject="x",
        text=text,
        html="<p>x</p>",
        calendar=b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
        date=NOW,
        msgid="<1@b.nl>",
    )
    _, _, rest = data.partition(b"Content-Transfer-Encoding: base64\r\n\r\n")
    body = rest.split(b"--=_a.")[0]
    encoded = base64.b64encode(text.encode("utf-8"))
    assert body == b"".join(encoded[at : at + 76] + b"\r\n" for at in range(0, len(encoded), 76))
    parsed = parse(data)
    plain = parsed.get_body(("plain",))
    assert plain is not None and plain.get_content() == text
