"""Owner-only files: modes from creation, every missing folder private, nothing left behind on failure."""

import os
import stat

import pytest

from email_privacy.private_files import mkdir_private, private_file, write_private


def mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def test_write_private_modes_and_replace(tmp_path):
    old = os.umask(0o022)
    try:
        target = tmp_path / "a" / "b" / "report.json"
        assert write_private(target, b"one") == target
        assert target.read_bytes() == b"one" and mode(target) == 0o600
        assert mode(tmp_path / "a") == 0o700 and mode(tmp_path / "a" / "b") == 0o700
        write_private(target, b"two")
        assert target.read_bytes() == b"two" and mode(target) == 0o600
        assert sorted(p.name for p in target.parent.iterdir()) == ["report.json"]
    finally:
        os.umask(old)


def test_private_file_text_mode_and_failure_leaves_the_old_file(tmp_path):
    target = tmp_path / "list.csv"
    with private_file(target, "w", newline="", encoding="utf-8") as fh:
        fh.write("é\r\n")
    assert target.read_bytes() == "é\r\n".encode()
    with pytest.raises(RuntimeError), private_file(target) as fh:
        fh.write(b"partial")
        raise RuntimeError("stop")
    assert target.read_bytes() == "é\r\n".encode()
    assert [p.name for p in tmp_path.iterdir()] == ["list.csv"]


def test_mkdir_private_leaves_existing_folders_alone(tmp_path):
    existing = tmp_path / "shared"
    existing.mkdir(mode=0o755)
    os.chmod(existing, 0o755)
    mkdir_private(existing / "x" / "y")
    assert mode(existing) == 0o755
    assert mode(existing / "x") == 0o700 and mode(existing / "x" / "y") == 0o700
    mkdir_private(existing / "x")  # already there: no error


def test_mkdir_private_survives_another_process_creating_the_folder_first(tmp_path, monkeypatch):
    # Two cci runs snapshot at once: the folder appears between mkdir_private's check and its mkdir.
    target = tmp_path / "snapshots"
    real_exists = type(target).exists

    def exists_then_made_by_someone_else(path):
        if path == target and not real_exists(path):
            path.mkdir()
            return False
        return real_exists(path)

    monkeypatch.setattr(type(target), "exists", exists_then_made_by_someone_else)
    mkdir_private(target)
    assert target.is_dir() and mode(target) == 0o700
