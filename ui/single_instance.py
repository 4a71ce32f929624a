"""One window per data folder: a second start is refused with a clear message and brings the first forward.

Two windows on one database would each keep their own idea of what is on screen, and each would run
its own exit backup; a lock file in the data folder (db.folder_lock, released by the OS if MotCua dies)
decides who is first, and a QLocalServer named after the folder lets the second start ask the first
to come to the front.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from models.errors import UserError
from services.folder import WindowLock

ALREADY_OPEN = ("MotCua đang mở với thư mục dữ liệu này ({folder}): không mở cửa sổ thứ hai, vì hai cửa sổ "
                "cùng ghi một dữ liệu dễ gây nhầm lẫn. Cửa sổ đang mở đã được đưa lên trước; hãy dùng cửa sổ đó.")
_RAISE = b"show\n"
_WAIT_MS = 1000


def server_name(folder: Path) -> str:
    """A name per data folder, short enough for every OS (Unix socket paths are limited)."""
    digest = hashlib.sha256(str(Path(folder).resolve()).encode("utf-8")).hexdigest()[:16]
    return f"motcua-{digest}"


class SingleInstance(QObject):
    """`acquire()` True: this process owns the folder's window (and `show_requested` fires when a later
    start asks for it); False: another window has it and was asked to come forward."""

    show_requested = Signal()

    def __init__(self, folder: Path, parent: QObject | None = None):
        super().__init__(parent)
        self.folder = Path(folder)
        self.name = server_name(self.folder)
        self.lock: WindowLock | None = None
        self.server: QLocalServer | None = None

    def acquire(self) -> bool:
        self.folder.mkdir(parents=True, exist_ok=True)
        lock = WindowLock(self.folder)
        try:
            lock.__enter__()
        except UserError:
            self._ask_first_to_show()
            return False
        self.lock = lock
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not self.server.listen(self.name):  # a socket left by a crashed run: we hold the lock, so clear it
            QLocalServer.removeServer(self.name)
            self.server.listen(self.name)
        self.server.newConnection.connect(self._connection)
        return True

    def _ask_first_to_show(self) -> None:
        socket = QLocalSocket()
        socket.connectToServer(self.name)
        if socket.waitForConnected(_WAIT_MS):
            socket.write(_RAISE)
            socket.waitForBytesWritten(_WAIT_MS)
            socket.disconnectFromServer()

    def _connection(self) -> None:
        """The later start writes its one line right after connecting: read it here and hang up (the
        socket stays a child of the server; no signals left pending on it)."""
        while self.server is not None and self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            if socket.bytesAvailable() or socket.waitForReadyRead(_WAIT_MS):
                asked = bytes(socket.readAll().data()).startswith(_RAISE.strip())
            else:
                asked = False
            socket.abort()
            if asked:
                self.show_requested.emit()

    def release(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None
        if self.lock is not None:
            self.lock.__exit__(None, None, None)
            self.lock = None
