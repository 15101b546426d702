"""A customer visit: identity check (R1) with each check shown, photo likeness, the
customer's card matched to the holder; ending the visit clears the holder from screen."""

from __future__ import annotations

from textual.widgets import Input, Select

from kiosk.i18n import Catalogue
from screens.home import HomeScreen
from screens.visit import VisitScreen
from tests.support.ui_world import World, make_app
from tests.ui.helpers import all_text, log_in, settle, text_of, type_text

SV = Catalogue("sv")


async def _visit_with_scan(pilot, world: World, document: str) -> None:
    await log_in(pilot, world)
    await pilot.press("f2")
    await settle(pilot)
    world.readers.scan(world.zone(document))
    await settle(pilot)


async def test_r1_valid_document_checks_shown_then_photo_and_card_match(world: World) -> None:
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await _visit_with_scan(pilot, world, "swedish-passport")
        assert isinstance(app.screen, VisitScreen)
        assert "P<SWEOEBERG<<AASA<LINNEA" in text_of(app, "#zone")
        checks = text_of(app, "#checks")
        for key in ("zone", "expiry", "kind_allowed", "personnummer", "name"):
            assert "✓ " + SV(f"documents.check.{key}") in checks
        assert SV("ui.visit.identity.accepted") in checks
        assert "Åsa Linnéa Öberg" in text_of(app, "#visit-head")
        assert SV("ui.visit.photo_question") in text_of(app, "#likeness")
        await pilot.press("f5")
        await settle(pilot)
        assert SV("ui.visit.photo_yes") in text_of(app, "#likeness")
        assert world.recorder.records[-1].photo_matches is True
        assert app.ctx.session.visit.identity_done
        world.insert("customer", "asa")
        await settle(pilot)
        assert "✓ " + SV("ui.visit.card.matched", serial="9752269000000201", state="aktivt") in (
            text_of(app, "#card")
        )


async def test_r1_expired_document_is_refused(world: World) -> None:
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await _visit_with_scan(pilot, world, "expired-swedish-passport")
        checks = text_of(app, "#checks")
        assert "✗ " + SV("documents.refusal.expired") in checks
        assert SV("ui.visit.identity.refused") in checks
        await pilot.press("f5")
        await settle(pilot)
        assert SV("ui.visit.check_first") in text_of(app, "#visit-message")
        assert not app.ctx.session.visit.identity_done


async def test_r1_digital_id_typed_in_is_refused(world: World) -> None:
    import datetime as dt

    from clock import local_date

    valid_to = local_date(world.clock()) + dt.timedelta(days=4 * 365)  # in date: only the kind
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, world)
        await pilot.press("f2", "f8")  # visit, then manual entry
        await settle(pilot)
        app.screen.query_one("#kind", Select).value = "digital_id"
        for field, value in (
            ("number", "BANKID1"),
            ("personnummer", "19850312-2387"),
            ("surname", "Öberg"),
            ("given_names", "Åsa Linnéa"),
            ("expiry", valid_to.isoformat()),
        ):
            app.screen.query_one(f"#{field}", Input).focus()
            await type_text(pilot, value)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, VisitScreen)
        checks = text_of(app, "#checks")
        assert "✗ " + SV("documents.refusal.digital_id") in checks
        assert SV("ui.visit.identity.refused") in checks


async def test_r1_unlock_needs_swedish_document(world: World) -> None:
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, world)
        await pilot.press("f3")
        await type_text(pilot, "Kari")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("f2")  # visit for the holder found
        await settle(pilot)
        assert isinstance(app.screen, VisitScreen)
        await pilot.press("f4", "f4")  # general → activation → unlock
        assert SV("ui.visit.purpose.unlock") in text_of(app, "#visit-head")
        world.readers.scan(world.zone("foreign-passport"))
        await settle(pilot)
        checks = text_of(app, "#checks")
        assert "✗ " + SV("documents.refusal.not_swedish") in checks
        assert SV("ui.visit.identity.refused") in checks


async def test_r1_document_of_another_person_is_a_mismatch(world: World) -> None:
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, world)
        await pilot.press("f3")
        await type_text(pilot, "198503122387")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        world.readers.scan(world.zone("swedish-id-card"))  # Jöns's card, not Åsa's
        await settle(pilot)
        checks = text_of(app, "#checks")
        assert "✗ " + SV("documents.refusal.personnummer_mismatch") in checks
        assert SV("ui.visit.identity.refused") in checks


