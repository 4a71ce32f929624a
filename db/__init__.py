"""Storage: the SQLite connection, migrations and the queries that read and write models/ objects."""
