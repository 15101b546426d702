"""The PKCS#11 card backend, built from the configuration (``[kiosk.card] backend =
"pkcs11"``); ``kiosk.container`` picks it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from kiosk.config import KioskConfig
from kiosk.services.card import CardAccess

if TYPE_CHECKING:
    from devices.card.reader_role import ReaderAssignment


def pkcs11_cards(
    config: KioskConfig,
    closers: list[Callable[[], None]],
    assignment: ReaderAssignment | None = None,
) -> CardAccess:
    """The PKCS#11 backend: the configured module in a worker process (ended with the
    services), the PIV backend on the same reader for what the middleware cannot do;
    ``assignment``: the reader roles it shares with the reader watcher."""
    from devices.card.cert_fields import CertificateFieldMap
    from devices.card.pkcs11_worker import Pkcs11Worker
    from kiosk.services.device_adapters import pcsc_opener
    from kiosk.services.pkcs11_cards import Pkcs11Cards

    card = config.card
    worker = Pkcs11Worker(
        card.pkcs11_module,
        timeout=card.pkcs11_timeout_seconds,
        signing_marker=card.signing_token_pattern,
    )
    closers.append(worker.close)
    fields = CertificateFieldMap(
        card_number=card.card_number_field,
        hsa_id=card.hsa_id_field,
        personnummer=card.personnummer_field,
    )
    return Pkcs11Cards(
        worker,
        config.readers.operator_pattern,
        config.readers.customer_pattern,
        fields=fields,
        piv_opener=lambda reader: pcsc_opener(reader)(),
        assignment=assignment,
    )
