"""Read an EDEXML export (``EDEX.XML`` from ParnasSys or Esis) into a roster table.

EDEXML 2.1 (schema and sample: harmbandstra/edexmllib, ``docs/Schema EDEXML 2.1/``) holds
``<groepen>`` (``<groep key>`` with naam and jaargroep), ``<leerlingen>`` (``<leerling key>``:
the key is the leerlingnummer) and ``<leerkrachten>`` linked to groups. Optional elements are
often missing, so everything is read defensively and matched on local names (a default or
prefixed namespace changes nothing). Parsing is safe: no DTD, no entities, no external
references, at most :data:`text.MAX_BYTES`. The pupils become a :class:`Table` for
:func:`build.roster_from_table`, so the messages are the CSV reader's, pointing at the XML.
"""

from __future__ import annotations

import re
import xml.sax
from dataclasses import dataclass, field
from typing import Any

from gesprekken_cli.errors import Problem, RosterError, quote
from gesprekken_cli.model import Klass, Teacher
from gesprekken_cli.roster.table import Table
from gesprekken_cli.roster.text import MAX_BYTES

HEADER: tuple[str, ...] = (
    "leerlingnummer",
    "roepnaam",
    "tussenvoegsel",
    "achternaam",
    "geboortedatum",
    "groep",
    "klas",
    "startdatum",
)
# the element each column comes from, to point a fault at it
_ELEMENT = {
    "leerlingnummer": "leerling",
    "roepnaam": "roepnaam",
    "tussenvoegsel": "voorvoegsel",
    "achternaam": "achternaam",
    "geboortedatum": "geboortedatum",
    "groep": "jaargroep",
    "klas": "groep",
    "startdatum": "instroomdatum",
}
# roles that make a teacher linked to a group one of its groepsleerkrachten
_TEACHING_ROLES = frozenset({"LRK"})
# jaargroep codes of pupils outside groep 1-8 (EDEXML.types.variabel.xsd, EDEXJaargroepType)
_NOT_PRIMARY = {
    "H": "jaargroep H (historisch, uitgestroomd)",
    "0": "jaargroep 0 (peutergroep)",
    "B": "jaargroep B (baby's)",
    "D": "jaargroep D (dreumesen)",
    "N": "jaargroep N (niet PO/VO)",
}


@dataclass(slots=True)
class Node:
    """One XML element by local name, with its position (1-based line and column)."""

    tag: str
    attrs: dict[str, str]
    line: int
    column: int
    children: list[Node] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(self.parts).strip()

    def first(self, tag: str) -> Node | None:
        return next((c for c in self.children if c.tag == tag), None)

    def all(self, tag: str) -> list[Node]:
        return [c for c in self.children if c.tag == tag]

    def value(self, tag: str) -> str:
        child = self.first(tag)
        return child.text if child is not None else ""


def _local(name: str) -> str:
    return name.rpartition(":")[2]


class _Builder(xml.sax.handler.ContentHandler):
    def __init__(self) -> None:
        super().__init__()
        self.locator: Any = None
        self.stack: list[Node] = []
        self.root: Node | None = None

    def setDocumentLocator(self, locator: Any) -> None:
        self.locator = locator

    def position(self) -> tuple[int | None, int | None]:
        if self.locator is None:
            return None, None
        return self.locator.getLineNumber(), self.locator.getColumnNumber() + 1

    def startElement(self, name: str, attrs: Any) -> None:
        line, column = self.position()
        node = Node(
            _local(name),
            {_local(k): v for k, v in attrs.items()},
            line or 0,
            column or 0,
        )
        if self.stack:
            self.stack[-1].children.append(node)
        else:
            self.root = node
        self.stack.append(node)

    def endElement(self, name: str) -> None:
        self.stack.pop()

    def characters(self, content: str) -> None:
        if self.stack:
            self.stack[-1].parts.append(content)


