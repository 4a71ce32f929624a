"""Finding bundled resources (fonts, sample catalog, icons) both from source and from the frozen app."""

import sys
from pathlib import Path


def resources_dir() -> Path:
    """resources/ beside the code, or inside PyInstaller's bundle (sys._MEIPASS) when frozen."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)