async def test_customer_card_of_another_person_is_not_matched(world: World) -> None:
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await _visit_with_scan(pilot, world, "swedish-passport")
        world.insert("customer", "jons")
        await settle(pilot)
        assert SV("ui.visit.card.other_person", serial="9752269000000202") in text_of(app, "#card")


async def test_ending_the_visit_clears_the_holder(world: World) -> None:
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await _visit_with_scan(pilot, world, "swedish-passport")
        assert "Öberg" in all_text(app)
        await pilot.press("f10")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert app.ctx.session.visit is None
        assert "Öberg" not in all_text(app) and "OEBERG" not in all_text(app)


async def test_scan_while_locked_does_nothing(world: World) -> None:
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        world.readers.scan(world.zone("swedish-passport"))
        await settle(pilot)
        assert app.ctx.session.visit is None
        assert "OEBERG" not in all_text(app)


async def test_document_without_personnummer_asks_to_find_the_holder_first(world: World) -> None:
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await _visit_with_scan(pilot, world, "foreign-passport")
        assert SV("error.visit.no_holder") in text_of(app, "#visit-message")
        assert app.ctx.session.visit.identity is None


async def test_device_error_on_customer_card_is_shown_not_crashed(world: World) -> None:
    from devices.virtual.factory import CardFactory

    odd = CardFactory(world.pki, master_secret=b"x").personalise(piv_applet=False, serial="1")
    world.cards["odd"] = odd
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await _visit_with_scan(pilot, world, "swedish-passport")
        world.insert("customer", "odd")
        await settle(pilot)
        assert SV("error.card.not_piv") in text_of(app, "#card")
        world.remove("customer")
        await settle(pilot)
        assert SV("ui.visit.card.none") in text_of(app, "#card")
        assert app.is_running


def _renamed_zone(world: World) -> str:
    """Åsa's passport, valid five more years, under a name she does not have on record."""
    import datetime as dt

    from clock import local_date
    from kiosk.documents.mrz import TD3
    from kiosk.documents.mrz_compose import ZoneFields, compose

    today = local_date(world.clock())

    return "\n".join(
        compose(
            TD3,
            ZoneFields(
                document_code="P",
                issuing_state="SWE",
                document_number="AB7654321",
                nationality="SWE",
                surname="Andersson",  # the holder on record is Öberg
                given_names="Åsa Linnéa",
                birth_date=dt.date(1985, 3, 12),
                expiry_date=dt.date(today.year + 5, today.month, min(today.day, 28)),
                sex="F",
                optional_data="8503122387",
            ),
        )
    )


async def test_r1_name_mismatch_continues_only_with_a_reason(world: World) -> None:
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, world)
        await pilot.press("f2")
        await settle(pilot)
        world.readers.scan(_renamed_zone(world))
        await settle(pilot)
        checks = text_of(app, "#checks")
        assert "✗ " + SV("documents.mismatch.name") in checks
        assert SV("ui.visit.identity.mismatch") in checks
        await pilot.press("f5")
        await settle(pilot)
        await type_text(pilot, "Gift, nytt namn")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, VisitScreen)
        assert app.ctx.session.visit.identity_done
        assert world.recorder.records[-1].result.value == "approved_with_reason"
        assert SV("ui.visit.continued_with_reason") in text_of(app, "#likeness")


async def test_r1_mismatch_without_reason_ends_the_check(world: World) -> None:
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await log_in(pilot, world)
        await pilot.press("f2")
        await settle(pilot)
        world.readers.scan(_renamed_zone(world))
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert not app.ctx.session.visit.identity_done
        assert world.recorder.records[-1].result.value == "ended"
        assert SV("ui.visit.check_ended") in text_of(app, "#likeness")


async def test_unlike_photo_without_reason_is_not_an_identity(world: World) -> None:
    app = make_app(world)
    async with app.run_test(size=(80, 24)) as pilot:
        await _visit_with_scan(pilot, world, "swedish-passport")
        await pilot.press("f6")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert not app.ctx.session.visit.identity_done
        assert world.recorder.records[-1].photo_matches is False
        assert SV("ui.visit.photo_no") in text_of(app, "#likeness")
