"""Files only their owner may read (mode 0600, folders 0700): reports, snapshots and lists hold people's data."""

import contextlib
import os
from pathlib import Path


def mkdir_private(path: Path) -> None:
    """Create `path` and any missing parents owner-only (mkdir's parents=True would use the umask for parents)."""
    missing = []
    while not path.exists():
        missing.append(path)
        path = path.parent
    for folder in reversed(missing):
        # exist_ok: another process (two cci runs at once) may create it between the check and here.
        folder.mkdir(mode=0o700, exist_ok=True)
        os.chmod(folder, 0o700)  # mkdir's mode is masked by the umask


@contextlib.contextmanager
def private_file(path: Path, mode: str = "wb", **open_args):
    path = Path(path)
    mkdir_private(path.parent)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    # os.open with the mode, rather than write then chmod, so the file is never readable by others.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, mode, **open_args) as fh:
            yield fh
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_private(path: Path, data: bytes) -> Path:
    with private_file(path) as fh:
        fh.write(data)
    return Path(path)
