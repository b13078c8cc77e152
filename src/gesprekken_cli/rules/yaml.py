"""Safe YAML loading that remembers where every value came from.

PyYAML's ``safe_load`` keeps the last of two equal keys silently and expands alias bombs
without limit; this loader composes the node tree itself, refuses duplicate keys, custom
tags and oversized input, bounds the work aliases can cause, and returns a map from key path
to (line, column) so every later fault can point at its YAML node.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from gesprekken_cli.errors import Problem

# libyaml's parser composes the same node tree ten times faster than the pure-Python one.
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_BYTES = 1_000_000
MAX_NODES = 200_000
MAX_DEPTH = 64

Path = tuple[str | int, ...]

_STANDARD_TAGS = {
    "tag:yaml.org,2002:" + name
    for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
}


@dataclass
class Loaded:
    """The plain data of a YAML file, positions per key path, and every fault found."""

    file: str
    data: Any
    positions: dict[Path, tuple[int, int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def position(self, path: Path) -> tuple[int, int] | None:
        """Position of ``path``, or of its nearest ancestor that exists in the file.

        List indexes added by normalisation (a single mapping read as a one-item list) are
        skipped, so the position still lands on the user's own node.
        """
        parts = list(path)
        found: tuple[int, int] | None = self.positions.get(())
        prefix: list[str | int] = []
        for part in parts:
            candidate = (*prefix, part)
            if candidate in self.positions:
                prefix.append(part)
                found = self.positions[tuple(prefix)]
            elif isinstance(part, int):
                continue
            else:
                break
        return found


class _Budget(Exception):
    pass


class _Builder:
    def __init__(self, file: str) -> None:
        self.file = file
        self.positions: dict[Path, tuple[int, int]] = {}
        self.problems: list[Problem] = []
        self.count = 0
        self.constructor = yaml.constructor.SafeConstructor()

    def problem(self, node: yaml.Node, path: Path, message: str, code: str) -> None:
        self.problems.append(
            Problem(
                file=self.file,
                line=node.start_mark.line + 1,
                column=node.start_mark.column + 1,
                key=format_path(path),
                message=message,
                code=code,
            )
        )

    def build(self, node: yaml.Node, path: Path, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES or depth > MAX_DEPTH:
            raise _Budget
        self.positions.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if node.tag not in _STANDARD_TAGS:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            self.problem(
                node,
                path,
                f"onbekende of onveilige YAML-tag {tag!r}; gebruik gewone YAML zonder '!!'",
                "yaml-tag",
            )
            return None
        if isinstance(node, yaml.MappingNode):
            result: dict[Any, Any] = {}
            seen: dict[Any, yaml.Node] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    self.problem(key_node, path, "een sleutel moet een gewone tekst zijn", "yaml")
                    continue
                if key_node.tag == "tag:yaml.org,2002:merge" or key_node.value == "<<":
                    self.problem(
                        key_node, path, "samenvoegen met '<<' wordt niet ondersteund", "yaml"
                    )
                    continue
                key = self.build(key_node, (*path, "<sleutel>"), depth + 1)
                key = str(key) if not isinstance(key, str | int) else key
                child = (*path, key)
                if key in seen:
                    first = seen[key].start_mark.line + 1
                    self.problem(
                        key_node,
                        child,
                        f"sleutel {key!r} komt twee keer voor (eerder op regel {first})",
                        "dubbele-sleutel",
                    )
                    continue
                seen[key] = key_node
                self.positions[child] = (
                    key_node.start_mark.line + 1,
                    key_node.start_mark.column + 1,
                )
                result[key] = self.build(value_node, child, depth + 1)
            self.positions.pop((*path, "<sleutel>"), None)
            return result
        if isinstance(node, yaml.SequenceNode):
            return [
                self.build(item, (*path, index), depth + 1) for index, item in enumerate(node.value)
            ]
        try:
            return self.constructor.construct_object(node)
        except ValueError:
            # e.g. 2027-02-30: a timestamp YAML recognises but no calendar has
            if node.tag.endswith(":timestamp"):
                message = f"datum {node.value!r} bestaat niet"
            else:
                message = f"ongeldige waarde {node.value!r}"
            self.problem(node, path, message, "yaml")
            return None


def format_path(path: Path) -> str:
    """``('gesprekken', 3, 'groepen')`` → ``gesprekken[3].groepen``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


_PARSER_MESSAGES = (
    ("found character that cannot start any token", "teken waarmee niets kan beginnen"),
    ("mapping values are not allowed", "hier mag geen 'sleutel: waarde' staan (inspringing?)"),
    ("could not find expected ':'", "':' ontbreekt na een sleutel"),
    ("found undefined alias", "onbekend anker (*naam zonder &naam)"),
    ("expected <block end>, but found", "inspringing klopt niet"),
    (
        "found unexpected end of stream",
        "bestand houdt onverwacht op (ontbreekt een aanhalingsteken?)",
    ),
    ("did not find expected key", "sleutel verwacht (inspringing of '-' klopt niet)"),
    ("found duplicate anchor", "anker (&naam) komt twee keer voor"),
    ("expected ',' or ']'", "',' of ']' verwacht"),
    ("expected ',' or '}'", "',' of '}' verwacht"),
    ("did not find expected node content", "waarde verwacht (ontbreekt er iets na ',' of ':'?)"),
    ("found unknown escape character", "onbekend teken na '\\' tussen dubbele aanhalingstekens"),
    ("did not find expected alphabetic or numeric character", "naam verwacht na '&' of '*'"),
    ("did not find expected '-' indicator", "'-' verwacht (een lijst springt verkeerd in)"),
    ("expected a comment or a line break", "na de waarde mag alleen commentaar (#) staan"),
    ("block sequence entries are not allowed", "hier mag geen '-' (lijst) staan"),
    ("control characters are not allowed", "controletekens zijn niet toegestaan"),
)


