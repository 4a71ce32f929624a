"""The one error type that carries a message meant for the clerk, in Vietnamese."""


class UserError(Exception):
    """Bad input or an impossible request; `str(error)` is a one-line Vietnamese message.

    The GUI shows it in a dialog and the command line prints it and exits non-zero; code that raises
    it must not have changed anything.
    """


def os_reason(error: OSError) -> str:
    """Why a file operation failed, in Vietnamese (the OS's own text is English on most machines)."""
    import errno

    reasons = {
        errno.ENOENT: "không có tệp hoặc thư mục đó", errno.EACCES: "không có quyền", errno.EPERM: "không có quyền",
        errno.ENOSPC: "ổ đĩa đã đầy", errno.EROFS: "ổ đĩa chỉ đọc", errno.EISDIR: "đó là một thư mục",
        errno.ENOTDIR: "một phần của đường dẫn không phải thư mục", errno.EEXIST: "đã có tệp trùng tên",
        errno.ENAMETOOLONG: "tên tệp quá dài", errno.EINVAL: "tên hoặc đường dẫn không hợp lệ",
    }
    return reasons.get(error.errno or 0, error.strerror or type(error).__name__)


class SchemaTooNewError(UserError):
    """The database was written by a newer MotCua; opening it with this one could damage it."""
