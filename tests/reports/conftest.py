"""Import paths for the report tests (the repository root and this folder's scenario), and its fixture."""

import sys
from pathlib import Path

import pytest

_HERE = Path(__file__).resolve().parent
for _path in (str(_HERE.parents[1]), str(_HERE)):
    if _path not in sys.path:
        sys.path.insert(0, _path)


@pytest.fixture
def scenario(db, data_dir, tmp_path):
    """The February 2026 dossiers of report_scenario, built through the dossier layer."""
    from report_scenario import build

    return build(db, data_dir, tmp_path)
