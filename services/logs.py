"""The fault log: a rotating file `logs/motcua.log` in the data folder that a clerk can send.

Standard `logging` with a midnight-rotating handler keeping a week (as Vorta's `log.py` does); every
record passes a filter that masks căn cước numbers (12 digits) and any applicant name registered with
`mask_names`, so the log never holds personal data. The window and the command line both write here.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import deque
from logging.handlers import TimedRotatingFileHandler
from pathlib import Path

from models.roles import mask_cccd

LOGS_DIR = "logs"
LOG_FILE = "motcua.log"
KEEP_DAYS = 7
LOGGER_NAME = "motcua"

# Căn cước numbers (12 digits) and old CMND ones (9) standing alone, masked by the one rule the screens use
# for roles without view_full_id (models.roles.mask_cccd).
_ID_PATTERN = re.compile(r"(?<!\d)(?:\d{12}|\d{9})(?!\d)")
_names: set[str] = set()
_names_lock = threading.Lock()

log = logging.getLogger(LOGGER_NAME)


def log_path(data_dir: Path) -> Path:
    return Path(data_dir) / LOGS_DIR / LOG_FILE


def mask_personal(text: str) -> str:
    """Mask ID numbers and the registered names in `text`."""
    text = _ID_PATTERN.sub(lambda match: mask_cccd(match.group()), text)
    with _names_lock:
        names = sorted(_names, key=len, reverse=True)
    for name in names:
        text = text.replace(name, "***")
    return text


def mask_names(*names: str) -> None:
    """Names seen in this process (applicants) that must never reach the log."""
    with _names_lock:
        _names.update(name.strip() for name in names if name and len(name.strip()) >= 3)


class PersonalDataFilter(logging.Filter):
    """Rewrites each record's message and traceback with personal data masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask_personal(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_personal(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_personal(record.stack_info)
        return True


class _FolderHandler(TimedRotatingFileHandler):
    """Creates `logs/` only when the first record is written (a command that logs nothing leaves no trace)."""

    def _open(self):  # noqa: ANN202 - logging's own hook
        Path(self.baseFilename).parent.mkdir(parents=True, exist_ok=True)
        return super()._open()


_handler: _FolderHandler | None = None


def start_logging(data_dir: Path) -> Path:
    """Send MotCua's log to the data folder's rotating file (again for another folder); returns its path."""
    global _handler
    path = log_path(data_dir)
    if _handler is not None:
        if Path(_handler.baseFilename) == path.resolve():
            return path
        stop_logging()
    handler = _FolderHandler(path, when="midnight", backupCount=KEEP_DAYS, encoding="utf-8", delay=True)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s [%(threadName)s] %(name)s: %(message)s"))
    handler.addFilter(PersonalDataFilter())
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    _handler = handler
    return path


def stop_logging() -> None:
    global _handler
    if _handler is not None:
        log.removeHandler(_handler)
        _handler.close()
        _handler = None


def log_fault(what: str, error: BaseException | None = None) -> None:
    """Write an unexpected error with its traceback (the one being handled, or `error`'s)."""
    if error is None:
        log.error(what, exc_info=True)
    else:
        log.error(what, exc_info=(type(error), error, error.__traceback__))


def tail(data_dir: Path, count: int = 50) -> list[str]:
    """The last `count` lines of the current log file (empty when nothing was logged yet)."""
    path = log_path(data_dir)
    if count <= 0 or not path.is_file():
        return []
    with path.open(encoding="utf-8", errors="replace") as file:
        return [line.rstrip("\n") for line in deque(file, maxlen=count)]


def current_log() -> Path | None:
    """The file this process logs to, if logging was started."""
    return Path(_handler.baseFilename) if _handler is not None else None


def fault_message(data_dir: Path | None = None) -> str:
    """The clerk's box: what happened, that nothing was lost, where the log is."""
    path = log_path(data_dir) if data_dir else current_log()
    where = f"\n\nChi tiết kỹ thuật đã được ghi vào tệp nhật ký:\n{path}" if path else ""
    return ("MotCua gặp một lỗi không mong đợi và đã dừng thao tác vừa rồi.\n"
            "Dữ liệu đã lưu trước đó không bị mất; thao tác dở dang không được ghi một nửa."
            f"{where}\n\nNếu lỗi lặp lại, hãy gửi tệp này cho người hỗ trợ kỹ thuật.")


def fault_line(data_dir: Path | None = None) -> str:
    """The command line's one line for an unexpected error."""
    path = log_path(data_dir) if data_dir else current_log()
    where = f" Chi tiết trong {path}." if path else ""
    return f"lỗi không mong đợi; dữ liệu không bị thay đổi dở dang.{where}"


def bug_report(data_dir: Path, version: str, lines: int = 30) -> str:
    """The text a clerk copies into a bug report: version, data folder, the log's last lines (masked)."""
    last = tail(data_dir, lines)
    body = "\n".join(last) if last else "(nhật ký trống)"
    return (f"MotCua {version}\nThư mục dữ liệu: {data_dir}\nTệp nhật ký: {log_path(data_dir)}\n\n"
            f"Các dòng cuối của nhật ký:\n{body}")
