"""The kiosk's own typed errors (domain rules, configuration, services).

Every user-facing error in the project has the same shape, whichever package raises it:
a catalogue ``key`` (see ``kiosk/locale``), ``params`` for the message, an English
fallback text, and optionally a ``hint_key`` saying what to do next. Devices and store
have their own roots (``devices.errors.DeviceError``, ``store.errors.StoreError``)
so that dependencies point one way; ``kiosk.i18n.Catalogue.error`` renders any of them.
Params never carry a PIN, a PUK or a personal identity number.
"""

from __future__ import annotations

from typing import Any, ClassVar

from devices.card.errors import PukBlockedError


class KioskError(Exception):
    """Root of the kiosk's errors: a clerk-readable message and what to do next."""

    key: ClassVar[str] = "error.kiosk"
    hint_key: ClassVar[str | None] = None
    english: ClassVar[str] = "Something went wrong in the kiosk."

    def __init__(self, **params: Any) -> None:
        self.params: dict[str, Any] = params
        super().__init__(self.english.format(**params) if params else self.english)


class ConfigError(KioskError):
    key = "error.config"
    hint_key = "hint.config"
    english = "Configuration {path}: {problem} (key: {key_name})"


class BenchmarksMissingError(KioskError):
    """``kiosk bench`` outside a source checkout: the benchmarks are not installed."""

    key = "error.bench.missing"
    hint_key = "hint.bench.missing"
    english = "The benchmarks are part of the source checkout, not of this install ({path})."


class ExtraMissingError(KioskError):
    """A command needs an optional part of the install (a ``pip install`` extra)."""

    key = "error.extra"
    english = "This command needs an optional part of the kiosk that is not installed."


# ---------------------------------------------------------------------------
# Card-office domain (kiosk/domain): rules R1–R14, the card lifecycle, roles.
# Texts: kiosk/locale/{sv,en}/domain.toml. Params are plain strings or ints; they name
# card states, actions, offices and dates, never a PIN, a PUK, a name or a personnummer.
# Where a message names a state or an action in plain words, the params carry the word in
# each language (``state_sv``/``state_en``, ``action_sv``/``action_en``), because the
# catalogue formats params as they are.
# ---------------------------------------------------------------------------


class DomainError(KioskError):
    """A card-office rule refuses the request."""

    key = "error.domain"
    english = "The card office rules do not allow this."


class CardFactsIncompleteError(DomainError):
    key = "error.domain.facts_incomplete"
    hint_key = "hint.domain.facts_incomplete"
    english = "The card record lacks a value the rule needs: {field}."


class InvalidProductNumberError(DomainError):
    key = "error.card.product_number"
    hint_key = "hint.card.product_number"
    english = "A product number is three digits (printed on the back of the card)."


class EnteredFactsDifferError(DomainError):
    """A card fact read from the back of the card was typed twice, differently (or not)."""

    key = "error.card.entered_differ"
    english = "The two entries differ: read the back of the card and type both again."


class InvalidAssuranceLevelError(DomainError):
    key = "error.card.assurance_level"
    english = "A reserve card's assurance level is LoA2 or LoA3 (printed on the card)."


class CardFactAlreadyKnownError(DomainError):
    """The register already has the fact: the card office's record is not retyped."""

    key = "error.card.fact_known"
    english = "The register already has this fact about the card; it is not typed in again."


# --- card lifecycle ---------------------------------------------------------


class IllegalTransitionError(DomainError):
    """The card's state does not allow the action; one subclass per state."""

    key = "error.card.illegal"
    english = "The card is {state_en}: you cannot {action_en}."


class CardIsOrderedError(IllegalTransitionError):
    key = "error.card.illegal.ordered"
    hint_key = "hint.card.illegal.ordered"
    english = "The card is ordered but not yet sent: you cannot {action_en}."


class CardIsShippedError(IllegalTransitionError):
    key = "error.card.illegal.shipped"
    hint_key = "hint.card.illegal.shipped"
    english = "The card is sent but not activated: you cannot {action_en}."


class CardIsActiveError(IllegalTransitionError):
    key = "error.card.illegal.active"
    hint_key = "hint.card.illegal.active"
    english = "The card is active: you cannot {action_en}."


