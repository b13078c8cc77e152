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


@pytest.fixture(autouse=True, params=["descriptors", "paths"])
def way(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test runs relative to open folders (POSIX) and by path (the Windows way)."""
    import gesprekken_cli.output as output

    if request.param == "paths":
        monkeypatch.setattr(output, "_BY_DESCRIPTOR", False)
    return str(request.param)


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


def test_a_symlink_is_replaced_never_followed(tmp_path: Path) -> None:
    real = tmp_path / "echt.json"
    real.write_text("oud", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    with pytest.raises(OutputError) as caught:
        write_atomic(link, "nieuw")
    assert caught.value.exit_code == 2 and "bestaat al" in str(caught.value)
    write_atomic(link, "nieuw", force=True)
    assert not link.is_symlink()
    assert link.read_text(encoding="utf-8") == "nieuw"
    assert real.read_text(encoding="utf-8") == "oud"


def test_a_dangling_symlink_is_never_written_through(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elders"
    elsewhere.mkdir()
    link = tmp_path / "uit" / "plan.json"
    link.parent.mkdir()
    link.symlink_to(elsewhere / "buit.json")
    with pytest.raises(OutputError) as caught:
        write_atomic(link, "nieuw")
    assert "bestaat al" in str(caught.value)
    write_atomic(link, "nieuw", force=True)
    assert list(elsewhere.iterdir()) == []
    assert not link.is_symlink() and link.read_text(encoding="utf-8") == "nieuw"


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
    real = output._create
    calls = 0

    def flaky(folder: object, name: str, payload: bytes, mode: int) -> None:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise KeyboardInterrupt
        real(folder, name, payload, mode)

    monkeypatch.setattr(output, "_create", flaky)
    with pytest.raises(KeyboardInterrupt):
        write_files(folder, {"a.ics": "nieuw", "b.ics": "nieuw", "c.ics": "nieuw"}, force=True)
    assert sorted(p.name for p in folder.iterdir()) == ["b.ics"]
    assert (folder / "b.ics").read_text(encoding="utf-8") == "oud"


@pytest.mark.parametrize("swap", ["two renames", "exchange"])
def test_a_failed_swap_puts_the_old_files_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, swap: str
) -> None:
    """Both ways of swapping a file in: two renames (old aside, new in) and, on Linux, one
    exchange of names that leaves the old file under the temporary name as its backup."""
    import gesprekken_cli.output as output

    folder = tmp_path / "agenda"
    folder.mkdir()
    (folder / "a.ics").write_text("oud a", encoding="utf-8")
    (folder / "b.ics").write_text("oud b", encoding="utf-8")
    (folder / "c.ics").write_text("oud c", encoding="utf-8")
    real_replace, real_exchange = os.replace, output.renameat2
    replaced, exchanged = 0, 0

    def flaky_replace(*args: object, **kwargs: object) -> None:
        nonlocal replaced
        replaced += 1
        if swap == "two renames" and replaced == 4:  # a aside, a in, b aside, then b fails
            raise OSError(28, "No space left on device")
        real_replace(*args, **kwargs)  # type: ignore[arg-type]

    def flaky_exchange(
        fd: int | None, source: str, target: str, flags: int, into: int | None = None
    ) -> bool:
        nonlocal exchanged
        if flags != output.RENAME_EXCHANGE:
            return real_exchange(fd, source, target, flags, into)
        if swap == "two renames":
            return False
        exchanged += 1
        if exchanged == 2:  # a swapped in, then b fails
            raise OSError(28, "No space left on device")
        return real_exchange(fd, source, target, flags, into)

    monkeypatch.setattr(os, "replace", flaky_replace)
    monkeypatch.setattr(output, "renameat2", flaky_exchange)
    with pytest.raises(OutputError) as caught:
        write_files(folder, {"a.ics": "nieuw", "b.ics": "nieuw", "c.ics": "nieuw"}, force=True)
    assert "schijf vol" in str(caught.value)
    assert sorted(p.name for p in folder.iterdir()) == ["a.ics", "b.ics", "c.ics"]
    for name in "abc":
        assert (folder / f"{name}.ics").read_text(encoding="utf-8") == f"oud {name}"


def test_force_over_many_files_swaps_each_in_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    """The board's thousands of files replaced in one run: each new, none left over, the
    files this run does not write untouched (was quadratic in the number of files)."""
    folder = tmp_path / "uitnodigingen"
    write_files(folder, {f"{n}.eml": f"oud {n}" for n in range(3000)})
    (folder / "eigen.txt").write_text("van de school", encoding="utf-8")
    write_files(folder, {f"{n}.eml": f"nieuw {n}" for n in range(0, 3000, 2)}, force=True)
    names = {p.name for p in folder.iterdir()}
    assert names == {f"{n}.eml" for n in range(3000)} | {"eigen.txt"}
    assert (folder / "10.eml").read_text(encoding="utf-8") == "nieuw 10"
    assert (folder / "11.eml").read_text(encoding="utf-8") == "oud 11"
    assert (folder / "eigen.txt").read_text(encoding="utf-8") == "van de school"


def test_interrupted_write_into_a_new_folder_leaves_no_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gesprekken_cli.output as output

    def broken(folder: object, name: str, payload: bytes, mode: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(output, "_create", broken)
    with pytest.raises(KeyboardInterrupt):
        write_files(tmp_path / "nieuw", {"a.ics": "x"})
    assert list(tmp_path.iterdir()) == []


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


@pytest.mark.parametrize("dangling", [True, False])
def test_symlink_inside_the_folder_is_never_followed(tmp_path: Path, dangling: bool) -> None:
    outside = tmp_path / "van-een-ander"
    outside.mkdir()
    target = outside / "gestolen.ics"
    if not dangling:
        target.write_text("van een ander", encoding="utf-8")
    before = _tree(outside)
    folder = tmp_path / "agenda"
    folder.mkdir()
    (folder / "a.ics").symlink_to(target)
    with pytest.raises(OutputError) as caught:
        write_files(folder, {"a.ics": "nieuw", "b.ics": "nieuw"})
    assert caught.value.exit_code == 2 and "bestaat al: a.ics" in str(caught.value)
    assert not (folder / "b.ics").exists()
    write_files(folder, {"a.ics": "nieuw", "b.ics": "nieuw"}, force=True)
    assert not (folder / "a.ics").is_symlink()
    assert (folder / "a.ics").read_text(encoding="utf-8") == "nieuw"
    assert _tree(outside) == before
    assert target.exists() is not dangling


@pytest.mark.parametrize("dangling", [True, False])
def test_the_folder_itself_being_a_symlink_is_never_followed(
    tmp_path: Path, dangling: bool
) -> None:
    outside = tmp_path / "van-een-ander"
    if not dangling:
        outside.mkdir()
        (outside / "a.ics").write_text("van een ander", encoding="utf-8")
    folder = tmp_path / "agenda"
    folder.symlink_to(outside, target_is_directory=True)
    with pytest.raises(OutputError) as caught:
        write_files(folder, {"a.ics": "nieuw"})
    assert caught.value.exit_code == 2 and "symbolische koppeling" in str(caught.value)
    write_files(folder, {"a.ics": "nieuw"}, force=True)
    assert not folder.is_symlink() and folder.is_dir()
    assert (folder / "a.ics").read_text(encoding="utf-8") == "nieuw"
    if dangling:
        assert not outside.exists()
    else:
        assert (outside / "a.ics").read_text(encoding="utf-8") == "van een ander"
    expected = ["agenda"] if dangling else ["agenda", "van-een-ander"]
    assert sorted(p.name for p in tmp_path.iterdir()) == expected


@pytest.mark.parametrize(("mask", "expected"), [(0o077, 0o600), (0o022, 0o644), (0o002, 0o644)])
def test_files_honour_the_umask_and_are_never_wider_than_0644(
    tmp_path: Path, mask: int, expected: int
) -> None:
    old = os.umask(mask)
    try:
        write_atomic(tmp_path / "plan.json", "x")
        write_files(tmp_path / "nieuw", {"a.ics": "x"})
        (tmp_path / "bestaand").mkdir()
        write_files(tmp_path / "bestaand", {"a.ics": "x"})
    finally:
        os.umask(old)
    for path in (
        tmp_path / "plan.json",
        tmp_path / "nieuw" / "a.ics",
        tmp_path / "bestaand" / "a.ics",
    ):
        assert stat.S_IMODE(path.stat().st_mode) == expected, path
    assert stat.S_IMODE((tmp_path / "nieuw").stat().st_mode) == 0o755 & ~mask


def test_force_keeps_other_files_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    folder = tmp_path / "agenda"
    folder.mkdir()
    (folder / "eigen.txt").write_text("van de school", encoding="utf-8")
    (folder / "a.ics").write_text("oud", encoding="utf-8")
    write_files(folder, {"a.ics": "nieuw", "b.ics": "nieuw"}, force=True)
    assert _tree(folder) == {"a.ics": b"nieuw", "b.ics": b"nieuw", "eigen.txt": b"van de school"}
    assert sorted(p.name for p in folder.iterdir()) == ["a.ics", "b.ics", "eigen.txt"]


def test_a_new_folder_appears_whole_or_not_at_all(tmp_path: Path) -> None:
    write_files(tmp_path / "agenda", {"a.ics": "1", "b.ics": "2"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["agenda"]
    assert _tree(tmp_path / "agenda") == {"a.ics": b"1", "b.ics": b"2"}


def test_a_folder_made_meanwhile_by_another_run_is_not_mixed_into(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gesprekken_cli.output as output

    folder = tmp_path / "agenda"
    real = output._create

    def other_run_wins(where: object, name: str, payload: bytes, mode: int) -> None:
        if not folder.exists():
            folder.mkdir()
            (folder / "a.ics").write_text("van de andere run", encoding="utf-8")
        real(where, name, payload, mode)

    monkeypatch.setattr(output, "_create", other_run_wins)
    with pytest.raises(OutputError) as caught:
        write_files(folder, {"a.ics": "van deze run", "b.ics": "van deze run"})
    assert caught.value.exit_code == 2 and "deze run schreef niets" in str(caught.value)
    assert _tree(folder) == {"a.ics": b"van de andere run"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["agenda"]


def test_a_locked_folder_is_refused(tmp_path: Path, way: str) -> None:
    import fcntl

    if way == "paths":
        pytest.skip("the lock needs an open folder")

    folder = tmp_path / "agenda"
    folder.mkdir()
    handle = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        with pytest.raises(OutputError) as caught:
            write_files(folder, {"a.ics": "x"})
        assert "andere run" in str(caught.value)
    finally:
        os.close(handle)
    assert list(folder.iterdir()) == []


def test_the_folder_holding_the_output_may_be_reached_through_a_link(tmp_path: Path) -> None:
    """Only the output's own name is never followed: ``/tmp`` on macOS is a link, for one."""
    real = tmp_path / "echt"
    real.mkdir()
    via = tmp_path / "via"
    via.symlink_to(real, target_is_directory=True)
    write_atomic(via / "plan.json", "x")
    write_files(via / "agenda", {"a.ics": "x"})
    assert (real / "plan.json").read_text(encoding="utf-8") == "x"
    assert (real / "agenda" / "a.ics").read_text(encoding="utf-8") == "x"


def test_check_free_counts_a_dangling_link_as_existing(tmp_path: Path) -> None:
    from gesprekken_cli.output import check_free

    link = tmp_path / "samenvatting.json"
    link.symlink_to(tmp_path / "nergens.json")
    with pytest.raises(OutputError):
        check_free(link)
    check_free(link, force=True)
    check_free(tmp_path / "nieuw.json")


def test_many_files_are_made_durable_once_before_they_appear(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 16.6: no fsync per file in a folder (2–9 ms each on disk), one sync of the set,
    taken while the old output is still in place; a single file is still fsynced itself."""
    import gesprekken_cli.output as output

    folder = tmp_path / "agenda"
    calls: list[str] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        calls.append("fsync-dir" if stat.S_ISDIR(os.fstat(fd).st_mode) else "fsync-file")
        real_fsync(fd)

    def sync_once(*_: object) -> bool:
        shown = (folder / "a.ics").read_text(encoding="utf-8") if folder.exists() else None
        calls.append(f"sync (a.ics: {shown})")
        return True

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(output, "syncfs", sync_once)
    monkeypatch.setattr(os, "sync", sync_once)
    files = {f"{n}.ics": "nieuw" for n in "abcdef"}
    write_files(folder, files)
    assert calls.count("fsync-file") == 0
    assert calls.count("sync (a.ics: None)") == 1
    calls.clear()
    (folder / "a.ics").write_text("oud", encoding="utf-8")
    write_files(folder, files, force=True)
    assert calls == ["sync (a.ics: oud)"]
    assert (folder / "a.ics").read_text(encoding="utf-8") == "nieuw"
    calls.clear()
    write_atomic(tmp_path / "plan.json", "x")
    assert calls == ["fsync-file"]


def test_replacing_writes_the_new_files_in_a_fresh_hidden_folder_and_removes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The new set is created in a new folder inside the output folder (on ext4 its inodes
    are then away from the ones the previous run removed: creation ~10x faster), moved in,
    and the folder is gone afterwards."""
    import gesprekken_cli.output as output

    folder = tmp_path / "agenda"
    write_files(folder, {"a.ics": "oud", "b.ics": "oud"})
    where: set[Path] = set()
    real = output._create

    def create(into: output._Folder, name: str, payload: bytes, mode: int) -> None:
        where.add(into.path)
        real(into, name, payload, mode)

    monkeypatch.setattr(output, "_create", create)
    write_files(folder, {"a.ics": "nieuw", "c.ics": "nieuw"}, force=True)
    (stage,) = where
    assert stage.parent == folder and stage.name.startswith(".") and not stage.exists()
    assert sorted(p.name for p in folder.iterdir()) == ["a.ics", "b.ics", "c.ics"]
    assert (folder / "a.ics").read_text(encoding="utf-8") == "nieuw"
    assert (folder / "b.ics").read_text(encoding="utf-8") == "oud"
