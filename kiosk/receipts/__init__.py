"""Receipts: signed PDF receipts of the card workflows, printing, reprint and verify.

Public API (see the modules for details):

* :class:`~kiosk.receipts.facts.ReceiptFacts`, ``facts_for_event``, ``receipt_digest``,
  ``canonical_facts``, ``HOLDER_SIGNED_EVENTS``, ``RECEIPT_EVENTS`` (facts.py);
* ``sign_receipt(piv, digest_hex, pin) -> HolderSignature``, ``signature_valid``
  (signature.py);
* ``render_receipt(facts, lang=, signature=) -> bytes`` (render.py);
* ``deliver(pdf, name, printer=, folder=) -> Delivery`` (printing.py);
* :class:`~kiosk.receipts.service.ReceiptIssuer` (``facts_for_event``, ``facts``,
  ``sign``, ``issue``, ``reprint``) and ``issue_receipt(service, event_or_id,
  signature=)``, which never raises (service.py): workflows call it with their
  ``Done.event_id`` after the transaction;
* ``verify_receipt(pdf, store=, office_id=, anchors=, revocation=) -> VerifyReport`` (verify.py).
* PAdES: ``sign_with_card``, ``SigningContext`` (pades.py: pyHanko with the card as external
  signer); ``HandOutSigner``, ``counter_hand_out`` (hand_out.py: the operator certifies, the
  holder signs after accepting the terms); ``verify_pades(pdf, anchors=, crls=) ->
  PadesVerdict`` (pades_verify.py: one result, offline, never raises).
* :class:`~kiosk.receipts.desk.ReceiptDesk` (``after_workflow``, ``plan``,
  ``sign_and_issue``, ``issue``, ``reprint``): the app's receipt step after each workflow
  (desk.py), built once by ``kiosk.container``.

Heavy imports (reportlab, pypdf) stay inside those modules: import them directly.
"""
