"""Every workflow error text exists in Swedish and English, with the same placeholders."""

from __future__ import annotations

import string

import pytest

from kiosk.i18n import Catalogue, load_language
from kiosk.services.workflows.errors import ALL_ERRORS, WorkflowError


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("error", ALL_ERRORS, ids=lambda e: e.__name__)
def test_error_keys_in_both_languages(error: type[WorkflowError]) -> None:
    sv, en = load_language("sv"), load_language("en")
    for key in filter(None, (error.key, error.hint_key)):
        assert key in sv and key in en, key
        assert _fields(sv[key]) == _fields(en[key]), key
    assert _fields(en[error.key]) == _fields(error.english)


def test_workflow_area_files_have_the_same_keys() -> None:
    from tests.support.catalogue_areas import area_texts

    files = {lang: area_texts(lang, "workflows") for lang in ("sv", "en")}
    assert files["sv"] and set(files["sv"]) == set(files["en"])


def test_error_renders_in_swedish_with_params() -> None:
    from devices.card.pin import PinState
    from kiosk.services.workflows.errors import NotCardPukError

    text = Catalogue("sv").error(NotCardPukError(state=PinState.exact(4)))
    assert "4 försök kvar" in text


def test_every_screen_key_exists_in_both_languages() -> None:
    import re
    from pathlib import Path

    from kiosk.domain.types import BlockReason, ShipmentMethod

    root = Path(__file__).resolve().parents[3] / "screens" / "workflows"
    used = set()
    for path in root.glob("*.py"):
        used |= set(re.findall(r'"(workflows\.[a-z_.]+[a-z_])"', path.read_text("utf-8")))
    used |= {f"workflows.block.reason.{r.value}" for r in BlockReason}
    used |= {f"workflows.undelivered.shipment.{s.value}" for s in ShipmentMethod}
    used |= {"workflows.unlock.how.in_person", "workflows.unlock.how.code_letter"}
    assert len(used) > 40
    sv, en = load_language("sv"), load_language("en")
    assert not {k for k in used if k not in sv or k not in en}
