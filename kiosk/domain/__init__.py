"""The card office's domain: pure, synchronous rules with dates passed in.

One module per area, named like the workflows in ``kiosk/services/workflows`` and
``screens/workflows`` that call it:

- ``types``: enums (Role, CardState, ProductSeries, ...) and frozen facts (CardFacts, ...)
- ``lifecycle``: the card state machine (``transition``, ``TRANSITIONS``, ``LEGAL``)
- ``documents``: R1 identity documents
- ``deviations``: R1 deviations in an identity check, and the ones a reason may override
- ``activation``: R2 activation
- ``undelivered``: R3 reorder of an A-post card, R4 tracing of a registered-post card
- ``signing``: R5 signing certificate
- ``pin``: R6 PIN lock and R8 PIN policy
- ``unlock``: R7 unlock paths by product number, code orders
- ``blocking``: R9 blocking and its side duties
- ``deadlines``: R10 name change, R11 return, and the deadline sweep
- ``reserve``: R12 reserve cards' assurance level
- ``card_check``: R13 card check (PIN, certificates, chain, the computer's CAs)
- ``support``: R14 whom to contact
- ``notices``: every notice key the rules return
- ``roles``: who may do what (``require_role``)
- ``personnummer``: normalise, validate and mask personal identity numbers
- ``dates``: ``add_months`` with end-of-month clamping

Refusals are typed errors (``kiosk.errors``), returned inside a ``Decision`` or raised by
``check_*``; what to tell the holder is a ``Notice`` whose key is in ``NOTICE_KEYS``. No
clock is read: ``today`` is always passed in.
"""
