"""The one error type that carries a message meant for the clerk, in Vietnamese."""


class UserError(Exception):
    """Bad input or an impossible request; `str(error)` is a one-line Vietnamese message.

    The GUI shows it in a dialog and the command line prints it and exits non-zero; code that raises
    it must not have changed anything.
    """


class SchemaTooNewError(UserError):
    """The database was written by a newer MotCua; opening it with this one could damage it."""