class CardIsLockedError(IllegalTransitionError):
    key = "error.card.illegal.locked"
    hint_key = "hint.card.illegal.locked"
    english = "The card is PIN-locked: you cannot {action_en}."


class CardIsPukBlockedError(IllegalTransitionError):
    key = "error.card.illegal.puk_blocked"
    hint_key = "hint.card.illegal.puk_blocked"
    english = "The card's PUK is blocked: you cannot {action_en}."


class CardIsBlockedError(IllegalTransitionError):
    key = "error.card.illegal.blocked"
    hint_key = "hint.card.illegal.blocked"
    english = "The card is blocked: you cannot {action_en}."


class CardIsReturnedError(IllegalTransitionError):
    key = "error.card.illegal.returned"
    hint_key = "hint.card.illegal.returned"
    english = "The card has been handed back: you cannot {action_en}."


class CardIsReplacedError(IllegalTransitionError):
    key = "error.card.illegal.replaced"
    hint_key = "hint.card.illegal.replaced"
    english = "The card was replaced by a new card and is blocked: you cannot {action_en}."


# --- roles ------------------------------------------------------------------


class ActionNotPermittedError(DomainError):
    key = "error.role.not_permitted"
    hint_key = "hint.role.not_permitted"
    english = "Your role ({role_en}) may not {action_en}."


class ActionLimitedToBlockingError(DomainError):
    """The login was limited to blocking: the CRL or the roster is out of date."""

    key = "error.role.blocking_only"
    hint_key = "hint.role.blocking_only"
    english = (
        "This login may only block cards, not {action_en}: the kiosk's revocation list "
        "or operator roster is out of date."
    )


# --- R1 identity documents --------------------------------------------------


class DocumentRefusedError(DomainError):
    key = "error.document.refused"
    english = "The identity document cannot be accepted."


class DigitalIdRefusedError(DocumentRefusedError):
    key = "error.document.digital"
    hint_key = "hint.document.digital"
    english = "Digital ids (BankID, Freja eID and similar) are not accepted."


class DocumentExpiredError(DocumentRefusedError):
    key = "error.document.expired"
    hint_key = "hint.document.expired"
    english = "The identity document expired on {expiry}."


class DocumentNotSwedishError(DocumentRefusedError):
    key = "error.document.not_swedish"
    hint_key = "hint.document.not_swedish"
    english = "An in-person unlock needs a Swedish identity document."


class IdentityCheckMissingError(DomainError):
    key = "error.document.check_missing"
    hint_key = "hint.document.check_missing"
    english = "The holder's identity has not been checked during this visit."


# --- R2 activation ----------------------------------------------------------


class WrongOfficeError(DomainError):
    key = "error.activation.wrong_office"
    hint_key = "hint.activation.wrong_office"
    english = "The card is activated where the photo was taken: {office}."


class CardNotForHolderError(DomainError):
    key = "error.activation.not_holders_card"
    hint_key = "hint.activation.not_holders_card"
    english = "This card was not sent to this holder."


class ReplacedCardRefusedError(DomainError):
    key = "error.activation.replaced"
    hint_key = "hint.activation.replaced"
    english = "Blocked: this card was replaced by a new order. Cut it up and throw it away."


# --- R3 / R4 undelivered cards ----------------------------------------------


class ReorderTooEarlyError(DomainError):
    key = "error.reorder.too_early"
    hint_key = "hint.reorder.too_early"
    english = "A new card may be ordered from {from_date}."


class ReorderNeedsAPostError(DomainError):
    key = "error.reorder.registered_post"
    hint_key = "hint.reorder.registered_post"
    english = "The card was sent by registered post; trace it with its Rek-id before reordering."


class NotRegisteredPostError(DomainError):
    key = "error.trace.a_post"
    hint_key = "hint.trace.a_post"
    english = "The card was sent by A-post, which cannot be traced."


# --- R7 unlock --------------------------------------------------------------


class UnlockNeedsCodeLetterError(DomainError):
    key = "error.unlock.code_letter_only"
    hint_key = "hint.unlock.code_letter_only"
    english = (
        "A card with product number {series} is unlocked only with the PUK from its code letter."
    )


class UnlockNotByCodeLetterError(DomainError):
    key = "error.unlock.not_code_letter"
    hint_key = "hint.unlock.not_code_letter"
    english = "A 7xx card has no code letter: an id-administrator unlocks it, or a PUK is ordered."


