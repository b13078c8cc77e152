"""A ready-to-send e-mail (RFC 5322, MIME) written as bytes: text + HTML + a calendar.

``multipart/mixed`` holding ``multipart/alternative`` (``text/plain`` and ``text/html``, UTF-8)
and the calendar as ``text/calendar; method=PUBLISH``. Written directly rather than with
``email.message``: a board's 30,000 messages in well under a second instead of ~20 s. Header
values are RFC 2047 encoded where they are not ASCII, addresses checked for line breaks; tests
parse every message back with ``email.policy.default``.
"""

from __future__ import annotations

import binascii
import functools
import hashlib
from collections.abc import Sequence
from datetime import datetime
from email.header import Header
from email.utils import format_datetime, formataddr, parseaddr

from gesprekken_cli.errors import AddressError, Problem


def header_text(value: str) -> str:
    """A header value: one line, RFC 2047 encoded (UTF-8) when it is not plain ASCII."""
    value = " ".join(value.split())
    if value.isascii():
        return value
    return Header(value, "utf-8", maxlinelen=76).encode()


def address(value: str, option: str = "--afzender") -> str:
    """``Naam <adres>`` or ``adres`` as a header value; a malformed one is an
    :class:`AddressError` naming ``option`` (the CLI makes it a usage fault)."""
    name, mail = parseaddr(value)
    if not mail or "@" not in mail or any(ch in value for ch in "\r\n"):
        raise AddressError([Problem(option, f"geen e-mailadres: {value!r}")])
    return formataddr((name, mail), charset="utf-8") if name else mail


_date_header = functools.lru_cache(maxsize=4)(format_datetime)  # one export time per run


def _body(content: bytes) -> bytes:
    """Base64 in lines of 76 characters with CRLF (one C call, then slices)."""
    data = binascii.b2a_base64(content, newline=False)
    if not data:
        return b""
    return b"\r\n".join([data[at : at + 76] for at in range(0, len(data), 76)]) + b"\r\n"


def message_id(key: str, digest: str, domain: str) -> str:
    """Stable per content: the same invitation gets the same id on every run."""
    return f"<{digest[:24]}.{hashlib.sha256(key.encode()).hexdigest()[:12]}@{domain}>"


def content_digest(key: str, recipients: Sequence[str], subject: str, text: str) -> str:
    """What makes a message the same message: who it is for, its subject and its text."""
    data = "\x00".join([key, ",".join(recipients), subject, text])
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def build_message(
    *,
    sender: str,
    recipients: Sequence[str],
    subject: str,
    text: str,
    html: str,
    calendar: bytes,
    date: datetime,
    msgid: str,
) -> bytes:
    """The whole message with CRLF line ends, ready for a ``.eml`` file or SMTP."""
    boundary = msgid.strip("<>").replace("@", ".")
    mixed, alternative = f"=_m.{boundary}", f"=_a.{boundary}"
    head = [
        f"From: {sender}",
        f"To: {', '.join(recipients)}",
        f"Subject: {header_text(subject)}",
        f"Date: {_date_header(date)}",
        f"Message-ID: {msgid}",
        "MIME-Version: 1.0",
        f'Content-Type: multipart/mixed; boundary="{mixed}"',
        "",
        f"--{mixed}",
        f'Content-Type: multipart/alternative; boundary="{alternative}"',
        "",
        f"--{alternative}",
        'Content-Type: text/plain; charset="utf-8"',
        "Content-Transfer-Encoding: base64",
        "",
    ]
    parts = [
        "\r\n".join(head).encode("ascii") + b"\r\n",
        _body(text.encode("utf-8")),
        (
            f"--{alternative}\r\n"
            'Content-Type: text/html; charset="utf-8"\r\n'
            "Content-Transfer-Encoding: base64\r\n\r\n"
        ).encode("ascii"),
        _body(html.encode("utf-8")),
        (
            f"--{alternative}--\r\n"
            f"--{mixed}\r\n"
            'Content-Type: text/calendar; charset="utf-8"; method=PUBLISH\r\n'
            'Content-Disposition: attachment; filename="uitnodiging.ics"\r\n'
            "Content-Transfer-Encoding: base64\r\n\r\n"
        ).encode("ascii"),
        _body(calendar),
        f"--{mixed}--\r\n".encode("ascii"),
    ]
    return b"".join(parts)
