"""The roster stage: a school's roster file (CSV, xlsx, EDEXML) and the files beside it
(classes, families, wishes) as plain values.

Entry: :func:`load_roster` with a :class:`RosterSource`. Inside, one module per concept:
``text`` (bytes and decoding), ``headers`` (column aliases), ``csvtable``/``xlsx``/``edexml``
(readers, each producing a ``table.Table``), ``checks`` (the column checks), ``build``
(table → Roster), ``households``, ``families``, ``classes``, ``teachers``, ``wishes``.
"""

from gesprekken_cli.roster.load import KIND_NAMES, RosterImport, RosterSource, load_roster

__all__ = ["KIND_NAMES", "RosterImport", "RosterSource", "load_roster"]
