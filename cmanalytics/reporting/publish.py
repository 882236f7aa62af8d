"""Writing a report folder safely: build it beside the target, then swap it in.

The rules (issue 12, "the report build never loses the last good reports"):

* One build at a time: a lock file ``.<name>.lock`` beside the target is held (``fcntl.flock``) for the
  whole build. A second build stops at once with :class:`~cmanalytics.errors.ReportError` naming the
  lock, or waits for it with ``wait=True``. The kernel releases the lock when a process dies, so a crash
  never leaves a stale lock behind.
* The new reports are written into a staging folder ``.<name>-build-<pid>`` beside the target (same file
  system, so the swap is a rename). Under the lock, staging folders and a half-swapped ``.<name>-old``
  left by an earlier build that was killed are cleared first (an old folder whose target is missing is
  put back: it was the last good reports).
* On success the staging folder is made world-readable (folders 0755, files 0644, whatever the umask)
  and exchanged with the target in one ``renameat2(RENAME_EXCHANGE)`` call where Linux offers it, else by
  two renames under the lock; the old reports are then removed.
* On any failure, including SIGTERM and SIGINT (see :func:`signals_as_exceptions`), the staging folder is
  removed and the target is left exactly as it was.
"""

from __future__ import annotations

import errno
import html
import os
import shutil
import signal
import threading
from contextlib import contextmanager
from pathlib import Path

from cmanalytics.errors import ReportError

DIR_MODE = 0o755
FILE_MODE = 0o644


