"""Write files atomically: a temporary file beside the target, renamed over it when complete.

A pre-existing file is replaced only by a complete new one; on any failure the
temporary file is removed and the old file is untouched.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from pathlib import Path
from typing import Callable, Iterator

from ..errors import OutputError


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "the disk is full"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.EROFS:
        return "the file system is read-only"
    if exc.errno == errno.ENOENT:
        return "the folder does not exist"
    return exc.strerror or str(exc)


@contextlib.contextmanager
def atomic_path(target: Path | str, *, backup: Path | None = None) -> Iterator[Path]:
    """Yield a temporary path to write to; on success it replaces ``target``.

    With ``backup``, an existing target is first copied there.
    """
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(str(target), f"the folder {folder} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=target.suffix + ".tmp", dir=folder)
        os.close(fd)
    except OSError as exc:
        raise OutputError(str(target), _reason(exc)) from None
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        with open(tmp_path, "rb+") as fh:
            os.fsync(fh.fileno())
        if backup is not None and target.exists():
            shutil.copy2(target, backup)
        os.chmod(tmp_path, 0o644)
        os.replace(tmp_path, target)
    except OSError as exc:
        raise OutputError(str(target), _reason(exc)) from None
    finally:
        with contextlib.suppress(OSError):
            tmp_path.unlink()


def write_bytes(target: Path | str, data: bytes) -> None:
    with atomic_path(target) as tmp:
        tmp.write_bytes(data)


def write_text(target: Path | str, text: str) -> None:
    write_bytes(target, text.encode("utf-8"))


def write_with(target: Path | str, fn: Callable[[Path], None], *, backup: Path | None = None) -> None:
    """Call ``fn(tmp_path)`` to produce the file, then move it into place."""
    with atomic_path(target, backup=backup) as tmp:
        fn(tmp)
