"""The fault log: masked personal data, a week kept, `logs --tail`, and one line for an unexpected CLI error."""

from __future__ import annotations

import logging
from logging.handlers import TimedRotatingFileHandler

import pytest

import services.logs as logs
from cli.parser import run_command

CCCD = "001203004567"


@pytest.fixture(autouse=True)
def fresh_log():
    logs.stop_logging()
    yield
    logs.stop_logging()


def test_a_fault_is_written_with_its_traceback_and_no_full_id(data_dir):
    path = logs.start_logging(data_dir)
    logs.mask_names("Nguyễn Thị Hoa")
    try:
        raise ValueError(f"hỏng khi lưu {CCCD} của Nguyễn Thị Hoa")
    except ValueError:
        logs.log_fault(f"nhận hồ sơ cho {CCCD}")
    text = path.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text and "ValueError" in text
    assert CCCD not in text and "001******567" in text
    assert "Nguyễn Thị Hoa" not in text


def test_the_log_rotates_at_midnight_and_keeps_a_week(data_dir):
    logs.start_logging(data_dir)
    handler = next(h for h in logging.getLogger("motcua").handlers if isinstance(h, TimedRotatingFileHandler))
    assert handler.when == "MIDNIGHT" and handler.backupCount == 7
    assert handler.baseFilename.endswith(str(logs.log_path(data_dir).relative_to(data_dir)))


def test_nothing_logged_leaves_no_folder(data_dir):
    logs.start_logging(data_dir)
    assert not (data_dir / "logs").exists()
    assert logs.tail(data_dir) == []


def test_logs_tail_prints_the_last_lines(data_dir, cli):
    logs.start_logging(data_dir)
    for number in range(30):
        logs.log.warning("dòng %d", number)
    logs.stop_logging()
    result = cli("--data-dir", str(data_dir), "logs", "--tail", "3")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 3 and lines[-1].endswith("dòng 29") and lines[0].endswith("dòng 27")


def test_an_unexpected_command_error_is_one_line_and_a_logged_traceback(data_dir, monkeypatch, capsys):
    def broken(*_args, **_kwargs):
        raise RuntimeError(f"lỗi lạ với {CCCD}")

    monkeypatch.setattr("cli.log_cmds.tail", broken)
    code = run_command(["--data-dir", str(data_dir), "logs"], lambda: data_dir)
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err and "lỗi không mong đợi" in err
    text = logs.log_path(data_dir).read_text(encoding="utf-8")
    assert "RuntimeError" in text and "Traceback" in text and CCCD not in text


def test_a_backup_carries_the_last_log_lines(data_dir, db):
    from services.backup import make_backup

    logs.start_logging(data_dir)
    logs.log.warning("trước khi sao lưu")
    result = make_backup(data_dir)
    assert any("trước khi sao lưu" in line for line in result.backup.manifest["log_tail"])
