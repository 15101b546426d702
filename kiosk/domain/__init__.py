"""The card office's domain: pure, synchronous rules with dates passed in.

- ``types``: enums (Role, CardState, ProductSeries, ...) and frozen facts (CardFacts, ...)
- ``lifecycle``: the card state machine (``transition``, ``TRANSITIONS``, ``LEGAL``)
- ``documents``: R1 identity documents
- ``rules``: R2–R5, R7, R9–R14 and the deadline sweep
- ``pin``: R6 PIN lock and R8 PIN policy
- ``roles``: who may do what (``require_role``)
- ``personnummer``: normalise, validate and mask personal identity numbers
- ``dates``: ``add_months`` with end-of-month clamping
"""
