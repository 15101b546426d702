"""Card facts from what real cards carry: which certificate field holds what.

A field is named ``subject:<attribute>`` (an attribute of the subject name, by its name in
``ATTRIBUTES`` or by dotted OID) or ``san:othername:<oid>`` (a UTF8String otherName in the
subject alternative name). The defaults follow what public sources say about SITHS cards
(``shared/guides/real-siths-cards.md``):

* ``hsa_id``: ``subject:serialNumber``. Known: staff certificates carry the HSA-id there.
* ``personnummer``: ``subject:serialNumber``. Assumed: personal-number certificates carry
  the personnummer in the same attribute (as Swedish e-legitimation certificates do).
* ``card_number``: ``subject:pseudonym``. Assumed: public sources say only that the card
  number is "in both certificates" and matches the printed number, not in which field.

Only a value of the right shape counts (an HSA-id ``SE<10 digits>-...``, a personnummer
of 12 digits or ``YYMMDD-NNNN``, a card number of letters, digits and dashes), so one
attribute can serve two facts. The kiosk's configuration (``[kiosk.card]``) overrides each field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.x509.oid import NameOID

ATTRIBUTES: dict[str, x509.ObjectIdentifier] = {
    "serialNumber": NameOID.SERIAL_NUMBER,
    "pseudonym": NameOID.PSEUDONYM,
    "commonName": NameOID.COMMON_NAME,
    "title": NameOID.TITLE,
    "organizationalUnitName": NameOID.ORGANIZATIONAL_UNIT_NAME,
    "givenName": NameOID.GIVEN_NAME,
    "surname": NameOID.SURNAME,
}

HSA_ID = re.compile(r"SE\d{10}-[A-Za-z0-9]{1,30}")
PERSONNUMMER_SHAPE = re.compile(r"\d{12}|\d{6}[-+]?\d{4}")
CARD_NUMBER_SHAPE = re.compile(r"[A-Za-z0-9-]{1,32}")


class FieldSpecError(ValueError):
    """A certificate field name that is not ``subject:...`` or ``san:othername:<oid>``."""


def _oid(text: str) -> x509.ObjectIdentifier:
    if text in ATTRIBUTES:
        return ATTRIBUTES[text]
    if re.fullmatch(r"\d+(\.\d+)+", text):
        return x509.ObjectIdentifier(text)
    raise FieldSpecError(f"unknown certificate attribute {text!r}")


def check_field(spec: str) -> None:
    """Raises ``FieldSpecError`` unless ``spec`` names a field (the config checks it)."""
    parts = spec.split(":")
    if len(parts) == 2 and parts[0] == "subject":
        _oid(parts[1])
    elif len(parts) == 3 and parts[:2] == ["san", "othername"]:
        _oid(parts[2])
    else:
        raise FieldSpecError(f"not a certificate field: {spec!r}")


def read_field(cert: x509.Certificate, spec: str) -> list[str]:
    """Every value of the field ``spec`` in ``cert`` (empty when it has none)."""
    check_field(spec)
    parts = spec.split(":")
    if parts[0] == "subject":
        return [str(a.value) for a in cert.subject.get_attributes_for_oid(_oid(parts[1]))]
    oid = _oid(parts[2])
    try:
        names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return []
    values: list[str] = []
    for other in names.get_values_for_type(x509.OtherName):
        if other.type_id == oid and len(other.value) >= 2 and other.value[0] == 0x0C:
            values.append(other.value[2:].decode("utf-8", "replace"))
    return values


@dataclass(frozen=True)
class CertificateFieldMap:
    """Which certificate field holds the card number, the HSA-id and the personnummer."""

    card_number: str = "subject:pseudonym"
    hsa_id: str = "subject:serialNumber"
    personnummer: str = "subject:serialNumber"

    def check(self) -> None:
        for spec in (self.card_number, self.hsa_id, self.personnummer):
            check_field(spec)


@dataclass(frozen=True)
class CertificateFacts:
    """What the certificates say about the card and its holder (identifiers not in repr)."""

    card_number: str | None
    hsa_id: str | None = field(default=None, repr=False)
    personnummer: str | None = field(default=None, repr=False)


def _first(certs: Iterable[x509.Certificate], spec: str, shape: re.Pattern[str]) -> str | None:
    for cert in certs:
        for value in read_field(cert, spec):
            if shape.fullmatch(value.strip()):
                return value.strip()
    return None


def certificate_facts(
    certs: Iterable[x509.Certificate], mapping: CertificateFieldMap | None = None
) -> CertificateFacts:
    """The card number, HSA-id and personnummer from the first certificate that has each
    (pass the authentication certificate first)."""
    mapping = mapping or CertificateFieldMap()
    listed = list(certs)
    return CertificateFacts(
        card_number=_first(listed, mapping.card_number, CARD_NUMBER_SHAPE),
        hsa_id=_first(listed, mapping.hsa_id, HSA_ID),
        personnummer=_first(listed, mapping.personnummer, PERSONNUMMER_SHAPE),
    )
