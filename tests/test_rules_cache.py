"""The validated-rules cache: a hit only for the same bytes under the same program."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import NamedTuple

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support import DUIF, EXAMPLES, request

from gesprekken_cli import plan
from gesprekken_cli.errors import GesprekkenError
from gesprekken_cli.rules import cache as rules_cache
from gesprekken_cli.rules import load_rules, validate


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


class Cached(NamedTuple):
    """A rules file that was validated and stored, and its cache file."""

    source: str
    raw: bytes
    entry: Path

    def load(self) -> object:
        return rules_cache.load(self.source, self.raw)


@pytest.fixture
def cached(tmp_path: Path, cache: Path) -> Cached:
    rules = rules_copy(tmp_path)
    load_rules(rules)
    (entry,) = cache.glob("regels-*.pickle")
    return Cached(str(rules.resolve()), rules.read_bytes(), entry)


def rules_copy(tmp_path: Path, text: str | None = None) -> Path:
    path = tmp_path / "cycle.yaml"
    path.write_text(DUIF.read_text(encoding="utf-8") if text is None else text, "utf-8")
    return path


def test_second_load_comes_from_the_cache_and_equals_the_validated_cycle(
    tmp_path: Path, cache: Path, validations: list[str]
) -> None:
    rules = rules_copy(tmp_path)
    _, first = load_rules(rules)
    _, second = load_rules(rules)
    assert validations == [str(rules)]
    assert second == first
    assert second is not first
    assert len(list(cache.glob("regels-*.pickle"))) == 1


def test_a_changed_rules_file_is_validated_again(
    tmp_path: Path, cache: Path, validations: list[str]
) -> None:
    rules = rules_copy(tmp_path)
    _, before = load_rules(rules)
    rules.write_text(
        rules.read_text("utf-8").replace("pauze_minuten: 5", "pauze_minuten: 10"), "utf-8"
    )
    _, after = load_rules(rules)
    assert len(validations) == 2
    assert (before.school.pauze_minuten, after.school.pauze_minuten) == (5, 10)


def test_a_broken_rules_file_after_a_cached_good_one_is_still_reported(
    tmp_path: Path, cache: Path
) -> None:
    rules = rules_copy(tmp_path)
    load_rules(rules)
    rules.write_text(rules.read_text("utf-8").replace("regio: noord", "regio: west"), "utf-8")
    with pytest.raises(GesprekkenError) as caught:
        load_rules(rules)
    assert "regio" in str(caught.value.problems[0].key)


def test_another_program_version_misses(
    tmp_path: Path, cache: Path, validations: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    rules = rules_copy(tmp_path)
    load_rules(rules)
    monkeypatch.setattr(rules_cache, "__version__", "99.0")
    load_rules(rules)
    assert len(validations) == 2


@pytest.mark.parametrize(
    "damage",
    [b"", b"not a pickle", b"\x80\x05", pickle.dumps(("x", b"y")), pickle.dumps(os.getcwd)],
)
def test_a_damaged_cache_file_is_a_miss_and_is_rewritten(
    tmp_path: Path, cache: Path, validations: list[str], damage: bytes
) -> None:
    rules = rules_copy(tmp_path)
    load_rules(rules)
    (entry,) = cache.glob("regels-*.pickle")
    entry.write_bytes(damage)
    _, cycle = load_rules(rules)
    assert cycle.school.naam
    assert len(validations) == 2
    assert entry.read_bytes() != damage


def _short(text: str) -> bytes:
    data = text.encode()
    return b"\x8c" + bytes([len(data)]) + data


def _call_via(module: str, name: str, marker: Path) -> bytes:
    """A pickle that looks up ``module.name`` and calls it twice: ``exec`` via ``dict.get``."""
    code = f"open({str(marker)!r}, 'w').close()"
    return (
        b"\x80\x04"
        + _short(module)
        + _short(name)
        + b"\x93"  # STACK_GLOBAL
        + _short("exec")
        + b"\x85R"  # TUPLE1, REDUCE
        + _short(code)
        + b"\x85R."
    )


@pytest.mark.parametrize(
    ("module", "name"),
    [
        ("gesprekken_cli.rules", "__builtins__.get"),  # a dotted name inside the model's module
        ("gesprekken_cli.rules", "re.compile"),
        ("gesprekken_cli.rules", "BaseModel"),
        ("builtins", "exec"),
        ("pathlib", "Path.touch"),
        ("datetime", "datetime"),
    ],
)
def test_a_cache_naming_anything_but_the_model_is_refused_not_run(
    tmp_path: Path, cached: Cached, module: str, name: str
) -> None:
    marker = tmp_path / "ran"
    body = _call_via(module, name, marker)
    cached.entry.write_bytes(rules_cache.seal(fingerprint(), cached.raw, body))
    assert cached.load() is None
    assert not marker.exists()


def test_the_hostile_payload_is_real(tmp_path: Path) -> None:
    """Plain pickle runs it (so the test above can fail): ``dict.get`` → ``exec`` → code."""
    marker = tmp_path / "ran"
    assert pickle.loads(_call_via("gesprekken_cli.rules", "__builtins__.get", marker)) is None
    assert marker.exists()


posix = pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")


@posix
def test_a_cache_file_others_may_write_is_not_trusted(cached: Cached) -> None:
    assert cached.load() is not None
    cached.entry.chmod(0o666)
    assert cached.load() is None


@posix
def test_a_cache_folder_others_may_write_is_not_trusted(cached: Cached) -> None:
    cached.entry.parent.chmod(0o777)
    assert cached.load() is None


@posix
def test_a_symlinked_cache_file_is_not_followed(tmp_path: Path, cached: Cached) -> None:
    elsewhere = tmp_path / "elsewhere.pickle"
    cached.entry.rename(elsewhere)
    cached.entry.symlink_to(elsewhere)
    assert cached.load() is None


def _copy_sources(tmp_path: Path) -> Path:
    folder = tmp_path / "pkg"
    folder.mkdir()
    (folder / "rules").mkdir()
    package = Path(rules_cache.__file__).parent.parent
    for name in rules_cache.sources(package):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes((package / name).read_bytes())
    return folder


def test_changed_code_of_the_same_size_and_time_is_another_program(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _copy_sources(tmp_path)
    monkeypatch.setattr(rules_cache, "__file__", str(folder / "rules" / "cache.py"))
    before = rules_cache.fingerprint()
    module = folder / "rules" / "model.py"
    times = module.stat()
    text = module.read_bytes()
    module.write_bytes(text.replace(b"le=480", b"le=  1", 1))
    os.utime(module, ns=(times.st_atime_ns, times.st_mtime_ns))
    assert module.stat().st_size == times.st_size
    assert rules_cache.fingerprint() != before


@pytest.mark.parametrize(
    "name",
    ["rules/school_days.py", "calendar.py", "expand/periods.py", "data/vakanties_nl.json"],
)
def test_a_change_to_what_validation_uses_beyond_rules_is_another_program(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    """These were outside the fingerprint: a changed vacation table kept the old cycle."""
    folder = _copy_sources(tmp_path)
    monkeypatch.setattr(rules_cache, "__file__", str(folder / "rules" / "cache.py"))
    before = rules_cache.fingerprint()
    changed = folder / name
    text = changed.read_bytes()
    changed.write_bytes(text[:-1] + (b" " if text[-1:] != b" " else b"\n"))
    assert rules_cache.fingerprint() != before


def test_sources_that_cannot_be_read_mean_no_cache_and_no_failure(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Installed as a zip, or a module gone: plans work, nothing is cached."""
    folder = _copy_sources(tmp_path)
    (folder / "rules" / "yaml.py").unlink()
    (folder / "rules" / "yaml.py").symlink_to(folder / "gone.py")  # dangling, like an editor lock
    monkeypatch.setattr(rules_cache, "__file__", str(folder / "rules" / "cache.py"))
    assert rules_cache.fingerprint() is None
    _, cycle = load_rules(rules_copy(tmp_path))
    assert cycle.school.naam
    assert not cache.exists() or not list(cache.iterdir())


