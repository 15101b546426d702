"""Typed refusals of the counter workflows that the domain rules do not already name.

Texts: ``kiosk/locale/{sv,en}/workflows.toml``. Params never carry a PIN, a PUK, a name
or a personnummer: only serials, offices, dates and counts.
"""

from __future__ import annotations

from devices.card.errors import (
    CardError,
    PinLockedError,
    PukBlockedError,
    WrongPinError,
    WrongPukError,
)
from kiosk.errors import KioskError


class WorkflowError(KioskError):
    key = "error.workflows"
    english = "The workflow could not be completed."


class CardNotOnRecordError(WorkflowError):
    key = "error.workflows.card_not_found"
    hint_key = "hint.workflows.card_not_found"
    english = "No card with serial {serial} is on record at this kiosk."


class CardInReaderMismatchError(WorkflowError):
    key = "error.workflows.card_mismatch"
    hint_key = "hint.workflows.card_mismatch"
    english = "The card in the customer reader is not card {serial}."


class NoSerialOnCardError(WorkflowError):
    key = "error.workflows.no_serial"
    hint_key = "hint.workflows.no_serial"
    english = "The card in the customer reader shows no card serial."


class NoHolderInVisitError(WorkflowError):
    key = "error.workflows.no_holder"
    hint_key = "hint.workflows.no_holder"
    english = "The visit has no card holder yet."


class CardOfAnotherHolderError(WorkflowError):
    key = "error.workflows.other_holder"
    hint_key = "hint.workflows.other_holder"
    english = "Card {serial} belongs to another holder than the one in this visit."


class PukNotCachedOfflineError(WorkflowError):
    key = "error.workflows.puk_offline"
    hint_key = "hint.workflows.puk_offline"
    english = (
        "The PUK of card {serial} is not in this kiosk's cache and the central service"
        " cannot be reached."
    )


class PukNotAvailableError(WorkflowError):
    key = "error.workflows.puk_missing"
    hint_key = "hint.workflows.puk_missing"
    english = "The card-management service has no PUK for card {serial}."


# The card's PIN and PUK answers in the words of the workflows: each one is the card's
# own error (``devices.card.errors``), so ``except WrongPinError`` catches it too.


class CardCannotBeSavedError(PukBlockedError):
    """The card said its PUK is blocked (``serial``): the card cannot be saved."""

    key = "error.workflows.puk_blocked"
    hint_key = "hint.workflows.puk_blocked"
    english = "The PUK of card {serial} is blocked: the card cannot be saved."


class NotCardPukError(WrongPukError):
    key = "error.workflows.puk_rejected"
    hint_key = "hint.workflows.puk_rejected"
    english = "The card did not accept the PUK. {tries_left} tries left."


class WrongCurrentPinError(WrongPinError):
    key = "error.workflows.wrong_current_pin"
    hint_key = "hint.workflows.wrong_current_pin"
    english = "The current PIN is wrong. {tries_left} tries left."


class WrongInitialCodeError(WrongPinError):
    """The initial code typed to set the holder's chosen code at activation is wrong."""

    key = "error.workflows.wrong_initial_code"
    hint_key = "hint.workflows.wrong_initial_code"
    english = "The card's initial code is wrong. {tries_left} tries left."


class HolderCodeNeededError(WorkflowError):
    """Activating a card whose holder chooses the code needs the codes and the card."""

    key = "error.workflows.holder_code_needed"
    hint_key = "hint.workflows.holder_code_needed"
    english = "Card {serial} is activated with a code the holder chooses, set on the card."


class PinNowLockedError(PinLockedError):
    """The last wrong PIN locked card ``serial``."""

    key = "error.workflows.pin_locked"
    hint_key = "hint.workflows.pin_locked"
    english = "Three wrong PINs in a row: card {serial} is now PIN-locked."


class NewPinNotAcceptedError(WorkflowError):
    key = "error.workflows.new_pin_failed"
    hint_key = "hint.workflows.new_pin_failed"
    english = "The card was unlocked but did not accept the new PIN when tested."


class CardNotLockedError(WorkflowError):
    key = "error.workflows.not_locked"
    hint_key = "hint.workflows.not_locked"
    english = "Card {serial} is not PIN-locked ({tries_left} tries left): nothing to unlock."


class DeadlineInvalidError(WorkflowError):
    """A name change (R10) dated in the future."""

    key = "error.workflows.deadline_date"
    hint_key = "hint.workflows.deadline_date"
    english = "The date {date} lies in the future."


class EndDateInFutureError(DeadlineInvalidError):
    """A return (R11) whose employment or assignment end lies in the future."""

    key = "error.workflows.end_date_future"
    hint_key = "hint.workflows.end_date_future"
    english = "The end date {date} lies in the future."


ALL_ERRORS: tuple[type[WorkflowError | CardError], ...] = (
    WorkflowError,
    CardNotOnRecordError,
    CardInReaderMismatchError,
    NoSerialOnCardError,
    NoHolderInVisitError,
    CardOfAnotherHolderError,
    PukNotCachedOfflineError,
    PukNotAvailableError,
    CardCannotBeSavedError,
    NotCardPukError,
    NewPinNotAcceptedError,
    CardNotLockedError,
    WrongCurrentPinError,
    PinNowLockedError,
    DeadlineInvalidError,
    EndDateInFutureError,
)
