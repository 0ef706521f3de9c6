"""Create the test provider's database, its client application and its accounts.

Reads a JSON document on standard input::

    {"client_id": "...", "client_secret": "...", "redirect_uri": "...",
     "post_logout_redirect_uri": "...",
     "users": [{"username": "...", "password": "...", "email": "...", "first_name": "...",
                "last_name": "...", "groups": ["..."]}]}
"""

from __future__ import annotations

import json
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.oidc_provider.settings")
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from oauth2_provider.models import Application

    spec = json.load(sys.stdin)
    call_command("migrate", interactive=False, verbosity=0)
    Application.objects.create(
        name="Boussole", client_id=spec["client_id"], client_secret=spec["client_secret"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=spec["redirect_uri"],
        post_logout_redirect_uris=spec["post_logout_redirect_uri"],
        algorithm=Application.RS256_ALGORITHM, skip_authorization=True)
    for person in spec["users"]:
        user = User.objects.create_user(
            person["username"], email=person["email"], password=person["password"],
            first_name=person.get("first_name", ""), last_name=person.get("last_name", ""))
        for name in person.get("groups", []):
            user.groups.add(Group.objects.get_or_create(name=name)[0])


if __name__ == "__main__":
    main()
