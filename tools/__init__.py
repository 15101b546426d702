"""Tools kept with the source (not shipped): the string catalogue's builder and checker."""
