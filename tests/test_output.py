"""Atomic writes: never half-written, never a silent overwrite, never a device replaced."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gesprekken_cli.errors import OutputError
from gesprekken_cli.output import safe_filename, unique_names, write_atomic, write_files


def test_existing_file_is_kept_without_force(tmp_path: Path) -> None:
    target = tmp_path / "plan.json"
    target.write_text("oud", encoding="utf-8")
    with pytest.raises(OutputError) as caught:
        write_atomic(target, "nieuw")
    assert caught.value.exit_code == 2
    assert target.read_text(encoding="utf-8") == "oud"
    write_atomic(target, "nieuw", force=True)
    assert target.read_text(encoding="utf-8") == "nieuw"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.json"]


def test_replacing_keeps_the_file_mode(tmp_path: Path) -> None:
    target = tmp_path / "plan.csv"
    target.write_text("oud", encoding="utf-8")
    target.chmod(0o600)
    write_atomic(target, "nieuw", force=True)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_symlink_is_followed_not_replaced(tmp_path: Path) -> None:
    real = tmp_path / "echt.json"
    real.write_text("oud", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    write_atomic(link, "nieuw", force=True)
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8") == "nieuw"


def test_a_device_or_pipe_is_written_to_not_replaced(tmp_path: Path) -> None:
    write_atomic(Path(os.devnull), "weg ermee")
    assert Path(os.devnull).is_char_device()
    fifo = tmp_path / "pijp"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        write_atomic(fifo, "door de pijp")
        assert os.read(reader, 100) == b"door de pijp"
    finally:
        os.close(reader)
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_missing_folder_is_an_io_error(tmp_path: Path) -> None:
    with pytest.raises(OutputError) as caught:
        write_atomic(tmp_path / "nee" / "plan.json", "x")
    assert "bestaat niet" in str(caught.value)


def test_write_files_is_all_or_nothing(tmp_path: Path) -> None:
    (tmp_path / "b.ics").write_text("oud", encoding="utf-8")
    with pytest.raises(OutputError):
        write_files(tmp_path, {"a.ics": "nieuw", "b.ics": "nieuw"})
    assert not (tmp_path / "a.ics").exists()
    assert (tmp_path / "b.ics").read_text(encoding="utf-8") == "oud"


@pytest.mark.parametrize("hostile", ["../../etc/passwd", "CON", "..", "", "a/b\\c", "nul.txt"])
def test_safe_filename_never_escapes_or_names_a_device(hostile: str) -> None:
    name = safe_filename(hostile)
    assert name and "/" not in name and "\\" not in name and ".." not in name
    assert name.split(".")[0].lower() not in {"con", "nul", "prn", "aux"}


@given(st.text())
def test_safe_filename_is_always_a_plain_name(text: str) -> None:
    name = safe_filename(text)
    assert name == Path(name).name and name not in {".", ".."}
    assert all(c.isascii() and (c.isalnum() or c in "._-") for c in name)


def test_unique_names_number_collisions_stably() -> None:
    names = unique_names({"x": "Zoë", "y": "zoe", "z": "ZOE"}, ".ics")
    assert sorted(names.values()) == ["zoe-2.ics", "zoe-3.ics", "zoe.ics"]
    assert names == unique_names({"z": "ZOE", "y": "zoe", "x": "Zoë"}, ".ics")


def test_interrupted_write_files_restores_everything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gesprekken_cli.output as output

    folder = tmp_path / "agenda"
    folder.mkdir()
    (folder / "b.ics").write_text("oud", encoding="utf-8")
    real = output.write_atomic
    calls = 0

    def flaky(path: Path, data: bytes | str, *, force: bool = False) -> None:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise KeyboardInterrupt
        real(path, data, force=force)

    monkeypatch.setattr(output, "write_atomic", flaky)
    with pytest.raises(KeyboardInterrupt):
        write_files(folder, {"a.ics": "nieuw", "b.ics": "nieuw", "c.ics": "nieuw"}, force=True)
    assert sorted(p.name for p in folder.iterdir()) == ["b.ics"]
    assert (folder / "b.ics").read_text(encoding="utf-8") == "oud"


def test_interrupted_write_into_a_new_folder_leaves_no_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gesprekken_cli.output as output

    def broken(path: Path, data: bytes | str, *, force: bool = False) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(output, "write_atomic", broken)
    with pytest.raises(KeyboardInterrupt):
        write_files(tmp_path / "nieuw", {"a.ics": "x"})
    assert not (tmp_path / "nieuw").exists()
