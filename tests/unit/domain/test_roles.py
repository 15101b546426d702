"""Who may do what: an id-administrator does everything a clerk does, plus in-person
unlock and ordering PUKs / code letters (the people table, R7)."""

from __future__ import annotations

import pytest

from kiosk.domain.roles import PERMISSIONS, Action, may, require_role
from kiosk.domain.types import Role
from kiosk.errors import ActionNotPermittedError
from kiosk.i18n import Catalogue

ID_ADMIN_ONLY = {Action.UNLOCK_IN_PERSON, Action.ORDER_CODES}


@pytest.mark.parametrize("action", list(Action))
def test_id_admin_may_do_everything(action: Action) -> None:
    require_role(Role.ID_ADMIN, action)


@pytest.mark.parametrize("action", list(Action))
def test_r7_clerk_may_do_all_but_in_person_unlock_and_code_orders(action: Action) -> None:
    if action in ID_ADMIN_ONLY:
        with pytest.raises(ActionNotPermittedError) as caught:
            require_role(Role.CLERK, action)
        assert caught.value.params["role"] == "clerk"
        assert caught.value.params["action"] == action.value
        sv = Catalogue("sv").error(caught.value)
        assert "handläggare" in sv
        assert "id-administratör" in sv
    else:
        assert may(Role.CLERK, action)
        require_role(Role.CLERK, action)


def test_clerk_permissions_are_a_subset_of_id_admin() -> None:
    assert PERMISSIONS[Role.CLERK] < PERMISSIONS[Role.ID_ADMIN]
