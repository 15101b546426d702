"""Typed errors of receipts and reports (texts: ``kiosk/locale/<lang>/receipts.toml``).

Params carry event ids, paths and dates only: never a name, a personnummer or a PIN.
"""

from __future__ import annotations

from kiosk.errors import KioskError


class ReceiptError(KioskError):
    key = "error.receipt"
    english = "The receipt could not be made."


class ReceiptEventUnknownError(ReceiptError):
    key = "error.receipt.event_unknown"
    hint_key = "hint.receipt.event_unknown"
    english = "There is no event {event_id} in the journal."


class ReceiptCardUnknownError(ReceiptError):
    key = "error.receipt.no_card"
    hint_key = "hint.receipt.no_card"
    english = "Event {event_id} is not about a card in the register."


class NoHolderCertificateError(ReceiptError):
    key = "error.receipt.no_certificate"
    hint_key = "hint.receipt.no_certificate"
    english = "The card has neither a signing nor an authentication certificate to sign with."


class ReceiptCardMismatchError(ReceiptError):
    key = "error.receipt.card_mismatch"
    hint_key = "hint.receipt.card_mismatch"
    english = "The card in the customer reader is not card {serial}, which the receipt is about."


class ReceiptUnreadableError(ReceiptError):
    key = "error.receipt.unreadable"
    hint_key = "hint.receipt.unreadable"
    english = "The file {path} cannot be read as a PDF."


class ReportDateInvalidError(ReceiptError):
    key = "error.report.bad_date"
    hint_key = "hint.report.bad_date"
    english = "The date {value} must be written YYYY-MM-DD."


class ReceiptSigningError(ReceiptError):
    key = "error.receipt.signing"
    hint_key = "hint.receipt.signing"
    english = "The card's signature could not be put on the receipt."
