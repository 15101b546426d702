"""Card workflows at the counter: plain synchronous typed services.

Each service takes its collaborators in the constructor (``Backend``: store, journal,
clock; plus a card opener and a PUK source where needed), refuses with typed errors
that carry catalogue keys (``kiosk/locale/*/workflows.toml`` and ``domain.toml``),
writes each state change and its journal event in one ``unit_of_work``, and needs no
network (the central is only asked for a PUK that is not cached).

- ``activation.ActivationService`` (R2, R3)
- ``unlock.UnlockService`` (R6, R7) with ``puk.CachedPukSource``
- ``pin_change.PinChangeService`` (R8)
- ``blocking.BlockingService`` (R9)
- ``undelivered.UndeliveredService`` (R3, R4)
- ``name_change.NameChangeService`` (R10), ``returns.ReturnService`` (R11)
- ``sweep.DeadlineSweep`` (R10, R11)

Every rule refusal a service raises is journaled as one ``refusal`` event
(``refusals.journals_refusals`` on the service methods; the day report counts them);
``rejected.RejectedEvents`` lists the events the central rejected for the clerk.

``container.build_workflows`` builds them all, with a card opener for the customer reader
(``kiosk.services.card.opener_for``). The services take the app's own
``kiosk.services.visit.Visit``; ``seed`` puts offices, holders and cards into a store
(demo, tests, bench).
"""
