"""R14 support: whom the holder contacts, in which order."""

from __future__ import annotations

from kiosk.domain.decisions import Notice


def support_path(*, on_sll_net: bool) -> tuple[Notice, ...]:
    """R14: first the organisation's e-tjänstekort contact, then the service desk; on
    SLL-net the service desk portal also needs card login."""
    steps = [Notice("notice.r14.contact"), Notice("notice.r14.service_desk")]
    if on_sll_net:
        steps.append(Notice("notice.r14.portal_card_login"))
    return tuple(steps)
