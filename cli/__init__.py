"""The command line: a thin layer over models/ and db/, for scripts, scheduled tasks and tests."""
