"""Sending the invitations through the school's SMTP server, at most once each.

STARTTLS always (a server without it is refused), login with the user name and password the
CLI reads from ``GESPREKKEN_SMTP_GEBRUIKER`` / ``GESPREKKEN_SMTP_WACHTWOORD``, a pause between
messages. ``verstuurd.csv`` records every message that went out (Message-ID, file, recipients,
time) and is rewritten after each one, so a re-run, also after a crash or Ctrl-C halfway,
skips what was sent and never sends a message twice.
"""

from __future__ import annotations

import csv
import io
import smtplib
import ssl
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import parseaddr
from pathlib import Path

from gesprekken_cli.errors import GesprekkenError, Problem, os_reason, read_bytes
from gesprekken_cli.output import write_atomic
from gesprekken_cli.render.excel import excel_csv
from gesprekken_cli.render.invitation_files import Message

LOG_NAME = "verstuurd.csv"
LOG_HEADER = ("Message-ID", "Bestand", "Aan", "Verstuurd (UTC)")


@dataclass(frozen=True, slots=True)
class Server:
    host: str
    port: int
    user: str | None = None
    password: str | None = None
    context: ssl.SSLContext | None = None  # None: the system's trusted certificates


@dataclass
class Outcome:
    sent: list[Message] = field(default_factory=list)
    skipped: list[Message] = field(default_factory=list)  # already in the log


def parse_server(text: str) -> tuple[str, int]:
    """``smtp.school.nl:587`` → (host, port); without a port 587 (submission)."""
    host, sep, port = text.strip().rpartition(":")
    if not sep:
        host, port = text.strip(), "587"
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise GesprekkenError(
            [Problem("--smtp", f"verwacht host:poort, bijv. smtp.school.nl:587; kreeg {text!r}")],
            exit_code=2,
        )
    return host.strip("[]"), int(port)


def read_log(path: Path) -> list[list[str]]:
    """The rows of an existing log (without header); none when there is no log yet."""
    if path.is_symlink():  # never followed: its target could be any file the user can read
        raise GesprekkenError(
            [Problem(str(path), "is een symbolische koppeling; het logboek wordt niet gelezen")],
            exit_code=2,
        )
    if not path.exists():
        return []
    text = read_bytes(path).decode("utf-8-sig", errors="replace")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    return [row for row in rows[1:] if row]


def sent_ids(rows: Sequence[Sequence[str]]) -> set[str]:
    return {row[0].lstrip("'") for row in rows if row}


def render_log(rows: Sequence[Sequence[str]]) -> bytes:
    return excel_csv(LOG_HEADER, rows)


def _fail(server: Server, message: str) -> GesprekkenError:
    return GesprekkenError([Problem(f"{server.host}:{server.port}", message)], exit_code=2)


def send_all(
    messages: Sequence[Message],
    server: Server,
    sender: str,
    log: Path,
    *,
    clock: Callable[[], datetime],
    pause: float = 1.0,
    sleep: Callable[[float], None] = time.sleep,
    tick: Callable[[], object] | None = None,
) -> Outcome:
    """Send what the log does not list yet; the log is rewritten after every message.

    ``clock`` gives the time each message went out, in UTC for the log: the CLI
    passes the real clock, a test a fixed one.
    """
    rows = read_log(log)
    done = sent_ids(rows)
    outcome = Outcome()
    todo: list[Message] = []
    for message in messages:
        (outcome.skipped if message.msgid in done else todo).append(message)
    if not todo:
        return outcome
    envelope_from = parseaddr(sender)[1] or sender
    context = server.context or ssl.create_default_context()
    try:
        with smtplib.SMTP(server.host, server.port, timeout=60) as smtp:
            smtp.ehlo()
            if not smtp.has_extn("starttls"):
                raise _fail(server, "de server biedt geen STARTTLS; niet verstuurd")
            smtp.starttls(context=context)
            smtp.ehlo()
            if server.user:
                smtp.login(server.user, server.password or "")
            for at, message in enumerate(todo):
                if at:
                    sleep(pause)
                smtp.sendmail(envelope_from, list(message.recipients), message.data)
                rows.append(
                    [
                        message.msgid,
                        message.file,
                        ", ".join(message.recipients),
                        clock().strftime("%Y-%m-%d %H:%M:%S"),
                    ]
                )
                write_atomic(log, render_log(rows), force=True)
                outcome.sent.append(message)
                if tick is not None:
                    tick()
    except smtplib.SMTPAuthenticationError:
        raise _fail(server, "inloggen geweigerd (GESPREKKEN_SMTP_GEBRUIKER/WACHTWOORD)") from None
    except smtplib.SMTPRecipientsRefused as error:
        shown = ", ".join(error.recipients)
        raise _fail(
            server, f"adres geweigerd: {shown}; {len(outcome.sent)} bericht(en) wel verstuurd"
        ) from None
    except (smtplib.SMTPException, ssl.SSLError, OSError) as error:
        reason = os_reason(error) if isinstance(error, OSError) else str(error)
        raise _fail(
            server,
            f"versturen mislukt ({reason}); {len(outcome.sent)} bericht(en) verstuurd, "
            f"zie {log}; opnieuw starten verstuurt alleen de rest",
        ) from None
    return outcome
