"""The Qt desktop interface: one module per screen or dialog; no SQL here, only calls to db/ and models/."""
