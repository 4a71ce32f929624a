"""Names and version of the application, in one place for the GUI, the command line and the bundle."""

APP_NAME = "MotCua"
ORGANIZATION_NAME = "MotCua"
VERSION = "0.1.0"
DATABASE_FILE_NAME = "motcua.sqlite3"