class UnlockWrongPlaceError(DomainError):
    key = "error.unlock.wrong_place"
    hint_key = "hint.unlock.wrong_place"
    english = (
        "In-person unlock is done at the office where the photo was taken ({office})"
        " or by an id-administrator of the holder's organisation."
    )


class PukBlockedCannotUnlockError(DomainError, PukBlockedError):
    """R7 refuses before the card is touched: the record says the card's PUK is blocked.

    A rule refusal like every ``DomainError`` (journaled), and one of the PIN family
    (``devices.card.errors``) for code that asks whether a PUK is blocked.
    """

    key = "error.unlock.puk_blocked"
    hint_key = "hint.unlock.puk_blocked"
    english = "The PUK is blocked too: the card cannot be saved."

    def __init__(self) -> None:
        # The two roots take the same params; the PIN side also sets ``state`` and ``kind``.
        PukBlockedError.__init__(self)


# --- R8 PIN policy ----------------------------------------------------------


class PinPolicyError(DomainError):
    key = "error.pin.policy"
    english = "The new PIN does not follow the PIN rules."


class PinWrongLengthError(PinPolicyError):
    key = "error.pin.length"
    hint_key = "hint.pin.rules"
    english = "A PIN has {min_len} to {max_len} digits."


class PinNotDigitsError(PinPolicyError):
    key = "error.pin.not_digits"
    hint_key = "hint.pin.rules"
    english = "A PIN has digits only."


class PinTooSimpleError(PinPolicyError):
    key = "error.pin.too_simple"
    hint_key = "hint.pin.rules"
    english = "The new PIN is too easy to guess (one digit repeated or a straight run)."


class PinRepeatMismatchError(PinPolicyError):
    key = "error.pin.mismatch"
    hint_key = "hint.pin.mismatch"
    english = "The two entries of the new PIN differ."


class PinSameAsCurrentError(PinPolicyError):
    key = "error.pin.same_as_current"
    hint_key = "hint.pin.rules"
    english = "The new PIN is the same as the current one."


class CurrentPinMissingError(PinPolicyError):
    key = "error.pin.current_missing"
    hint_key = "hint.pin.current_missing"
    english = "Changing the PIN needs the current PIN."


class InitialCodeMissingError(PinPolicyError):
    key = "error.pin.initial_missing"
    hint_key = "hint.pin.initial_missing"
    english = "Setting the holder's code needs the card's initial code."


# --- R9 blocking ------------------------------------------------------------


class BlockDutyNotConfirmedError(DomainError):
    key = "error.block.duty"
    english = "A duty of the block has not been confirmed."


class TeliaCallNotConfirmedError(BlockDutyNotConfirmedError):
    key = "error.block.telia_not_confirmed"
    hint_key = "hint.block.telia"
    english = "Confirm that the holder was told to block the card with Telia too, {phone}."


class PoliceReportNotConfirmedError(BlockDutyNotConfirmedError):
    key = "error.block.police_not_confirmed"
    hint_key = "hint.block.police"
    english = "Confirm that the holder was told to report the loss or theft to the police."


# --- R11 return -------------------------------------------------------------


class KeepReasonMissingError(DomainError):
    key = "error.return.keep_reason"
    hint_key = "hint.return.keep_reason"
    english = "Keeping the card after the assignment ended needs a reason."


# --- personnummer -----------------------------------------------------------


class InvalidPersonnummerError(DomainError):
    """Never carries the number itself: only the reason."""

    key = "error.personnummer.invalid"
    hint_key = "hint.personnummer"
    english = "The personal identity number is not valid."
    reason: ClassVar[str] = "invalid"


class PersonnummerWrongFormatError(InvalidPersonnummerError):
    key = "error.personnummer.format"
    english = "A personal identity number has 10 or 12 digits (YYMMDD-NNNN or YYYYMMDDNNNN)."
    reason = "wrong_format"


class PersonnummerWrongCheckDigitError(InvalidPersonnummerError):
    key = "error.personnummer.check_digit"
    english = "The personal identity number's check digit is wrong."
    reason = "wrong_check_digit"


class PersonnummerImpossibleDateError(InvalidPersonnummerError):
    key = "error.personnummer.date"
    english = "The personal identity number does not start with a possible date of birth."
    reason = "impossible_date"
