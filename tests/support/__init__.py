"""What tests share: the one test clock, worlds and helpers (imported, not conftest)."""
