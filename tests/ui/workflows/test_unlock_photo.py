"""The in-person unlock dialog with the order's photo beside the plan (as at activation),
Shift+F6 (F18) to enlarge it; without one, or with a stored one that cannot be read, the words to
compare with the identity document only; a photo mismatch refuses before anyone types.
Snapshots at 80×24 in Swedish and English, with the photo."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Input

from kiosk.domain.types import Role
from kiosk.i18n import Catalogue
from kiosk.services.workflows.activation import ActivationService
from kiosk.services.workflows.blocking import BlockingService
from kiosk.services.workflows.puk import CachedPukSource
from kiosk.services.workflows.unlock import UnlockService
from screens.photo_view import PhotoView
from screens.workflows.activation import ActivationScreen
from screens.workflows.photo_compare import PhotoZoomDialog
from screens.workflows.unlock import UnlockScreen
from tests.support.photos import order_photo
from tests.support.ui_workflows import Host, message, settle
from tests.support.world import World
from tests.ui.helpers import text_of, type_text
from tests.unit.workflows.test_photo_comparison import ordered, portrait

SIZE = (80, 24)

pytestmark = pytest.mark.filterwarnings("ignore:Image.Image.getdata:DeprecationWarning")


def _locked_7xx(world: World, serial: str, *, photo: bool = True) -> None:
    made = ordered(
        world, serial, portrait() if photo else None, state="active", product_number="701"
    )
    world.lock(made)
    world.insert(made)


def _host(world: World, serial: str, lang: str = "en", *, mismatch: bool = False) -> Host:
    service = UnlockService(
        world.services, card_opener=world.opener(), puk_source=CachedPukSource(world.store)
    )
    visit = world.visit(Role.ID_ADMIN)
    if mismatch:  # the clerk said the photo is not the person
        visit.likeness_confirmed = False
    return Host(
        lambda: UnlockScreen(
            Catalogue(lang), service, visit, serial, blocking=BlockingService(world.services)
        )
    )


async def test_r1_unlock_in_person_shows_the_order_photo(world: World) -> None:
    _locked_7xx(world, "U701")
    app = _host(world, "U701")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        view = app.screen.query_one("#unlock-photo", PhotoView)
        assert view.display and view.jpeg == portrait().jpeg
        assert "Compare the person with the photo from the order" in text_of(app, "#photo-compare")
        await pilot.press("f18")
        await settle(pilot)
        assert isinstance(app.screen, PhotoZoomDialog)
        assert app.screen.query_one("#zoom-photo", PhotoView).jpeg == portrait().jpeg
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, UnlockScreen)


async def test_r1_unlock_without_photo_records_document_only(world: World) -> None:
    _locked_7xx(world, "U702", photo=False)
    app = _host(world, "U702")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not app.screen.query_one("#unlock-photo", PhotoView).display
        assert "identity document only" in text_of(app, "#photo-compare")
        await pilot.press("f18")  # nothing to enlarge
        await settle(pilot)
        assert isinstance(app.screen, UnlockScreen)
        await type_text(pilot, "271828")
        await pilot.press("enter")
        await type_text(pilot, "271828")
        await pilot.press("enter")
        await settle(pilot)
        assert "unlocked" in message(app)
    [*_, (kind, payload, _, _)] = world.events()
    assert kind == "card.unlocked_in_person" and payload["photo_compared"] == "document_only"


async def test_r1_unlock_photo_mismatch_refuses_before_anyone_types(world: World) -> None:
    _locked_7xx(world, "U703")
    app = _host(world, "U703", mismatch=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not any(field.display for field in app.screen.query(Input))
        assert "identity" in message(app).lower()
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert not [kind for kind, *_ in world.events() if kind.startswith("card.unlocked")]


async def test_r1_an_unreadable_stored_photo_is_said_and_compared_as_document_only(
    world: World,
) -> None:
    ordered(world, "U704", order_photo(9))  # stored, but no picture inside
    service = ActivationService(world.services)
    app = Host(lambda: ActivationScreen(Catalogue("en"), service, world.visit()))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_text(pilot, "U704")
        await pilot.press("enter")
        await settle(pilot)
        assert not app.screen.query_one("#activation-photo", PhotoView).display
        assert "could not be read" in text_of(app, "#photo-compare")
        await pilot.press("ctrl+s")
        await settle(pilot)
    [*_, (kind, payload, _, _)] = world.events()
    assert kind == "card.activated" and payload["photo_compared"] == "document_only"


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_snapshot_unlock_in_person_with_photo(snap_compare: Any, world: World, lang: str) -> None:
    _locked_7xx(world, "U705")

    async def planned(pilot: Any) -> None:
        await settle(pilot)

    assert snap_compare(_host(world, "U705", lang), terminal_size=SIZE, run_before=planned)
