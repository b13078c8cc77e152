"""The validated-rules cache: a hit only for the same bytes under the same program."""

from __future__ import annotations

import os
import pickle
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support import DUIF, EXAMPLES, YEAR

from gesprekken_cli import plan, rules_cache, validate
from gesprekken_cli.errors import GesprekkenError


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("GESPREKKEN_CACHE", str(folder))
    return folder


@pytest.fixture
def validations(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the rules files that were validated (not taken from the cache)."""
    seen: list[str] = []
    real = validate.check_rules

    def counting(raw: bytes, file: str) -> validate.Report:
        seen.append(file)
        return real(raw, file)

    monkeypatch.setattr(validate, "check_rules", counting)
    return seen


def rules_copy(tmp_path: Path, text: str | None = None) -> Path:
    path = tmp_path / "cycle.yaml"
    path.write_text(DUIF.read_text(encoding="utf-8") if text is None else text, "utf-8")
    return path


def test_second_load_comes_from_the_cache_and_equals_the_validated_cycle(
    tmp_path: Path, cache: Path, validations: list[str]
) -> None:
    rules = rules_copy(tmp_path)
    _, first = plan.load_rules(rules)
    _, second = plan.load_rules(rules)
    assert validations == [str(rules)]
    assert second == first
    assert second is not first
    assert len(list(cache.glob("regels-*.pickle"))) == 1


def test_a_changed_rules_file_is_validated_again(
    tmp_path: Path, cache: Path, validations: list[str]
) -> None:
    rules = rules_copy(tmp_path)
    _, before = plan.load_rules(rules)
    rules.write_text(
        rules.read_text("utf-8").replace("pauze_minuten: 5", "pauze_minuten: 10"), "utf-8"
    )
    _, after = plan.load_rules(rules)
    assert len(validations) == 2
    assert (before.school.pauze_minuten, after.school.pauze_minuten) == (5, 10)


def test_a_broken_rules_file_after_a_cached_good_one_is_still_reported(
    tmp_path: Path, cache: Path
) -> None:
    rules = rules_copy(tmp_path)
    plan.load_rules(rules)
    rules.write_text(rules.read_text("utf-8").replace("regio: noord", "regio: west"), "utf-8")
    with pytest.raises(GesprekkenError) as caught:
        plan.load_rules(rules)
    assert "regio" in str(caught.value.problems[0].key)


def test_another_program_version_misses(
    tmp_path: Path, cache: Path, validations: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    rules = rules_copy(tmp_path)
    plan.load_rules(rules)
    monkeypatch.setattr(rules_cache, "__version__", "99.0")
    plan.load_rules(rules)
    assert len(validations) == 2


@pytest.mark.parametrize(
    "damage",
    [b"", b"not a pickle", b"\x80\x05", pickle.dumps(("x", b"y")), pickle.dumps(os.getcwd)],
)
def test_a_damaged_cache_file_is_a_miss_and_is_rewritten(
    tmp_path: Path, cache: Path, validations: list[str], damage: bytes
) -> None:
    rules = rules_copy(tmp_path)
    plan.load_rules(rules)
    (entry,) = cache.glob("regels-*.pickle")
    entry.write_bytes(damage)
    _, cycle = plan.load_rules(rules)
    assert cycle.school.naam
    assert len(validations) == 2
    assert entry.read_bytes() != damage


def test_a_cache_naming_other_code_is_refused_not_run(tmp_path: Path, cache: Path) -> None:
    rules = rules_copy(tmp_path)
    raw = rules.read_bytes()
    plan.load_rules(rules)
    (entry,) = cache.glob("regels-*.pickle")
    marker = tmp_path / "ran"

    class Call:  # unpickling this would call Path.touch: another function than the model
        def __reduce__(self) -> tuple[object, ...]:
            return (Path.touch, (marker,))

    body = pickle.dumps(Call())
    entry.write_bytes(pickle.dumps((rules_cache.fingerprint(), raw, body)))
    assert rules_cache.load(str(rules.resolve()), raw) is None
    assert not marker.exists()


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_a_cache_file_others_may_write_is_not_trusted(tmp_path: Path, cache: Path) -> None:
    rules = rules_copy(tmp_path)
    raw = rules.read_bytes()
    plan.load_rules(rules)
    (entry,) = cache.glob("regels-*.pickle")
    assert rules_cache.load(str(rules.resolve()), raw) is not None
    entry.chmod(0o666)
    assert rules_cache.load(str(rules.resolve()), raw) is None


def test_an_unwritable_cache_folder_never_fails_a_plan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("GESPREKKEN_CACHE", str(blocker / "cache"))
    result = plan.make_plan(EXAMPLES / "groep5.csv", rules_path=DUIF, school_year=YEAR)
    assert result.conversations
    assert blocker.read_text() == "not a folder"


@pytest.mark.parametrize("off", ["uit", "0", "", "off"])
def test_the_cache_can_be_turned_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, validations: list[str], off: str
) -> None:
    monkeypatch.setenv("GESPREKKEN_CACHE", off)
    rules = rules_copy(tmp_path)
    plan.load_rules(rules)
    plan.load_rules(rules)
    assert len(validations) == 2
    assert rules_cache.cache_dir() is None


def test_default_folder_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("GESPREKKEN_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert rules_cache.cache_dir() == tmp_path / "gesprekken"


def test_the_cache_holds_the_rules_file_only(tmp_path: Path, cache: Path) -> None:
    """Pupils' data never reaches the cache: a plan caches its rules, not its roster."""
    plan.make_plan(EXAMPLES / "groep5.csv", rules_path=rules_copy(tmp_path), school_year=YEAR)
    pupil = (EXAMPLES / "groep5.csv").read_text("utf-8").splitlines()[1].split(";")
    stored = b"".join(p.read_bytes() for p in cache.iterdir())
    assert all(field.encode() not in stored for field in pupil if len(field) > 3)


@given(st.binary(max_size=200))
def test_random_cache_bytes_never_raise(data: bytes) -> None:
    raw = DUIF.read_bytes()
    with pytest.MonkeyPatch.context() as patch, tempfile.TemporaryDirectory() as folder:
        patch.setenv("GESPREKKEN_CACHE", folder)
        entry = rules_cache._entry("x")
        assert entry is not None
        entry.write_bytes(data)
        assert rules_cache.load("x", raw) is None
