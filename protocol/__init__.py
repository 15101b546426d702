"""What a kiosk and the central service agree on, and nothing else.

Modules: ``event_format`` (the signed journal event: canonical JSON, hash, signature,
timestamps), ``event_types`` (every event type with the schema of its payload, and
``validate``), ``payload_schema`` (how a schema is written and checked), ``wire`` (the
JSON of push, pull and head, the answer statuses and reasons, the error codes) and
``puk`` (PUK cache entries sealed under the office key).

The kiosk's sync client (``store.sync``) and the central (``central``) both import this
package; it imports neither of them, nor ``kiosk``, ``screens`` or ``devices``.
"""
