"""The invitation text from a Jinja2 template the school can edit (``--sjabloon``).

A sandboxed environment (no attribute tricks, no code), ``StrictUndefined`` so a misspelt
name is an error rather than an empty hole, autoescaping for the HTML block only. The template
has three blocks: ``onderwerp``, ``tekst`` and ``html``. Every fault (syntax, unknown name,
forbidden access) becomes a :class:`RulesError`-like problem with file and line, exit 1.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from types import TracebackType
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from gesprekken_cli.errors import Problem, TemplateError

BLOCKS = ("onderwerp", "tekst", "html")
DEFAULT = "uitnodiging.j2"
SHOWN_DEFAULT = "(meegeleverd) uitnodiging.j2"


@dataclass(frozen=True, slots=True)
class Rendered:
    subject: str
    text: str
    html: str


class MailTemplate:
    """The three blocks of one template source, compiled once, rendered per invitation."""

    def __init__(self, source: str, name: str) -> None:
        self.name = name
        self._text_env = SandboxedEnvironment(
            autoescape=False,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self._html_env = SandboxedEnvironment(
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        try:
            self._text = self._text_env.from_string(source)
            self._html = self._html_env.from_string(source)
        except jinja2.TemplateSyntaxError as error:
            raise _problem(name, _dutch(error.message or str(error)), error.lineno) from None
        missing = [b for b in BLOCKS if b not in self._text.blocks]
        if missing:
            raise _problem(
                name, f"blok ontbreekt: {', '.join(missing)} (nodig: {', '.join(BLOCKS)})", 1
            )

    def render(self, context: Mapping[str, Any]) -> Rendered:
        """Subject (one line), plain text and HTML for one invitation."""
        template = self._text
        try:
            values = {**self._text_env.globals, **context}  # shared: built once, not chained
            plain = template.new_context(values, shared=True)
            subject = "".join(template.blocks["onderwerp"](plain))
            text = "".join(template.blocks["tekst"](plain))
            template = self._html
            html = "".join(template.blocks["html"](template.new_context(values, shared=True)))
        except jinja2.TemplateError as error:
            line = _template_line(error.__traceback__, template)
            message = error.message or str(error) if hasattr(error, "message") else str(error)
            raise _problem(self.name, _dutch(message), line) from None
        return Rendered(" ".join(subject.split()), text.strip() + "\n", html.strip() + "\n")


_JINJA_MESSAGES = (
    (r"^(.+) is undefined$", r"onbekende naam in het sjabloon: \1"),
    (
        r"^unexpected end of template\b.*",
        "het sjabloon houdt onverwacht op (een blok of {{ }} niet gesloten)",
    ),
    (
        r"^Unexpected end of template\b.*",
        "het sjabloon houdt onverwacht op (een blok of {{ }} niet gesloten)",
    ),
    (r"^unexpected '(.+)'$", r"onverwacht '\1'"),
    (r"^unexpected char (.+) at \d+$", r"onverwacht teken \1"),
    (r"^expected token '(.+)', got '(.+)'$", r"verwacht '\1', gevonden '\2'"),
    (
        r"^Encountered unknown tag '([^']+)'\. You probably made a nesting mistake.*"
        r"innermost block that needs to be closed is '([^']+)'.*",
        r"'\1' staat verkeerd: sluit eerst '\2' (bijv. met end\2)",
    ),
    (r"^Encountered unknown tag '([^']+)'.*", r"onbekende opdracht '\1'"),
    (
        r"^access to attribute '(.+)' of '(.+)' object is unsafe\.$",
        r"'\1' mag niet in een sjabloon",
    ),
)


def _dutch(message: str) -> str:
    """Jinja's message in Dutch, for both a syntax error and one while filling in."""
    import re

    for pattern, dutch in _JINJA_MESSAGES:
        text, found = re.subn(pattern, dutch, message.strip(), count=1, flags=re.S)
        if found:
            return text.replace("end of print statement", "}}").replace(
                "end of statement block", "%}"
            )
    return f"fout in het sjabloon: {message}"


def _template_line(tb: TracebackType | None, template: jinja2.Template) -> int | None:
    """The template line the error came from: the innermost frame of the compiled template,
    mapped back from generated Python to the template's own lines."""
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = template.get_corresponding_lineno(tb.tb_lineno)
        tb = tb.tb_next
    return line


def _problem(name: str, message: str, line: int | None) -> TemplateError:
    return TemplateError([Problem(name, f"sjabloon: {message}", line=line)])


def load_template(raw: bytes | None = None, name: str = SHOWN_DEFAULT) -> MailTemplate:
    """The school's template from the bytes of its file (``--sjabloon``, read by the CLI),
    or the shipped Dutch one when ``raw`` is None."""
    if raw is None:
        source = resources.files("gesprekken_cli.data").joinpath(DEFAULT).read_text("utf-8")
        return MailTemplate(source, SHOWN_DEFAULT)
    try:
        source = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _problem(name, f"geen UTF-8 (byte {error.start})", None) from None
    return MailTemplate(source, name)
