"""The central sync service: system of record for cards, holders, orders, the operator
roster and the office PUK caches.

Its own tables (``models``), migrations (``migrations``, ``database``) and field
encryption (``fields``); the policy for one event (``rules``); the operations
(``service``); a Starlette app (``app``) on uvicorn (``server``); its command line
(``cli``, registered as ``kiosk central``). It shares only ``protocol`` with the kiosk
and imports neither ``kiosk`` nor ``store``.
"""
