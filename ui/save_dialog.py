"""Save dialogs that open in the last folder used (the first time: Documents) with a sensible name."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget

from models.app_info import APP_NAME, ORGANIZATION_NAME

_LAST_FOLDER_KEY = "save_dialog/last_folder"


def _settings() -> QSettings:
    """Per Windows user (not per data folder): where this person keeps their files."""
    return QSettings(ORGANIZATION_NAME, APP_NAME)


def last_folder() -> Path:
    stored = _settings().value(_LAST_FOLDER_KEY)
    if stored and Path(str(stored)).is_dir():
        return Path(str(stored))
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(documents) if documents else Path.home()


def remember_folder(path: Path) -> None:
    _settings().setValue(_LAST_FOLDER_KEY, str(Path(path).parent))


def ask_save_path(parent: QWidget | None, title: str, file_name: str, kinds: str, suffix: str) -> Path | None:
    """Ask where to save `file_name` (`suffix` like '.xlsx' added when left out); remembers the folder."""
    path, _chosen = QFileDialog.getSaveFileName(parent, title, str(last_folder() / file_name), kinds)
    if not path:
        return None
    target = Path(path)
    if target.suffix.lower() != suffix.lower():
        target = target.with_name(target.name + suffix)
    remember_folder(target)
    return target


def ask_open_path(parent: QWidget | None, title: str, kinds: str) -> Path | None:
    path, _chosen = QFileDialog.getOpenFileName(parent, title, str(last_folder()), kinds)
    if not path:
        return None
    remember_folder(Path(path))
    return Path(path)
