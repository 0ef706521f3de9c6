"""The claims the test provider gives: those of ProConnect (given_name, usual_name, email, uid,
siret) and Keycloak's family_name, plus a ``boussole_role`` group claim for the role mapping."""

from __future__ import annotations

from typing import Any

from oauth2_provider.oauth2_validators import OAuth2Validator


class ClaimsValidator(OAuth2Validator):  # type: ignore[misc]
    # Claims are not filtered by scope: ProConnect asks for the claims themselves as scopes.
    oidc_claim_scope = None

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        user = request.user
        claims: dict[str, Any] = {
            "email": user.email,
            "given_name": user.first_name,
            "usual_name": user.last_name,
            "family_name": user.last_name,
            "uid": str(user.pk),
            "siret": "21690123100011",
        }
        # The user's groups, as Keycloak lists roles: the test of BOUSSOLE_OIDC_ROLE_CLAIM.
        groups = [group.name for group in user.groups.all()]
        if groups:
            claims["boussole_role"] = groups
        return claims
