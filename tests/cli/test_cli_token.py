"""``boussole user token USERNAME --scope read|write``: a working token on the last line, only
its hash in the database."""

from __future__ import annotations

from typing import Any

import pytest

from boussole.cli import main
from boussole.web.api.models import ApiToken
from boussole.web.api.tokens import secret_hash

pytestmark = pytest.mark.django_db


def test_token_printed_on_last_line_and_usable(capsys: Any, client: Any, organisation: Any,
                                               make_user: Any) -> None:
    make_user("juriste", organisation, role="referent")
    assert main(["user", "token", "juriste", "--scope", "read", "--name", "Tableur"]) == 0
    token = capsys.readouterr().out.strip().splitlines()[-1]
    assert token.startswith("bsl_")
    record = ApiToken.objects.get()
    assert (record.name, record.scope, record.user.username) == ("Tableur", "read", "juriste")
    assert record.secret_hash == secret_hash(token) and token not in record.secret_hash
    response = client.get("/api/v1/cases", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert response.json()["total"] == 0


def test_unknown_person_or_scope_is_refused(capsys: Any, organisation: Any,
                                            make_user: Any) -> None:
    assert main(["user", "token", "personne", "--scope", "write"]) == 2
    assert "introuvable" in capsys.readouterr().err
    make_user("ancien", organisation, is_active=False)
    assert main(["user", "token", "ancien", "--scope", "write"]) == 2
    assert "désactivé" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stop:
        main(["user", "token", "ancien", "--scope", "admin"])
    assert stop.value.code == 2
    assert not ApiToken.objects.exists()