def parse_xml(raw: bytes, source: str) -> Node:
    """The element tree of ``raw``; unsafe or malformed XML raises RosterError with a position."""
    import defusedxml.sax
    from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden

    from gesprekken_cli.i18n import xml_error

    if len(raw) > MAX_BYTES:
        raise RosterError(
            [
                Problem(
                    source,
                    f"bestand te groot ({len(raw) // (1024 * 1024)} MB); een EDEXML-bestand"
                    f" mag hier hoogstens {MAX_BYTES // (1024 * 1024)} MB zijn",
                    code="edexml.too-large",
                )
            ]
        )
    _check_declared_encoding(raw, source)
    builder = _Builder()
    refused = {
        DTDForbidden: "een DTD (<!DOCTYPE …>) is niet toegestaan in een EDEXML-bestand",
        EntitiesForbidden: "entiteiten (<!ENTITY …>) zijn niet toegestaan in een EDEXML-bestand",
        ExternalReferenceForbidden: "verwijzingen naar externe bestanden zijn niet toegestaan",
    }
    try:
        defusedxml.sax.parseString(raw, builder, forbid_dtd=True)
    except xml.sax.SAXParseException as exc:
        raise RosterError(
            [
                Problem(
                    source,
                    f"geen geldige XML: {xml_error(exc.getMessage())}",
                    line=exc.getLineNumber(),
                    column=(exc.getColumnNumber() or 0) + 1,
                    code="edexml.malformed",
                )
            ]
        ) from None
    except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden) as exc:
        line, column = builder.position()
        raise RosterError(
            [Problem(source, refused[type(exc)], line, column, code="edexml.unsafe")]
        ) from None
    if builder.root is None:
        raise RosterError([Problem(source, "leeg XML-bestand", code="edexml.empty")])
    return builder.root


_DECLARED = re.compile(rb"""\A(?:\xef\xbb\xbf)?<\?xml\s[^>]*?encoding\s*=\s*["']([^"']*)["']""")
_ENCODINGS = {"utf-8", "utf8", "us-ascii", "ascii", "iso-8859-1", "latin-1", "latin1"}
_ENCODINGS |= {"iso-8859-15", "windows-1252", "cp1252"}


def _check_declared_encoding(raw: bytes, source: str) -> None:
    """Only encodings an export uses: the parser crashes on some others (``rot13``, ``utf-7``)."""
    match = _DECLARED.match(raw[:500])
    if match is None:
        return
    name = match.group(1).decode("ascii", "replace")
    if name.lower() not in _ENCODINGS:
        raise RosterError(
            [
                Problem(
                    source,
                    f"tekencodering {quote(name, 20)} in de XML-declaratie wordt niet gelezen;"
                    " verwacht UTF-8 (zoals EDEXML voorschrijft) of ISO-8859-1",
                    line=1,
                    column=match.start(1) + 1 - (3 if raw.startswith(b"\xef\xbb\xbf") else 0),
                    code="edexml.encoding",
                )
            ]
        )


@dataclass(frozen=True, slots=True)
class EdexGroup:
    key: str
    name: str
    grade: int | None


@dataclass(frozen=True, slots=True)
class EdexTable:
    """What :func:`edexml_table` makes of an export: the table for the shared normaliser
    (row number = line of ``<leerling>``), the groups as classes, each cell's position."""

    table: Table
    classes: tuple[Klass, ...]
    positions: dict[tuple[int, str], tuple[int, int]]
    school_year: str
    warnings: tuple[Problem, ...]


