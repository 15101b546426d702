"""The receipts area of the catalogue: both languages, same keys and placeholders."""

from __future__ import annotations

import string

import pytest

from kiosk.domain.types import BlockReason, DeadlineKind
from kiosk.domain.unlock import UnlockPath
from kiosk.i18n import load_language
from kiosk.receipts import errors
from kiosk.receipts.facts import RECEIPT_EVENTS
from kiosk.receipts.render import DETAIL_ORDER
from tests.support.catalogue_areas import area_texts, areas

ERRORS = [
    value
    for value in vars(errors).values()
    if isinstance(value, type) and issubclass(value, errors.ReceiptError)
]


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _area(lang: str) -> dict[str, str]:
    return area_texts(lang, "receipts")


def test_area_files_have_the_same_keys_and_placeholders() -> None:
    sv, en = _area("sv"), _area("en")
    assert set(sv) == set(en)
    for key in sv:
        assert _fields(sv[key]) == _fields(en[key]), key
        assert sv[key] != en[key] or key in {"receipt.verify.ok", "receipt.verify.info"}, key


@pytest.mark.parametrize("error", ERRORS, ids=lambda e: e.__name__)
def test_error_keys_in_both_languages(error: type[errors.ReceiptError]) -> None:
    sv, en = load_language("sv"), load_language("en")
    for key in filter(None, (error.key, error.hint_key)):
        assert key in sv and key in en, key
    assert _fields(en[error.key]) == _fields(error.english)


def test_every_receipt_event_reason_method_detail_and_deadline_has_a_text() -> None:
    area = _area("sv")
    wanted = {f"receipt.action.{kind}" for kind in RECEIPT_EVENTS}
    wanted |= {f"receipt.reason.{reason.value}" for reason in BlockReason}
    wanted |= {f"receipt.method.{path.value}" for path in UnlockPath}
    wanted |= {f"receipt.detail.{name}" for name in DETAIL_ORDER}
    wanted |= {f"report.deadline.{kind.value}" for kind in DeadlineKind}
    assert not wanted - set(area)


def test_no_key_of_this_area_is_defined_in_another_area() -> None:
    ours = set(_area("sv"))
    assert ours
    for area in areas("sv") - {"receipts"}:
        theirs = set(area_texts("sv", area))
        assert not ours & theirs, area
