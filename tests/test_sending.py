"""sending: a real SMTP round trip against a local aiosmtpd server with STARTTLS and login."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from email import policy
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import pytest
from support import DATA, EXAMPLES, OKG, YEAR, request
from typer.testing import CliRunner

from gesprekken_cli.cli import app
from gesprekken_cli.errors import GesprekkenError
from gesprekken_cli.invitations import build_invitations
from gesprekken_cli.plan import make_plan
from gesprekken_cli.render.invitation_files import Message, render_invitations
from gesprekken_cli.render.mail_template import load_template
from gesprekken_cli.sending import Server, parse_server, read_log, send_all

aiosmtpd_controller = pytest.importorskip("aiosmtpd.controller")
from aiosmtpd.smtp import AuthResult, LoginPassword  # noqa: E402

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl ontbreekt")
SENDER = "De Duif <info@deduif.example>"
SENT_AT = datetime(2026, 11, 2, 15, 4, 5, tzinfo=UTC)


def clock() -> datetime:
    """The time the core is given: the CLI passes the real clock (issue 14.5)."""
    return SENT_AT


USER, PASSWORD = "school", "geheim"


class Inbox:
    def __init__(self) -> None:
        self.received: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


def _authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=ok, handled=False)


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_server(certificate: tuple[Path, Path]) -> Iterator[tuple[Inbox, int]]:
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    inbox = Inbox()
    port = _free_port()
    controller = aiosmtpd_controller.Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        server_hostname="localhost",
        tls_context=context,
        require_starttls=True,
        authenticator=_authenticate,
        auth_require_tls=True,
    )
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture(scope="module")
def messages() -> tuple[Message, ...]:
    plan = make_plan(request(DATA / "ics" / "roster.csv", OKG))
    made = render_invitations(
        plan,
        build_invitations(plan),
        load_template(None),
        sender=SENDER,
        now=datetime(2026, 8, 1, tzinfo=UTC),
    )
    return made.messages


def _server(port: int, cert: Path, password: str = PASSWORD) -> Server:
    return Server("localhost", port, USER, password, ssl.create_default_context(cafile=str(cert)))


def test_round_trip_and_a_rerun_never_sends_twice(
    smtp_server: tuple[Inbox, int],
    certificate: tuple[Path, Path],
    messages: tuple[Message, ...],
    tmp_path: Path,
) -> None:
    inbox, port = smtp_server
    log = tmp_path / "verstuurd.csv"
    pauses: list[float] = []
    first = send_all(
        messages[:3],
        _server(port, certificate[0]),
        SENDER,
        log,
        clock=clock,
        pause=0.5,
        sleep=pauses.append,
    )
    assert [m.file for m in first.sent] == [m.file for m in messages[:3]]
    assert pauses == [0.5, 0.5]  # between messages, not before the first
    assert len(inbox.received) == 3
    mail_from, rcpt, content = inbox.received[0]
    assert mail_from == "info@deduif.example" and rcpt == list(messages[0].recipients)
    parsed = BytesParser(policy=policy.default).parsebytes(content)
    assert parsed["Message-ID"] == messages[0].msgid
    assert [row[3] for row in read_log(log)] == ["2026-11-02 15:04:05"] * 3  # the given clock
    # The re-run (all messages) sends only the ones the log does not list.
    second = send_all(
        messages,
        _server(port, certificate[0]),
        SENDER,
        log,
        clock=clock,
        pause=0,
        sleep=pauses.append,
    )
    assert len(second.skipped) == 3 and len(second.sent) == len(messages) - 3
    assert len(inbox.received) == len(messages)
    received_ids = [
        BytesParser(policy=policy.default).parsebytes(c)["Message-ID"] for _, _, c in inbox.received
    ]
    assert sorted(received_ids) == sorted(m.msgid for m in messages)
    third = send_all(messages, _server(port, certificate[0]), SENDER, log, clock=clock, pause=0)
    assert not third.sent and len(inbox.received) == len(messages)


def test_wrong_password_sends_nothing(
    smtp_server: tuple[Inbox, int],
    certificate: tuple[Path, Path],
    messages: tuple[Message, ...],
    tmp_path: Path,
) -> None:
    inbox, port = smtp_server
    with pytest.raises(GesprekkenError) as caught:
        send_all(
            messages,
            _server(port, certificate[0], "fout"),
            SENDER,
            tmp_path / "log.csv",
            clock=clock,
        )
    assert caught.value.exit_code == 2 and "inloggen" in caught.value.problems[0].message
    assert inbox.received == [] and not (tmp_path / "log.csv").exists()


def test_untrusted_certificate_is_refused(
    smtp_server: tuple[Inbox, int], messages: tuple[Message, ...], tmp_path: Path
) -> None:
    inbox, port = smtp_server
    server = Server("localhost", port, USER, PASSWORD, ssl.create_default_context())
    with pytest.raises(GesprekkenError):
        send_all(messages, server, SENDER, tmp_path / "log.csv", clock=clock)
    assert inbox.received == []


def test_parse_server() -> None:
    assert parse_server("smtp.school.nl:465") == ("smtp.school.nl", 465)
    assert parse_server("smtp.school.nl") == ("smtp.school.nl", 587)
    with pytest.raises(GesprekkenError):
        parse_server("smtp:poort")


def test_cli_dry_run_by_default_then_real_send_then_nothing_twice(
    smtp_server: tuple[Inbox, int],
    certificate: tuple[Path, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    inbox, port = smtp_server
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    monkeypatch.setenv("GESPREKKEN_SMTP_GEBRUIKER", USER)
    monkeypatch.setenv("GESPREKKEN_SMTP_WACHTWOORD", PASSWORD)
    out = tmp_path / "u"
    args = [
        "uitnodigingen", str(EXAMPLES / "groep5.csv"), "-j", YEAR, "--out", str(out),
        "--gesprek", "voortgangsgesprek", "--afzender", SENDER,
        "--verstuur", "--smtp", f"localhost:{port}", "--pauze", "0",
    ]  # fmt: skip
    runner = CliRunner()
    dry = runner.invoke(app, args)
    assert dry.exit_code == 0, dry.output
    assert "Proefrun: 26 bericht(en)" in dry.stderr and inbox.received == []
    real = runner.invoke(app, [*args, "--force", "--echt"])
    assert real.exit_code == 0, real.output
    assert "Verstuurd: 26" in real.stderr and len(inbox.received) == 26
    again = runner.invoke(app, [*args, "--force", "--echt"])
    assert again.exit_code == 0, again.output
    assert "Verstuurd: 0" in again.stderr and len(inbox.received) == 26
    assert len(read_log(out / "verstuurd.csv")) == 26


def test_a_planted_log_link_is_never_read_into_the_output(tmp_path: Path) -> None:
    """A verstuurd.csv that is a link is not followed: --force replaced the link but first
    copied the target's lines (any file the user can read) into the new log (issue 18.1)."""
    private = tmp_path / "elders.txt"
    private.write_text("kop\ngeheim;regel\n", encoding="utf-8")
    out = tmp_path / "uit"
    out.mkdir()
    (out / "verstuurd.csv").symlink_to(private)
    with pytest.raises(GesprekkenError) as caught:
        read_log(out / "verstuurd.csv")
    assert caught.value.exit_code == 2
    assert "koppeling" in caught.value.problems[0].message
    assert private.read_text(encoding="utf-8") == "kop\ngeheim;regel\n"
