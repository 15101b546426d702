"""The identity check service's fixtures, for every test module here (see identity_support)."""

from tests.unit.documents.identity_support import recorder, service  # noqa: F401
