"""Every sync error key and hint exists in Swedish and English; areas match.

The sync errors are the kiosk's sync client's (``store.sync.errors``) and the central's
(``central.errors``)."""

from __future__ import annotations

from central import errors as central_errors
from kiosk.i18n import Catalogue
from store.sync import errors as sync_errors
from tests.support.catalogue_areas import area_texts


def test_sync_area_has_the_same_keys_in_both_languages() -> None:
    sv, en = area_texts("sv", "sync"), area_texts("en", "sync")
    assert sv and set(sv) == set(en)
    assert all(sv[key] != en[key] for key in sv if not key.startswith("sync.status.online"))


def test_every_sync_error_renders_in_both_languages() -> None:
    classes = [
        value
        for module, root in (
            (sync_errors, sync_errors.SyncError),
            (central_errors, central_errors.CentralError),
        )
        for value in vars(module).values()
        if isinstance(value, type) and issubclass(value, root)
    ]
    assert len(classes) >= 6
    params = {
        "kiosk_id": "k1",
        "url": "https://central",
        "status": 403,
        "detail": "x",
        "problem": "down",
        "path": "--listen",
        "key_name": "listen",
        "module": "uvicorn",
    }
    for lang in ("sv", "en"):
        catalogue = Catalogue(lang)
        for cls in classes:
            assert catalogue.has(cls.key), (lang, cls.key)
            assert cls.hint_key is None or catalogue.has(cls.hint_key), (lang, cls.hint_key)
            used = {k: v for k, v in params.items() if "{" + k + "}" in cls.english}
            assert "⟨" not in catalogue.error(cls(**used))
