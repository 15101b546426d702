"""A future date is refused with the text of its own errand: a name change (R10) and a
return (R11) each say what date they need."""

from __future__ import annotations

import datetime as dt

import pytest

from kiosk.i18n import Catalogue
from kiosk.services.workflows.name_change import NameChangeService
from kiosk.services.workflows.returns import ReturnService
from tests.support.world import World, operator


def _refusal_text(world: World, record: object, lang: str) -> str:
    with pytest.raises(Exception) as info:
        record(operator(), "T1", world.today + dt.timedelta(days=10))  # type: ignore[operator]
    return Catalogue(lang).error(info.value).lower()


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_r11_return_with_a_future_end_date_has_its_own_text(world: World, lang: str) -> None:
    world.card(world.spec("T1", state="active"))
    text = _refusal_text(world, ReturnService(world.services).record_end, lang)
    name_word, end_word = {"sv": ("namn", "anställning"), "en": ("name", "employment")}[lang]
    assert end_word in text and name_word not in text


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_r10_name_change_with_a_future_date_speaks_of_the_name_only(
    world: World, lang: str
) -> None:
    world.card(world.spec("T1", state="active"))
    text = _refusal_text(world, NameChangeService(world.services).record, lang)
    name_word, end_word = {"sv": ("namn", "anställning"), "en": ("name", "employment")}[lang]
    assert name_word in text and end_word not in text
