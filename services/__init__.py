"""The service floor: one function per errand a clerk or a script can do, called by ui/ and cli/ alike.

Each module covers one area (reception, dossiers, catalog, posting, reports, accounts, backup, sync,
calendar, ...). A service takes plain values, does the whole errand (checks, writes, events, files) and
returns a typed result plus what changed. ui/ and cli/ call services/ (and models/ for pure rules and
labels), never db/ directly.
"""
