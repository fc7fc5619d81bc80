"""Reliable output files: atomic writes, exclusive outputs, clean interrupts (``ncgain.fileio``).

Every file ncgain writes goes through this module:

* :func:`atomic_output` (and the helpers :func:`write_text`, :func:`write_netcdf`,
  :func:`save_figure`) write to a temporary name in the destination's folder,
  flush it to disk (``fsync``) and rename it into place with :func:`os.replace`.
  A reader sees either the previous file or the complete new one, never a
  partial file; a failure or an interrupt removes the temporary.
* :func:`exclusive_output` takes a lock beside an output (``NAME.lock``, created
  with ``O_EXCL``) for the duration of a run. A second concurrent run that
  targets the same output fails at once with a message naming the process that
  holds it; a lock left by a killed process is taken over.
* :func:`handle_interrupts` turns SIGINT and SIGTERM into an :class:`Interrupted`
  exception. Inside :func:`critical` sections (all file writing) the signal is
  deferred to the end of the section. Why: a KeyboardInterrupt raised inside
  ``xarray.Dataset.to_netcdf`` can fire while xarray's global HDF5 lock (a
  non-reentrant ``threading.Lock``) is held; the ``finally`` of ``to_netcdf``
  then calls ``store.close()``, which waits for that same lock forever. A
  faulthandler dump of the hung ``ncgain reproduce`` showed exactly this
  (``xarray/backends/locks.py acquire`` <- ``file_manager.close`` <-
  ``writers.to_netcdf``); it happened in 2 of 10 Ctrl-Cs timed at 2-20 ms
  after a netCDF file appeared. Deferring the signal until the write has
  returned removes the hang; the writes of ncgain's files take milliseconds.
* :func:`check_writable_dir` checks, before any work, that an output folder can
  be created and written.
"""

from __future__ import annotations

import contextlib
import os
import signal
import tempfile
import threading
from pathlib import Path

__all__ = ["atomic_output", "write_text", "write_netcdf", "save_figure", "exclusive_output",
           "OutputBusyError", "Interrupted", "handle_interrupts", "critical",
           "check_writable_dir", "remove_temporaries", "TEMP_SUFFIX"]

#: Suffix of the temporaries; ``.NAME.<random>.tmp`` beside the destination.
TEMP_SUFFIX = ".tmp"

_live_temporaries: set[Path] = set()
_state = threading.local()


class Interrupted(BaseException):
    """Raised in the main thread when the process receives SIGINT or SIGTERM.

    A :class:`BaseException` (like KeyboardInterrupt), so ``except Exception``
    blocks do not swallow it. ``signum`` is the signal number; the conventional
    exit status is ``128 + signum`` (130 for SIGINT, 143 for SIGTERM).

    Parameters
    ----------
    signum : int
        The signal received.
    """

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_status(self) -> int:
        """128 + the signal number."""
        return 128 + self.signum


class OutputBusyError(OSError):
    """Another running process is writing the same output."""


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def remove_temporaries() -> list[Path]:
    """Delete every temporary of this process that has not been renamed into place.

    Returns
    -------
    list of Path
        The temporaries removed.
    """
    removed = []
    for tmp in list(_live_temporaries):
        with contextlib.suppress(OSError):
            tmp.unlink()
            removed.append(tmp)
        _live_temporaries.discard(tmp)
    return removed


@contextlib.contextmanager
def atomic_output(path):
    """Write a file atomically: yield a temporary path, then rename it to ``path``.

    Parameters
    ----------
    path : str or Path
        Destination. Its folder must exist. The temporary
        ``.<name>.<random>.tmp`` is created in the same folder (a rename across
        file systems would not be atomic).

    Yields
    ------
    Path
        Where the caller writes the complete file (it may be reopened by name,
        as netCDF and matplotlib writers do).

    Raises
    ------
    OSError
        If the folder is not writable; the temporary is removed on any error,
        on :class:`Interrupted` and on KeyboardInterrupt.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> with atomic_output(d / "a.txt") as tmp:
    ...     _ = tmp.write_text("complete")
    >>> (d / "a.txt").read_text(), sorted(p.name for p in d.iterdir())
    ('complete', ['a.txt'])
    """
    path = Path(path)
    with critical():
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
        os.close(fd)
        tmp = Path(name)
        _live_temporaries.add(tmp)
    try:
        yield tmp
        with critical():
            fd = os.open(tmp, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
            # mkstemp creates mode 0600; give the file the usual umask permissions.
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)
            os.replace(tmp, path)
            _live_temporaries.discard(tmp)
            _fsync_dir(path.parent)
    finally:
        if tmp in _live_temporaries:
            with contextlib.suppress(OSError):
                tmp.unlink()
            _live_temporaries.discard(tmp)


