"""The CSV delimiter: the header line's counts decide, csv.Sniffer only breaks a tie."""

from __future__ import annotations

import csv

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gesprekken_cli.roster.csvtable import csv_table


def sniffed_then_counted(text: str) -> str:
    """The rule as it was before the shortcut: always sniff, then let the header's counts
    overrule the sniffer."""
    first = text.lstrip("\r\n").split("\n", 1)[0]
    outside = "".join(first.split('"')[::2]) if first.count('"') % 2 == 0 else first
    counts = {d: outside.count(d) for d in ";,\t"}
    best = max(counts, key=lambda d: counts[d])
    try:
        sample = "\n".join(text[:4096].splitlines()[:10])
        sniffed = csv.Sniffer().sniff(sample, delimiters=";,\t").delimiter
    except csv.Error:
        sniffed = best
    if counts.get(sniffed, 0) >= counts[best]:
        return sniffed
    return best if counts[best] else ";"


@settings(max_examples=300)
@given(st.text(alphabet=";,\tab1 \n", max_size=60))
def test_the_delimiter_is_the_one_the_full_sniff_would_pick(text: str) -> None:
    text = "a" + text  # a header line with a name in it
    table = csv_table(f"{text}\n".encode(), "t.csv", columns=False)
    first = text.split("\n", 1)[0]
    assert tuple(table.header) == tuple(first.split(sniffed_then_counted(text)))


def test_a_clear_header_is_not_sniffed(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the sniffer ran")

    monkeypatch.setattr(csv.Sniffer, "sniff", refuse)
    table = csv_table(b"nummer;naam,roepnaam;groep\n1;Jan,J;5\n", "t.csv", columns=False)
    assert tuple(table.header) == ("nummer", "naam,roepnaam", "groep")
