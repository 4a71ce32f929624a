"""One sender at a time: an OS lock on `sync.lock` in the data folder, released even if the process dies."""

from __future__ import annotations

from db.folder_lock import FolderLock
from models.errors import UserError

LOCK_FILE = "sync.lock"


class SyncBusy(UserError):
    pass


class SyncLock(FolderLock):
    """`with SyncLock(data_dir):` holds the folder's sync lock or raises SyncBusy at once."""

    FILE_NAME = LOCK_FILE
    BUSY = SyncBusy
    MESSAGE = "Đang có một phiên đồng bộ khác chạy trên thư mục dữ liệu này: hãy chờ nó xong."
