"""Which screen fills each navigation area."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from ui.app_context import AppContext

AreaFactory = Callable[[AppContext], QWidget]


def _settings_area(context: AppContext) -> QWidget:
    from ui.settings_area import SettingsArea

    return SettingsArea(context)


def _catalog_area(context: AppContext) -> QWidget:
    from ui.catalog_screen import CatalogScreen

    return CatalogScreen(context)


def _posting_area(context: AppContext) -> QWidget:
    from ui.posting_screen import PostingScreen

    return PostingScreen(context)


def _reception_area(context: AppContext) -> QWidget:
    from ui.reception_screen import ReceptionScreen

    return ReceptionScreen(context)


def _dossiers_area(context: AppContext) -> QWidget:
    from ui.dossier_list_screen import DossierListScreen

    return DossierListScreen(context)


def _reports_area(context: AppContext) -> QWidget:
    from PySide6.QtCore import QTimer

    from ui.dashboard_screen import DashboardScreen

    screen = DashboardScreen(context)
    # A leader sees where the unit stands at a glance: this month's figures load (in a worker) as soon
    # as the area is first opened, without a click.
    QTimer.singleShot(0, screen.refresh)
    return screen


def _sync_area(context: AppContext) -> QWidget:
    from ui.sync_screen import SyncScreen

    return SyncScreen(context)


def area_factories() -> dict[str, AreaFactory]:
    """Area key -> factory. Screens are imported lazily so start-up stays quick."""
    return {
        "reception": _reception_area,
        "dossiers": _dossiers_area,
        "catalog": _catalog_area,
        "posting": _posting_area,
        "reports": _reports_area,
        "sync": _sync_area,
        "settings": _settings_area,
    }