def test_an_unwritable_cache_folder_never_fails_a_plan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("GESPREKKEN_CACHE", str(blocker / "cache"))
    result = plan.make_plan(request(EXAMPLES / "groep5.csv", DUIF))
    assert result.conversations
    assert blocker.read_text() == "not a folder"


@pytest.mark.parametrize("off", ["uit", "0", "", "off"])
def test_the_cache_can_be_turned_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, validations: list[str], off: str
) -> None:
    monkeypatch.setenv("GESPREKKEN_CACHE", off)
    rules = rules_copy(tmp_path)
    load_rules(rules)
    load_rules(rules)
    assert len(validations) == 2
    assert rules_cache.cache_dir() is None


def test_default_folder_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("GESPREKKEN_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert rules_cache.cache_dir() == tmp_path / "gesprekken"


@pytest.mark.parametrize("relative", ["cache", "./cache", "../cache", "~/cache"])
def test_a_relative_xdg_cache_home_is_ignored(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, relative: str
) -> None:
    monkeypatch.delenv("GESPREKKEN_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", relative)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert rules_cache.cache_dir() == tmp_path / ".cache" / "gesprekken"


def fingerprint() -> str:
    stamp = rules_cache.fingerprint()
    assert stamp is not None
    return stamp


def test_single_byte_changes_are_misses_never_another_cycle(cached: Cached) -> None:
    """Each of 1,500 single-byte changes, spread over the whole file, is a miss; none raises."""
    import random

    intact = cached.entry.read_bytes()
    assert cached.load() is not None
    pick = random.Random(18)
    positions = sorted({*range(64), *(pick.randrange(len(intact)) for _ in range(1500))})
    loaded = 0
    for position in positions:
        damaged = bytearray(intact)
        damaged[position] ^= pick.randrange(1, 256)
        cached.entry.write_bytes(bytes(damaged))
        loaded += cached.load() is not None
    assert loaded == 0
    cached.entry.write_bytes(intact)
    assert cached.load() is not None


def test_a_cache_written_by_another_program_is_a_miss(cached: Cached) -> None:
    """The same body sealed under another fingerprint: the checksum does not match."""
    cycle = cached.load()
    assert cycle is not None
    cached.entry.write_bytes(rules_cache.seal("3|0.0.1|other", cached.raw, pickle.dumps(cycle)))
    assert cached.load() is None


def test_the_cache_holds_the_rules_file_only(tmp_path: Path, cache: Path) -> None:
    """Pupils' data never reaches the cache: a plan caches its rules, not its roster."""
    plan.make_plan(request(EXAMPLES / "groep5.csv", rules_copy(tmp_path)))
    pupil = (EXAMPLES / "groep5.csv").read_text("utf-8").splitlines()[1].split(";")
    stored = b"".join(p.read_bytes() for p in cache.iterdir())
    assert all(field.encode() not in stored for field in pupil if len(field) > 3)


@given(st.binary(max_size=200), st.booleans())
def test_random_cache_bytes_never_raise(data: bytes, in_envelope: bool) -> None:
    """Random bytes as the whole file, or as the cycle inside a valid envelope."""
    raw = DUIF.read_bytes()
    if in_envelope:
        data = rules_cache.seal(fingerprint(), raw, data)
    with pytest.MonkeyPatch.context() as patch, tempfile.TemporaryDirectory() as folder:
        patch.setenv("GESPREKKEN_CACHE", folder)
        entry = rules_cache._entry("x")
        assert entry is not None
        entry.write_bytes(data)
        assert rules_cache.load("x", raw) is None


# Imports the validator, validates the shipped files and every bad case (error paths import
# lazily), and prints each gesprekken_cli module loaded and each package file opened, as
# paths inside the package.
_WHAT_VALIDATION_READS = """
import json, sys
from pathlib import Path
package = None
opened = []
def audit(event, args):
    if event == "open" and isinstance(args[0], str):
        opened.append(args[0])
sys.addaudithook(audit)
import gesprekken_cli
from gesprekken_cli.rules import load_rules
from gesprekken_cli.rules.validate import check_rules
package = Path(gesprekken_cli.__file__).parent
for name in sys.argv[1:]:
    check_rules(Path(name).read_bytes(), name)
    try:
        load_rules(Path(name))
    except Exception:
        pass
files = {m.__file__ for n, m in list(sys.modules.items())
         if n.startswith("gesprekken_cli") and getattr(m, "__file__", None)}
files |= {f for f in opened if not f.endswith(".pyc")}
inside = sorted(
    Path(f).resolve().relative_to(package.resolve()).as_posix()
    for f in files if Path(f).resolve().is_relative_to(package.resolve())
)
print(json.dumps(inside))
"""


def test_the_fingerprint_covers_every_module_and_file_validation_reads(tmp_path: Path) -> None:
    """A module or data file validation depends on but the fingerprint leaves out would let a
    cached cycle outlive a change to it (``calendar.py``, ``expand/periods.py`` and the
    vacation data were left out)."""
    import json

    files = [
        str(DUIF),
        str(EXAMPLES / "ouder-kindgesprekken.yaml"),
        *sorted(str(p) for p in (Path(__file__).parent / "data" / "bad" / "rules").glob("*.yaml")),
    ]
    env = {**os.environ, "GESPREKKEN_CACHE": "uit"}
    done = subprocess.run(
        [sys.executable, "-c", _WHAT_VALIDATION_READS, *files],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    read = set(json.loads(done.stdout))
    assert "calendar.py" in read and "data/vakanties_nl.json" in read  # the probe works
    package = Path(rules_cache.__file__).parent.parent
    covered = set(rules_cache.sources(package))
    assert read - covered == set(), "niet in de vingerafdruk van de regelcache"
