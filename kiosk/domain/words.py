"""Plain words for card states, lifecycle actions, counter actions and roles, in sv and en.

Error messages name the state and the action in the clerk's language. The catalogue only
formats params, so the words travel in the params (``state_sv``, ``state_en``, ...) and
the Swedish text uses ``{state_sv}``, the English text ``{state_en}``. The same words are
in ``kiosk/locale/*/domain.toml`` under ``card.state.*``, ``card.transition.*``,
``action.*`` and ``role.*`` for screens; a test keeps both in step.
"""

from __future__ import annotations

from collections.abc import Mapping

from kiosk.domain.types import CardState, Role

Words = tuple[str, str]  # (Swedish, English)

STATE_WORDS: Mapping[CardState, Words] = {
    CardState.ORDERED: ("beställt", "ordered"),
    CardState.SHIPPED: ("skickat", "sent"),
    CardState.ACTIVE: ("aktivt", "active"),
    CardState.LOCKED: ("PIN-låst", "PIN-locked"),
    CardState.PUK_BLOCKED: ("PUK-spärrat", "PUK-blocked"),
    CardState.BLOCKED: ("spärrat", "blocked"),
    CardState.RETURNED: ("återlämnat", "handed back"),
    CardState.REPLACED: ("ersatt", "replaced"),
}

ROLE_WORDS: Mapping[Role, Words] = {
    Role.CLERK: ("handläggare", "clerk"),
    Role.ID_ADMIN: ("id-administratör", "id-administrator"),
}


def word_params(prefix: str, words: Words) -> dict[str, str]:
    """``{"<prefix>_sv": ..., "<prefix>_en": ...}`` for an error's params."""
    return {f"{prefix}_sv": words[0], f"{prefix}_en": words[1]}
