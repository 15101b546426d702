"""The central sync service: system of record for cards, holders, orders, the operator
roster and the office PUK caches. Its own tables (``store.central.models``) and
migrations; a Starlette app on uvicorn (``store.central.server``)."""
