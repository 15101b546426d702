"""Typed errors of the counter workflows (login, visit, card test, lookup).

Keys live in ``kiosk/locale/<lang>/ui.toml``. Params never carry a PIN, a personnummer
or a name. The PIN errors are the card's own (``devices.card.errors``) in the words of the
operator login.
"""

from __future__ import annotations

from devices.card.errors import PinLockedError, WrongPinError
from kiosk.errors import KioskError


class PinRejectedError(WrongPinError):
    """The operator card refused the PIN at login."""

    key = "error.ui.pin_rejected"
    hint_key = "hint.ui.pin_rejected"
    english = "Wrong PIN. {tries_left} tries left."


class PinBlockedError(PinLockedError):
    """The operator card's PIN is locked."""

    key = "error.ui.pin_blocked"
    hint_key = "hint.ui.pin_blocked"
    english = "The PIN is blocked after three wrong attempts."


class NoCardInReaderError(KioskError):
    """No card in the reader; the message names the reader by its role (``in_reader``),
    never by the device name ("Virtual PCD 00 01")."""

    key = "error.ui.no_card"
    english = "There is no card in the reader."

    @staticmethod
    def in_reader(role: str) -> NoCardInReaderError:
        """The error for the reader of ``role`` ("operator" or "customer")."""
        return NoCustomerCardError() if role == "customer" else NoOperatorCardError()


class NoCustomerCardError(NoCardInReaderError):
    key = "error.ui.no_card.customer"
    english = "There is no card in the reader: put the customer's card in the customer reader."


class NoOperatorCardError(NoCardInReaderError):
    key = "error.ui.no_card.operator"
    english = "There is no card in the reader: put the operator's card in the operator reader."


class CardUnreadableError(KioskError):
    key = "error.ui.card_unreadable"
    hint_key = "hint.ui.card_unreadable"
    english = "The card could not be read."


class OperatorNoCertificateError(KioskError):
    key = "error.login.no_certificate"
    hint_key = "hint.login.contact_admin"
    english = "The card has no authentication certificate."


class OperatorUnknownError(KioskError):
    key = "error.login.unknown"
    hint_key = "hint.login.contact_admin"
    english = "This card does not belong to an operator of this kiosk."


class OperatorReaderAmbiguousError(KioskError):
    """Both readers hold the cards of operators on the roster: the operator says which
    reader holds their own card (``readers``: the names to choose from, kept out of the
    message)."""

    key = "error.login.which_reader"
    english = "Both readers hold an operator's card: choose the reader with your own card."

    def __init__(self, readers: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.readers = readers


class OperatorCertificateExpiredError(KioskError):
    key = "error.login.expired"
    hint_key = "hint.login.new_card"
    english = "The operator card's certificate expired on {date}."


class OperatorCertificateNotYetValidError(KioskError):
    key = "error.login.not_yet_valid"
    hint_key = "hint.login.contact_admin"
    english = "The operator card's certificate is valid only from {date}."


class OperatorWrongChainError(KioskError):
    key = "error.login.wrong_chain"
    hint_key = "hint.login.contact_admin"
    english = "The operator card was not issued under the SITHS root this kiosk trusts."


class OperatorBlockedError(KioskError):
    key = "error.login.blocked"
    hint_key = "hint.login.contact_admin"
    english = "This operator is blocked in the local roster."


class ChallengeFailedError(KioskError):
    key = "error.login.challenge_failed"
    hint_key = "hint.login.contact_admin"
    english = "The card's signature did not match its certificate."


class StoreNotReadyError(KioskError):
    key = "error.ui.store_not_ready"
    english = "The local store is still opening. Try again in a moment."


class NoHolderForDocumentError(KioskError):
    key = "error.visit.no_holder"
    hint_key = "hint.visit.no_holder"
    english = "No card holder on record matches this document."


class VisitNeedsIdentityError(KioskError):
    key = "error.visit.needs_identity"
    english = "Finish the identity check first."


class CardRevokedError(KioskError):
    """The card's certificate is on its CA's revocation list."""

    key = "error.trust.card_revoked"
    hint_key = "hint.trust.card_revoked"
    english = "This card's certificate is revoked (blocked at the CA); the card cannot be used."


class OperatorRevokedError(KioskError):
    key = "error.login.revoked"
    hint_key = "hint.login.contact_admin"
    english = "Your card's certificate is revoked; you cannot log in with it."


class OperatorWrongKeyUsageError(KioskError):
    key = "error.login.wrong_key_usage"
    hint_key = "hint.login.contact_admin"
    english = "Your card's login certificate is not made for logging in (key usage)."
