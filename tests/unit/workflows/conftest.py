"""The workflow tests' fixtures: the workflow world of ``tests.support.workflow_world``."""

from tests.support.workflow_world import factory, world  # noqa: F401 (pytest fixtures)