def write_text(path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically.

    Parameters
    ----------
    path : str or Path
        Destination (its folder must exist).
    text : str
        The complete content.

    Returns
    -------
    Path
        ``path``.
    """
    path = Path(path)
    with atomic_output(path) as tmp, critical():
        tmp.write_text(text, encoding="utf-8")
    return path


def write_netcdf(ds, path) -> Path:
    """Write an :class:`xarray.Dataset` to ``path`` (netCDF) atomically.

    The write runs as a :func:`critical` section: an interrupt waits until the
    file is complete (or the write failed), then the temporary is removed.

    Parameters
    ----------
    ds : xarray.Dataset
        The dataset.
    path : str or Path
        Destination (its folder must exist).

    Returns
    -------
    Path
        ``path``.
    """
    path = Path(path)
    with atomic_output(path) as tmp, critical():
        ds.to_netcdf(tmp)
    return path


def save_figure(fig, path, **kwargs) -> Path:
    """``fig.savefig`` to ``path`` atomically (format from the suffix of ``path``).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure.
    path : str or Path
        Destination (its folder must exist).
    **kwargs
        Passed to ``fig.savefig`` (``format`` defaults to the suffix).

    Returns
    -------
    Path
        ``path``.
    """
    import io
    path = Path(path)
    kwargs.setdefault("format", path.suffix.lstrip(".") or None)
    # Render outside the critical section (it can take seconds and holds no lock that
    # an interrupt could leave taken); only the write of the bytes is deferred-signal.
    buffer = io.BytesIO()
    fig.savefig(buffer, **kwargs)
    with atomic_output(path) as tmp, critical():
        tmp.write_bytes(buffer.getvalue())
    return path


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextlib.contextmanager
def exclusive_output(path, lock=None):
    """Hold a lock file while a run produces ``path``.

    Parameters
    ----------
    path : str or Path
        The output file or folder.
    lock : str or Path, optional
        The lock file; default ``<path>.lock`` beside ``path`` (whose folder
        must exist). For an output folder pass a name inside it.

    Raises
    ------
    OutputBusyError
        If another live process holds the lock: the message names the output
        and the process id. A lock whose process no longer exists (killed) is
        taken over.
    """
    path = Path(path)
    lock = path.with_name(path.name + ".lock") if lock is None else Path(lock)
    for _ in range(3):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            try:
                pid = int(lock.read_text().strip() or 0)
            except (OSError, ValueError):
                pid = 0
            if pid and _pid_alive(pid) and pid != os.getpid():
                raise OutputBusyError(
                    f"{path} is being written by another ncgain run (process {pid}); wait for "
                    f"it to finish or choose another output (remove {lock} if that process "
                    "is not ncgain)") from None
            if pid == 0:
                # A lock being created this very moment (empty): treat as busy.
                raise OutputBusyError(f"{path} is being written by another ncgain run "
                                      f"(lock {lock}); choose another output") from None
            with contextlib.suppress(FileNotFoundError):
                lock.unlink()      # stale: its process is gone
            continue
        with os.fdopen(fd, "w") as fh:
            fh.write(f"{os.getpid()}\n")
        break
    else:  # pragma: no cover (three races in a row)
        raise OutputBusyError(f"could not lock {path}; another run keeps taking it")
    try:
        yield path
    finally:
        with contextlib.suppress(OSError):
            if lock.read_text().strip() == str(os.getpid()):
                lock.unlink()


def check_writable_dir(folder, what: str = "output folder") -> Path:
    """Create ``folder`` if needed and check that files can be created in it.

    Parameters
    ----------
    folder : str or Path
    what : str
        How the folder is named in the error message (e.g. ``"--out"``).

    Returns
    -------
    Path

    Raises
    ------
    OSError
        With a one-line message naming ``what`` and the folder, before any work.
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise OSError(f"{what} {folder}: exists and is not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=".ncgain-write-check.", dir=folder)
        os.close(fd)
        os.unlink(name)
    except OSError as exc:
        raise OSError(f"{what} {folder}: not writable ({exc.strerror or exc})") from None
    return folder


# ----------------------------------------------------------------------------- interrupts

def _depth() -> int:
    return getattr(_state, "depth", 0)


@contextlib.contextmanager
def critical():
    """A section that a SIGINT/SIGTERM does not interrupt: it is raised at its end.

    Only has an effect in the main thread under :func:`handle_interrupts`.
    """
    _state.depth = _depth() + 1
    try:
        yield
    finally:
        _state.depth -= 1
        pending = getattr(_state, "pending", None)
        if _state.depth == 0 and pending is not None:
            _state.pending = None
            raise Interrupted(pending)


def _handler(signum, frame):  # noqa: ARG001 (signal API)
    if _depth() > 0:
        if getattr(_state, "pending", None) is None:
            _state.pending = signum
        return
    raise Interrupted(signum)


@contextlib.contextmanager
def handle_interrupts():
    """Turn SIGINT and SIGTERM into :class:`Interrupted` while the block runs.

    On leaving the block (normally or by an exception) every temporary of
    this process is removed and the previous handlers are restored. Must be
    entered in the main thread.
    """
    previous = {s: signal.signal(s, _handler) for s in (signal.SIGINT, signal.SIGTERM)}
    _state.pending = None
    try:
        yield
    finally:
        # A further signal during the clean-up is deferred, then raised as Interrupted.
        with critical():
            remove_temporaries()
            for s, h in previous.items():
                signal.signal(s, h)
