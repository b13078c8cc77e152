"""The scheduler: slots for individual conversations (see :mod:`.run`).

Modules: ``records`` (named state), ``bookings`` (the books and their keys), ``free`` (free
starts in the books), ``windows`` (days, day parts, holders), ``placement`` (one
conversation), ``chains`` (sibling chains), ``order`` (what goes first), ``reasons`` (codes
for unplaced talks), ``quality`` (figures), ``previous`` (reading ``--vorig``), ``parts`` (a
large round in two independent halves, the second in a forked child), ``run``.
"""

from gesprekken_cli.schedule.order import needs_slot
from gesprekken_cli.schedule.quality import unmet_wishes
from gesprekken_cli.schedule.reasons import Reason
from gesprekken_cli.schedule.records import GRID, Published, Schedule, Slot, Unplaced
from gesprekken_cli.schedule.run import schedule

__all__ = [
    "GRID",
    "Published",
    "Reason",
    "Schedule",
    "Slot",
    "Unplaced",
    "needs_slot",
    "schedule",
    "unmet_wishes",
]