def _grade(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isdigit() and 1 <= int(text) <= 8 else None


def _person(node: Node) -> tuple[str, str, str]:
    """Roepnaam (else first voornaam, else voorletters), voorvoegsel, achternaam."""
    first = node.value("roepnaam") or node.value("voornamen").split(" ")[0]
    if not first:
        initials = node.value("voorletters-1")
        first = ".".join(initials) + "." if initials else ""
    return first, node.value("voorvoegsel"), node.value("achternaam")


def _teaching(link: Node, teacher: Node) -> bool:
    roles = {r.text.upper() for r in link.all("rol")} or {
        r.text.upper() for r in teacher.all("rol")
    }
    return not roles or bool(roles & _TEACHING_ROLES)


def edexml_table(root: Node, source: str) -> EdexTable:
    """Pupils as rows (row number = line of ``<leerling>``), groups with their teachers."""
    if root.tag != "EDEX":
        raise RosterError(
            [
                Problem(
                    source,
                    f"geen EDEXML-bestand: het hoofdelement is <{root.tag}>, verwacht <EDEX>",
                    root.line,
                    root.column,
                    code="edexml.root",
                )
            ]
        )
    warnings: list[Problem] = []

    def warn(message: str, code: str) -> None:
        warnings.append(Problem(source, message, code=code, severity="warning"))

    groups: dict[str, EdexGroup] = {}
    group_nodes = root.first("groepen")
    for node in group_nodes.all("groep") if group_nodes else []:
        key = node.attrs.get("key", "")
        groups[key] = EdexGroup(key, node.value("naam") or key, _grade(node.value("jaargroep")))
    teachers: dict[str, list[Teacher]] = {}
    staff = root.first("leerkrachten")
    for node in staff.all("leerkracht") if staff else []:
        first, infix, last = _person(node)
        name = " ".join(p for p in (first, infix, last) if p) or node.attrs.get("key", "")
        links = node.first("groepen")
        for link in links.all("groep") if links else []:
            key = link.attrs.get("key", "")
            if key in groups and _teaching(link, node):
                teachers.setdefault(key, []).append(Teacher(name=name))
    pupils = root.first("leerlingen")
    if pupils is None or not pupils.all("leerling"):
        raise RosterError(
            [
                Problem(
                    source,
                    "geen leerlingen: het EDEXML-bestand heeft geen <leerlingen>/<leerling>",
                    root.line,
                    root.column,
                    code="roster.no-rows",
                )
            ]
        )
    rows: list[tuple[int, tuple[str, ...]]] = []
    positions: dict[tuple[int, str], tuple[int, int]] = {}
    used: dict[str, set[int]] = {}
    unknown_groups: set[str] = set()
    without_group = 0
    skipped: dict[str, int] = {}
    for node in pupils.all("leerling"):
        own = node.value("jaargroep")
        if own.upper() in _NOT_PRIMARY:
            skipped[_NOT_PRIMARY[own.upper()]] = skipped.get(_NOT_PRIMARY[own.upper()], 0) + 1
            continue
        first, infix, last = _person(node)
        basis = node.first("groep")
        group = groups.get(basis.attrs.get("key", "")) if basis is not None else None
        if basis is not None and group is None:
            unknown_groups.add(basis.attrs.get("key", ""))
        if group is None:
            without_group += 1
        grade = _grade(own) or (group.grade if group else None)
        grade_text = str(grade) if grade else ("" if own.upper() in ("", "C") else own)
        klass = group.name if group else ""
        if group and grade:
            used.setdefault(group.key, set()).add(grade)
        cells = (
            node.attrs.get("key", "").strip(),
            first,
            infix,
            last,
            node.value("geboortedatum"),
            grade_text,
            klass,
            node.value("instroomdatum"),
        )
        rows.append((node.line, cells))
        for column, tag in _ELEMENT.items():
            child = node if tag == "leerling" else node.first(tag)
            target = child if child is not None else node
            positions[(node.line, column)] = (target.line, target.column)
    if unknown_groups:
        warn(
            "leerlingen verwijzen naar onbekende groepen: " + ", ".join(sorted(unknown_groups)),
            "edexml.unknown-group",
        )
    for what, count in skipped.items():
        skipped_text = "1 leerling" if count == 1 else f"{count} leerlingen"
        warn(f"{skipped_text} overgeslagen: {what}", "edexml.skipped")
    if without_group:
        warn(
            f"{without_group} {'leerling' if without_group == 1 else 'leerlingen'} zonder "
            "basisgroep in het EDEXML-bestand",
            "edexml.no-group",
        )
    classes = tuple(
        Klass(
            name=groups[key].name,
            grades=tuple(sorted(grades)),
            teachers=tuple(teachers.get(key, ())),
        )
        for key, grades in used.items()
    )
    school = root.first("school")
    return EdexTable(
        table=Table(1, HEADER, tuple(rows)),
        classes=classes,
        positions=positions,
        school_year=school.value("schooljaar") if school else "",
        warnings=tuple(warnings),
    )


def relocate(error: RosterError, table: EdexTable, source: str) -> RosterError:
    """Point the normaliser's faults (row = line of ``<leerling>``) at the XML element."""
    problems = []
    for p in error.problems:
        if p.file != source:
            problems.append(p)
            continue
        where = table.positions.get((p.line or 0, p.key))
        if where is None and p.line is not None:
            where = table.positions.get((p.line, "leerlingnummer"))
        if where is not None:
            key = _ELEMENT.get(p.key, p.key) if p.key else ""
            p = Problem(
                p.file,
                p.message.replace("rij ", "regel "),
                where[0],
                where[1],
                key,
                p.code,
                p.severity,
            )
        problems.append(p)
    return RosterError(problems, exit_code=error.exit_code)
