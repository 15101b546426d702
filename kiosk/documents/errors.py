"""Typed errors of identity documents: unreadable zones and identity-check misuse.

Params never carry a document number, a name or a personnummer: only positions, lengths
and counts, so that a message can be logged and shown without leaking who was checked.
"""

from __future__ import annotations

from kiosk.errors import KioskError


class DocumentError(KioskError):
    key = "error.documents"
    english = "The identity document could not be handled."


class MrzUnreadableError(DocumentError):
    """The text is not a machine-readable zone at all (exit code 2 of ``kiosk mrz check``)."""

    key = "error.documents.mrz_unreadable"
    hint_key = "hint.documents.rescan"
    english = "The machine-readable zone could not be read."


class MrzLineCountError(MrzUnreadableError):
    key = "error.documents.mrz_line_count"
    english = "The machine-readable zone has {count} lines; it must have 2 or 3."


class MrzLineLengthError(MrzUnreadableError):
    key = "error.documents.mrz_line_length"
    english = (
        "Line {line} of the machine-readable zone has {length} characters; it must have {expected}."
    )


class MrzCharactersError(MrzUnreadableError):
    key = "error.documents.mrz_characters"
    english = "Line {line} of the machine-readable zone holds characters other than A-Z, 0-9 and <."


class UnknownDocumentKindError(DocumentError):
    key = "error.documents.unknown_kind"
    hint_key = "hint.documents.choose_kind"
    english = "Unknown identity document kind: {kind}."


class ManualEntryIncompleteError(DocumentError):
    key = "error.documents.manual_incomplete"
    hint_key = "hint.documents.manual_incomplete"
    english = "The typed document details lack: {missing}."


class ReasonRequiredError(DocumentError):
    """A soft mismatch (name, birth date) continues only with a reason."""

    key = "error.documents.reason_required"
    hint_key = "hint.documents.reason_required"
    english = "The identity check found a mismatch; continuing needs a reason."


class PhotoMismatchFinalError(DocumentError):
    """The photo is not the person at the counter: no reason overrides that (R1)."""

    key = "error.documents.photo_mismatch_final"
    hint_key = "hint.documents.photo_mismatch_final"
    english = "The photo does not show the person at the counter; a reason cannot override that."


class RefusalFinalError(DocumentError):
    key = "error.documents.refusal_final"
    hint_key = "hint.documents.refusal_final"
    english = "The identity document was refused; a reason cannot override that."


class VisaNotIdentityDocumentError(DocumentError):
    """A visa (document code V) proves a permission to enter, not who someone is (R1)."""

    key = "error.documents.visa"
    hint_key = "hint.documents.visa"
    english = "This is a visa; a visa is not an identity document."