class BuildInterrupted(BaseException):
    """SIGTERM or SIGINT arrived during a build (a BaseException, like KeyboardInterrupt, so that no
    ``except Exception`` in the build swallows it)."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


@contextmanager
def signals_as_exceptions():
    """Within the block, SIGTERM and SIGINT raise :class:`BuildInterrupted` in the main thread, so that the
    clean-up of :func:`staged_folder` runs. Outside the main thread (where Python cannot install
    handlers) the block runs unchanged."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        raise BuildInterrupted(signum)

    previous = {s: signal.signal(s, handler) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for s, h in previous.items():
            signal.signal(s, h)


def _lock_path(target: Path) -> Path:
    return target.with_name(f".{target.name}.lock")


@contextmanager
def build_lock(target: Path, *, wait: bool = False):
    """Hold the build lock of ``target`` (see the module docstring)."""
    import fcntl

    path = _lock_path(target)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "another process"
            raise ReportError(
                f"another build of {target} is running (pid {holder}, lock {path}); "
                "wait for it to finish, or pass wait=True (--wait) to queue behind it."
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _remove(path: Path) -> None:
    """Remove a folder tree, making read-only parts writable first (a read-only old report folder must not
    block every later build)."""

    def retry(func, p, exc):
        try:
            os.chmod(os.path.dirname(p), DIR_MODE)
            if os.path.isdir(p) and not os.path.islink(p):
                os.chmod(p, DIR_MODE)
            func(p)
        except OSError:
            pass

    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        import sys

        if sys.version_info >= (3, 12):
            shutil.rmtree(path, onexc=retry)
        else:
            shutil.rmtree(path, onerror=retry)


def clear_leftovers(target: Path) -> list[Path]:
    """Remove staging folders of killed builds beside ``target``; put a half-swapped old folder back when the
    target is missing. Call under the build lock. Returns what was removed."""
    removed = []
    old = target.with_name(f".{target.name}-old")
    if old.exists() and not target.exists():
        old.rename(target)  # a build died between its two renames: the old folder is the last good one
    for p in sorted(target.parent.glob(f".{target.name}-build-*")) + ([old] if old.exists() else []):
        _remove(p)
        removed.append(p)
    return removed


def publish_modes(folder: Path) -> None:
    """Folders 0755 and files 0644, whatever the umask was when they were written."""
    os.chmod(folder, DIR_MODE)
    for root, dirs, files in os.walk(folder):
        for d in dirs:
            os.chmod(os.path.join(root, d), DIR_MODE)
        for f in files:
            p = os.path.join(root, f)
            if not os.path.islink(p):
                os.chmod(p, FILE_MODE)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths with Linux's renameat2(RENAME_EXCHANGE); False where not available."""
    import ctypes
    import sys

    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    rc = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False  # old kernel or a file system without exchange: fall back to two renames
    raise OSError(err, os.strerror(err), str(b))


def swap_in(stage: Path, target: Path) -> None:
    """Make ``stage`` the ``target`` (the old target removed). Call under the build lock."""
    if target.exists() and not target.is_dir():
        raise ReportError(f"{target} exists and is not a folder; move it away and build again.")
    if target.exists():
        if _exchange(stage, target):
            _remove(stage)  # stage now holds the old reports
            return
        old = target.with_name(f".{target.name}-old")
        target.rename(old)
        stage.rename(target)
        _remove(old)
    else:
        stage.rename(target)


def describe_os_error(exc: OSError) -> str:
    """One line for a file-system failure: what, where."""
    what = {
        errno.ENOSPC: "no space left on the device",
        errno.EDQUOT: "disk quota exceeded",
        errno.EROFS: "read-only file system",
        errno.EACCES: "permission denied",
        errno.EPERM: "operation not permitted",
    }.get(exc.errno, exc.strerror or str(exc))
    where = f" ({exc.filename})" if exc.filename else ""
    return f"{what}{where}"


@contextmanager
def staged_folder(target: Path, *, wait: bool = False):
    """Yield a fresh staging folder beside ``target``; on success it replaces ``target`` whole.

    Any failure (an exception, SIGTERM/SIGINT turned into :class:`BuildInterrupted`) removes the staging
    folder and leaves ``target`` as it was; a file-system error (full disk, read-only target, permission)
    becomes a :class:`~cmanalytics.errors.ReportError` naming it.
    """
    target = Path(target).absolute()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(f"cannot create {target.parent}: {describe_os_error(exc)}.") from None
    try:
        with build_lock(target, wait=wait):
            clear_leftovers(target)
            stage = target.with_name(f".{target.name}-build-{os.getpid()}")
            stage.mkdir(mode=DIR_MODE)
            try:
                yield stage
                publish_modes(stage)
                swap_in(stage, target)
            except BaseException:
                _remove(stage)
                raise
    except OSError as exc:
        raise ReportError(f"the reports were not written, {target} is unchanged: {describe_os_error(exc)}.") from None


def index_page(title: str, sections: list[tuple], top: str = "") -> str:
    """A plain HTML index: per section a heading, a paragraph, its figures shown as thumbnails (each a link
    to the full-size PNG, when a section has a fourth element) and its files, one line per table with its
    formats side by side. ``top``: an HTML fragment shown first (the key numbers), already escaped."""
    parts = [
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(title)}</title>",
        "<style>body{font-family:system-ui,sans-serif;max-width:80em;margin:2em auto;padding:0 1em;"
        "line-height:1.45}figure{display:inline-block;width:31%;margin:0 1% 1em 0;vertical-align:top}"
        "figure img{width:100%;border:1px solid #ddd}figcaption{font-size:.8em;color:#555}"
        "li{margin:.1em 0}.fmt{margin-left:.6em}</style>",
        f"</head><body><h1>{html.escape(title)}</h1>",
        top,
    ]
    for heading, text, links, *images in sections:
        parts.append(f"<h2>{html.escape(heading)}</h2><p>{html.escape(text)}</p>")
        for src in images[0] if images else []:
            name = src.rsplit("/", 1)[-1]
            parts.append(
                f"<figure><a href='{html.escape(src)}'><img src='{html.escape(src)}' alt='{html.escape(name)}'>"
                f"</a><figcaption>{html.escape(name)}</figcaption></figure>"
            )
        groups: dict[str, list[str]] = {}
        for link in links:
            stem, _, ext = link.rpartition(".")
            groups.setdefault(stem if ext in ("csv", "xlsx", "md", "tex") else link, []).append(link)
        parts.append("<ul>")
        for stem, members in groups.items():
            if len(members) == 1 and members[0] == stem:
                parts.append(f"<li><a href='{html.escape(stem)}'>{html.escape(stem)}</a></li>")
                continue
            fmts = " ".join(
                f"<a class='fmt' href='{html.escape(m)}'>{html.escape(m.rpartition('.')[2].upper())}</a>"
                for m in members
            )
            parts.append(f"<li>{html.escape(stem)}{fmts}</li>")
        parts.append("</ul>")
    parts.append("</body></html>")
    return "\n".join(parts)
