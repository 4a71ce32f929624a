"""Sync: the event log pushed to and pulled from a hub, by network or USB file (see sync/README.md)."""
