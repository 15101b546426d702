"""The card office's vocabulary: enums and the frozen facts that the rules decide on.

Everything here is plain data. Rules never read a clock: dates are passed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from kiosk.errors import InvalidProductNumberError


class Role(StrEnum):
    """An operator's role at the counter (see the people table in the rules)."""

    CLERK = "clerk"
    ID_ADMIN = "id_admin"


class CardState(StrEnum):
    """Where a card is in its life; see ``kiosk.domain.lifecycle`` for the moves."""

    ORDERED = "ordered"
    SHIPPED = "shipped"
    ACTIVE = "active"
    LOCKED = "locked"  # three wrong PINs in a row (R6)
    PUK_BLOCKED = "puk_blocked"  # the PUK tries are used up too: the card cannot be saved
    BLOCKED = "blocked"  # spärrat (R9, R10, R11)
    RETURNED = "returned"  # handed back at the end of employment (R11)
    REPLACED = "replaced"  # undelivered first card after a reorder (R3): blocked for good


class ProductSeries(StrEnum):
    """The product number's series, printed on the back of the card (R7, R9)."""

    S5 = "5xx"
    S6 = "6xx"
    S7 = "7xx"
    NONE = "none"


_SERIES_BY_DIGIT = {"5": ProductSeries.S5, "6": ProductSeries.S6, "7": ProductSeries.S7}


def product_series(product_number: str | None) -> ProductSeries:
    """The series of a product number: three digits starting 5, 6 or 7, or none at all.

    ``None`` or an empty (blank) string means the card has no product number.
    Anything else (wrong length, non-digits, another first digit) raises
    ``InvalidProductNumberError``.
    """
    if product_number is None or not product_number.strip():
        return ProductSeries.NONE
    text = product_number.strip()
    if len(text) != 3 or not (text.isascii() and text.isdigit()):
        raise InvalidProductNumberError()
    series = _SERIES_BY_DIGIT.get(text[0])
    if series is None:
        raise InvalidProductNumberError()
    return series


class ShipmentMethod(StrEnum):
    A_POST = "a_post"  # first-class letter: cannot be traced (R3)
    REGISTERED = "registered"  # rekommenderad post: traced with its Rek-id (R4)


class DocumentKind(StrEnum):
    PASSPORT = "passport"
    NATIONAL_ID_CARD = "national_id_card"
    SWEDISH_DRIVING_LICENCE = "swedish_driving_licence"
    SIS_ID_CARD = "sis_id_card"
    TAX_AGENCY_ID_CARD = "tax_agency_id_card"
    DIGITAL_ID = "digital_id"  # BankID, Freja eID and similar: never accepted (R1)


class VisitPurpose(StrEnum):
    """Why the holder is at the counter, and so what the identity document is checked
    for (R1). A general visit (a card check, questions) checks it as for an activation."""

    GENERAL = "general"
    ACTIVATION = "activation"
    UNLOCK = "unlock"  # in person (R7): needs a Swedish document
    ORDER = "order"  # a card ordered (R1 as for an activation)


class BlockReason(StrEnum):
    LOST = "lost"
    STOLEN = "stolen"
    PIN_OR_PUK_KNOWN = "pin_or_puk_known"
    NAME_CHANGE = "name_change"
    NOT_RETURNED = "not_returned"
    REPLACED = "replaced"


class AssuranceLevel(StrEnum):
    LOA2 = "LoA2"  # reserve card issued remotely
    LOA3 = "LoA3"


class DeadlineKind(StrEnum):
    NAME_CHANGE = "name_change"  # R10
    RETURN = "return"  # R11 (member name avoids the keyword; value is "return")


@dataclass(frozen=True, slots=True)
class CardFacts:
    """What the rules need to know about one card; built by the services from the store."""

    serial: str
    product_number: str | None
    state: CardState
    holder_id: str
    shipment_method: ShipmentMethod = ShipmentMethod.A_POST
    rek_id: str | None = None
    photo_office_id: str | None = None
    photo_date: date | None = None
    order_date: date | None = None
    with_photo: bool = True
    sis_marked: bool = False
    is_reserve: bool = False
    assurance_level: AssuranceLevel | None = None
    has_signing_cert: bool = False
    #: The holder sets the card's code at activation from the card's initial code.
    holder_chooses_code: bool = False

    @property
    def series(self) -> ProductSeries:
        return product_series(self.product_number)


@dataclass(frozen=True, slots=True)
class IdentityDocument:
    """A document shown at the counter (R1). ``issuing_state`` is ISO 3166 (SE or SWE)."""

    kind: DocumentKind
    issuing_state: str
    expiry: date


@dataclass(frozen=True, slots=True)
class Deadline:
    """A dated duty on a card: get a new card after a name change (R10), hand it back (R11)."""

    serial: str
    kind: DeadlineKind
    due: date
    closed: bool = False

    def is_overdue(self, today: date) -> bool:
        """Overdue from the day after ``due``; the holder has the whole due date."""
        return not self.closed and today > self.due
