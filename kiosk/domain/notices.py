"""Every notice key the rules can return; each exists in both domain.toml files."""

from __future__ import annotations

from kiosk.domain.card_check import CardTestVerdict

NOTICE_KEYS: frozenset[str] = frozenset(
    {
        "notice.r3.reorder_from",
        "notice.r3.reorder_now",
        "notice.r4.rek_id",
        "notice.r4.ask_for_rek_id",
        "notice.r4.trace_with_postnord",
        "notice.r5.signing_present",
        "notice.r5.signing_missing",
        "notice.r7.in_person",
        "notice.r7.order_puk",
        "notice.r7.code_letter",
        "notice.r7.new_code_letter",
        "notice.r9.telia",
        "notice.r9.police",
        "notice.r12.ordinary",
        "notice.r12.reserve_loa2",
        "notice.r12.reserve_loa3",
        "notice.r12.reserve_unknown",
        "notice.r13.step.unlock",
        "notice.r13.step.new_card",
        "notice.r13.step.new_eid",
        "notice.r13.step.install_intermediate",
        "notice.r13.step.install_root",
        "notice.r13.step.withdrawn",
        "notice.r13.step.block_and_order",
        "notice.r14.contact",
        "notice.r14.service_desk",
        "notice.r14.portal_card_login",
        *(f"notice.r13.verdict.{v.value}" for v in CardTestVerdict),
    }
)