def _dutch(message: str) -> str:
    """The parser's English message in Dutch where we know it (the original otherwise)."""
    for english, dutch in _PARSER_MESSAGES:
        if english in message:
            return dutch
    return message


# What the YAML reader refuses before parsing (YAML 1.1 "printable"; PyYAML's NON_PRINTABLE):
# C0 controls other than tab and line breaks, DEL, C1 controls other than NEL, U+FFFE/U+FFFF.
_NOT_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
_LINE_BREAK = re.compile("\r\n|\r|\n")
# Where such a character usually comes from, for the ones with a likely source.
_CONTROL_HINTS = {
    0x0B: "regeleinde uit Word?",
    0x0C: "pagina-einde uit Word?",
    0x1B: "Esc-toets?",
}


def _unprintable(text: str, file: str) -> Problem | None:
    """The first character YAML does not allow, as a positioned Dutch problem.

    The reader's own error gives an offset that is a UTF-8 byte count under libyaml and a
    character count under the pure-Python reader, and no line; the first such character in
    the text is the one either reader stops at, so it is found here instead.
    """
    match = _NOT_PRINTABLE.search(text)
    if match is None:
        return None
    index = match.start()
    breaks = list(_LINE_BREAK.finditer(text, 0, index))
    line = len(breaks) + 1
    column = index - (breaks[-1].end() if breaks else 0) + 1
    code = ord(match.group())
    if 0xFFFE <= code <= 0xFFFF:
        what = f"ongeldig teken U+{code:04X} (geen tekst)"
    else:
        hint = _CONTROL_HINTS.get(code)
        what = f"onzichtbaar stuurteken U+{code:04X}" + (f" ({hint})" if hint else "")
    return Problem(file, f"{what} niet toegestaan; verwijder het", line, column, code="yaml")


def load_yaml(raw: bytes, file: str) -> Loaded:
    """Parse ``raw`` safely; never raises for bad content, reports it in ``problems``."""
    if len(raw) > MAX_BYTES:
        return Loaded(
            file,
            None,
            problems=[
                Problem(file, f"bestand is te groot ({len(raw)} bytes; maximaal {MAX_BYTES})")
            ],
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return Loaded(
            file,
            None,
            problems=[Problem(file, f"bestand is geen UTF-8 (byte {exc.start + 1})", code="io")],
        )
    if "\x00" in text:
        return Loaded(
            file, None, problems=[Problem(file, "bestand is binair, geen YAML", code="io")]
        )
    try:
        nodes = list(yaml.compose_all(text, Loader=_LOADER))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        what = _dutch(exc.problem or exc.context or "ongeldige YAML")
        if mark is not None and 0 <= mark.index < len(text) and text[mark.index] == "\t":
            what += " (gebruik spaties om in te springen, geen tabs)"
        return Loaded(
            file, None, problems=[Problem(file, f"ongeldige YAML: {what}", line, col, code="yaml")]
        )
    except yaml.reader.ReaderError as exc:
        found = _unprintable(text, file)
        problem = found or Problem(file, f"ongeldige YAML: {exc.reason}", code="yaml")
        return Loaded(file, None, problems=[problem])
    except yaml.YAMLError as exc:
        return Loaded(file, None, problems=[Problem(file, f"ongeldige YAML: {exc}", code="yaml")])
    except RecursionError:
        return Loaded(file, None, problems=[Problem(file, "YAML is te diep genest", code="yaml")])
    if not nodes or nodes[0] is None:
        return Loaded(file, None, problems=[Problem(file, "bestand is leeg", 1, 1, code="leeg")])
    if len(nodes) > 1:
        return Loaded(
            file,
            None,
            problems=[Problem(file, "meer dan één YAML-document in het bestand", code="yaml")],
        )
    builder = _Builder(file)
    try:
        data = builder.build(nodes[0], (), 0)
    except (_Budget, RecursionError):
        return Loaded(
            file,
            None,
            problems=[
                Problem(
                    file,
                    "YAML is te groot na het uitvouwen van aliassen (&/*) of te diep genest",
                    code="yaml-bom",
                )
            ],
        )
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        return Loaded(
            file,
            None,
            problems=[
                Problem(
                    file,
                    f"ongeldige waarde: {exc.problem}",
                    mark.line + 1 if mark else None,
                    mark.column + 1 if mark else None,
                    code="yaml",
                )
            ],
        )
    except ValueError as exc:
        return Loaded(file, None, problems=[Problem(file, f"ongeldige waarde: {exc}", code="yaml")])
    return Loaded(file, data, builder.positions, builder.problems)
