"""Data and rules of the one-stop shop, free of Qt and of storage, shared by the GUI and the command line."""
