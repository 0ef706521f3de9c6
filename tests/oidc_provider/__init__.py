"""A tiny OpenID provider (django-oauth-toolkit with OpenID Connect) that the single sign-on
tests start in a second process on 127.0.0.1. Configured by environment variables:

- ``OIDC_PROVIDER_DB``: path of its own SQLite database;
- ``OIDC_PROVIDER_KEY_FILE``: path of the PEM RSA private key that signs its ID tokens (the
  tests generate one).

``python -m tests.oidc_provider.prepare`` creates the database and the client application;
``python -m waitress --listen=127.0.0.1:PORT tests.oidc_provider.wsgi:application`` serves it.
"""
