"""The one settings module, driven by environment variables (documented in docs/configuration.md).

Zero configuration gives a working instance on SQLite in ``./var``; ``DATABASE_URL`` switches to
PostgreSQL. Production requires ``BOUSSOLE_SECRET_KEY`` and refuses ``DEBUG``.
"""

from __future__ import annotations

import math
import os
import zoneinfo
from collections.abc import Sequence
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from boussole.core import followup as _followup
from boussole.web.static_headers import cache_headers as _cache_headers

BASE_DIR = Path(__file__).resolve().parent


def _refuse(name: str, expected: str, raw: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(
        f"La variable d'environnement {name} doit {expected} ; elle vaut « {raw} »."
    )


def env_bool(name: str, default: bool = False) -> bool:
    """Read a boolean: only ``true``/``false`` (any case), ``1``/``0`` are accepted."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"true", "1"}:
        return True
    if value in {"false", "0"}:
        return False
    raise _refuse(name, "valoir true, false, 1 ou 0", raw)


def env_int(name: str, default: int, minimum: int = 0) -> int:
    """Read a whole number of at least ``minimum``; anything else stops start-up in French."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        value = minimum - 1
    if value < minimum:
        raise _refuse(name, f"être un nombre entier supérieur ou égal à {minimum}", raw)
    return value


def env_float(name: str, default: float) -> float:
    """Read a strictly positive decimal number (``0.25`` or ``0,25``)."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw.strip().replace(",", "."))
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise _refuse(name, "être un nombre strictement positif (par exemple 0.25)", raw)
    return value


def env_choice(name: str, default: str, choices: Sequence[str]) -> str:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().upper()
    if value not in choices:
        raise _refuse(name, "valoir " + ", ".join(choices[:-1]) + " ou " + choices[-1], raw)
    return value


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DATA_DIR = Path(os.environ.get("BOUSSOLE_DATA_DIR", Path.cwd() / "var")).resolve()
DEBUG = env_bool("BOUSSOLE_DEBUG", False)
_secret = os.environ.get("BOUSSOLE_SECRET_KEY", "")
if not _secret:
    _secret_file = os.environ.get("BOUSSOLE_SECRET_KEY_FILE")
    if _secret_file:
        try:
            _secret = Path(_secret_file).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError):
            raise ImproperlyConfigured(
                f"Le fichier indiqué par BOUSSOLE_SECRET_KEY_FILE ({_secret_file}) est "
                "introuvable ou illisible (texte UTF-8 attendu)."
            ) from None
PRODUCTION = env_bool("BOUSSOLE_PRODUCTION", False)
if PRODUCTION and not _secret:
    raise ImproperlyConfigured("BOUSSOLE_SECRET_KEY est obligatoire en production.")
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("BOUSSOLE_DEBUG ne peut pas être activé en production.")
# A development key: good for a local demo only (production refuses to start without a real one).
SECRET_KEY = _secret or "boussole-insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("BOUSSOLE_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("BOUSSOLE_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "boussole.web.staticfiles_app.BoussoleStaticFilesConfig",
    "django_htmx",
    "axes",
    "csp",
    "ninja",  # django-ninja: its export_openapi_schema command (docs/openapi.json)
    "boussole.web.accounts",
    "boussole.web.cases",
    "boussole.web.footprint",
    "boussole.web.decisions",
    "boussole.web.followup",
    "boussole.web.surveys",
    "boussole.web.indicators",
    "boussole.web.transparency",
    "boussole.web.register",
    "boussole.web.procurement",
    "boussole.web.administration",
    "boussole.web.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "boussole.web.middleware.FrenchFirstLocaleMiddleware",
    "csp.middleware.CSPMiddleware",  # outside CommonMiddleware: its 400 pages get the policy too
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "boussole.web.security.SessionTimeoutMiddleware",
    "boussole.web.security.NoStoreForUsersMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "boussole.web.refusals.RefusalMiddleware",  # a refusal no view handled: never a 500
]

ROOT_URLCONF = "boussole.web.urls"
WSGI_APPLICATION = "boussole.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

_default_db = f"sqlite:///{DATA_DIR / 'boussole.sqlite3'}"
try:
    DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL") or _default_db)}
except (ValueError, KeyError):
    # The value itself is not repeated: it may hold a password.
    raise ImproperlyConfigured(
        "La variable d'environnement DATABASE_URL doit être une adresse de base de données, "
        "par exemple postgres://utilisateur:motdepasse@hote:5432/boussole (sa valeur actuelle "
        "n'est pas reconnue)."
    ) from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("BOUSSOLE_TEST_SQLITE_NAME") or None}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login throttling (django-axes), three counters over the cool-off period (see
# boussole/web/accounts/throttling.py): a username from one address (the tight limit), a username
# from every address (higher, so that locking someone out takes a deliberate effort), and one
# address over every username (password spraying). 0 switches the last two off.
AXES_FAILURE_LIMIT = env_int("BOUSSOLE_LOGIN_FAILURE_LIMIT", 5, minimum=1)
BOUSSOLE_LOGIN_USERNAME_FAILURE_LIMIT = env_int("BOUSSOLE_LOGIN_USERNAME_FAILURE_LIMIT", 20)
BOUSSOLE_LOGIN_IP_FAILURE_LIMIT = env_int("BOUSSOLE_LOGIN_IP_FAILURE_LIMIT", 50)
AXES_COOLOFF_TIME = env_float("BOUSSOLE_LOGIN_COOLOFF_HOURS", 0.25)
AXES_LOCKOUT_PARAMETERS: list[str | list[str]] = [["username", "ip_address"]]
if BOUSSOLE_LOGIN_USERNAME_FAILURE_LIMIT:
    AXES_LOCKOUT_PARAMETERS.append("username")
if BOUSSOLE_LOGIN_IP_FAILURE_LIMIT:
    AXES_LOCKOUT_PARAMETERS.append("ip_address")
AXES_HANDLER = "boussole.web.accounts.throttling.ThrottlingHandler"
# Attempts refused during a lock are not counted: a locked address cannot keep raising the
# counters of other usernames (and so cannot lock them out).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# The client address: REMOTE_ADDR, unless BOUSSOLE_TRUSTED_PROXY_COUNT reverse proxies are declared
# in front of the application; then the address their X-Forwarded-For header names.
BOUSSOLE_TRUSTED_PROXY_COUNT = env_int("BOUSSOLE_TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "boussole.web.accounts.throttling.client_ip"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("BOUSSOLE_TIME_ZONE") or "Europe/Paris"
try:
    zoneinfo.ZoneInfo(TIME_ZONE)
except (ValueError, zoneinfo.ZoneInfoNotFoundError):
    raise _refuse("BOUSSOLE_TIME_ZONE", "être un fuseau horaire, par exemple Europe/Paris",
                  TIME_ZONE) from None
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES: dict[str, dict[str, object]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Content-hashed, brotli and gzip copies collected by `boussole serve` / `migrate`; pages
    # render before any collection with plain names (boussole/web/staticfiles.py).
    "staticfiles": {"BACKEND": "boussole.web.staticfiles.StaticStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_ADD_HEADERS_FUNCTION = _cache_headers
# Evidence and generated files in S3-compatible object storage when BOUSSOLE_S3_BUCKET is set
# (several app servers then share them); otherwise under MEDIA_ROOT. See docs/deploiement.md.
if os.environ.get("BOUSSOLE_S3_BUCKET"):
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": os.environ["BOUSSOLE_S3_BUCKET"],
        "endpoint_url": os.environ.get("BOUSSOLE_S3_ENDPOINT_URL") or None,
        "region_name": os.environ.get("BOUSSOLE_S3_REGION") or None,
        "access_key": os.environ.get("BOUSSOLE_S3_ACCESS_KEY_ID") or None,
        "secret_key": os.environ.get("BOUSSOLE_S3_SECRET_ACCESS_KEY") or None,
        "location": os.environ.get("BOUSSOLE_S3_PREFIX", ""),
        "default_acl": None, "querystring_auth": True, "file_overwrite": False}}
MEDIA_ROOT = DATA_DIR / "files"  # evidence files: outside the web root, served by views only
BOUSSOLE_EVIDENCE_MAX_MB = env_int("BOUSSOLE_EVIDENCE_MAX_MB", 20, minimum=1)
BOUSSOLE_EVIDENCE_TYPES = {
    ".pdf": "application/pdf",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".odp": "application/vnd.oasis.opendocument.presentation",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".txt": "text/plain",
    ".csv": "text/csv",
    ".md": "text/markdown",
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Sessions end after BOUSSOLE_SESSION_IDLE_MINUTES without a request, and in any case
# BOUSSOLE_SESSION_MAX_HOURS after the login (boussole.web.security.SessionTimeoutMiddleware).
BOUSSOLE_SESSION_IDLE_MINUTES = env_int("BOUSSOLE_SESSION_IDLE_MINUTES", 60, minimum=1)
BOUSSOLE_SESSION_MAX_HOURS = env_int("BOUSSOLE_SESSION_MAX_HOURS", 12, minimum=1)
SESSION_COOKIE_AGE = BOUSSOLE_SESSION_MAX_HOURS * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# HTTPS in production: secure cookies, redirection to https, HSTS. Behind a reverse proxy that
# terminates TLS, BOUSSOLE_BEHIND_TLS_PROXY=true trusts its X-Forwarded-Proto header (the proxy
# must set it, overwriting any value sent by the client).
BOUSSOLE_BEHIND_TLS_PROXY = env_bool("BOUSSOLE_BEHIND_TLS_PROXY", False)
if BOUSSOLE_BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = env_bool("BOUSSOLE_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = env_int("BOUSSOLE_HSTS_SECONDS", 365 * 24 * 3600 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("BOUSSOLE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("BOUSSOLE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy on every page (django-csp): nothing inline, nothing from elsewhere.
# Views with their own policy (the printable memo, evidence downloads) set the header themselves;
# the middleware leaves an existing header alone.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "object-src": ["'none'"],
    },
}

# Notifications by e-mail (docs/configuration.md): the console backend prints them by default;
# "django.core.mail.backends.smtp.EmailBackend" with the BOUSSOLE_EMAIL_* server settings sends
# them. Tests use Django's in-memory backend (nothing leaves the machine).
EMAIL_BACKEND = os.environ.get(
    "BOUSSOLE_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = (os.environ.get("BOUSSOLE_EMAIL_FROM")
                      or os.environ.get("BOUSSOLE_FROM_EMAIL", "boussole@localhost"))
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_HOST = os.environ.get("BOUSSOLE_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("BOUSSOLE_EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = os.environ.get("BOUSSOLE_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("BOUSSOLE_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("BOUSSOLE_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("BOUSSOLE_EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("BOUSSOLE_EMAIL_TIMEOUT", 10, minimum=1)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured(
        "BOUSSOLE_EMAIL_USE_TLS et BOUSSOLE_EMAIL_USE_SSL ne peuvent pas valoir true ensemble.")
# The address of Boussole as people reach it (e.g. https://boussole.example.org), for the links
# of the e-mails; empty: the links are paths only.
BOUSSOLE_SITE_URL = os.environ.get("BOUSSOLE_SITE_URL", "").strip().rstrip("/")

# The organisation's default follow-up schedule of a case in service (issue 13): offsets in
# months from the start of the service, comma-separated (T0, 6 months, 1, 3 and 5 years).
BOUSSOLE_FOLLOWUP_SCHEDULE = os.environ.get("BOUSSOLE_FOLLOWUP_SCHEDULE", "0,6,12,36,60")
try:
    _followup.parse_schedule(BOUSSOLE_FOLLOWUP_SCHEDULE)
except ValueError:
    raise _refuse("BOUSSOLE_FOLLOWUP_SCHEDULE", "être une liste croissante de mois, par "
                  "exemple 0,6,12,36,60", BOUSSOLE_FOLLOWUP_SCHEDULE) from None

# Extra directories searched for grid files, besides the grids shipped with the package.
BOUSSOLE_GRID_DIRS = env_list("BOUSSOLE_GRID_DIRS", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"],
             "level": env_choice("BOUSSOLE_LOG_LEVEL", "WARNING",
                                 ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"))},
}

# --- Single sign-on (OpenID Connect) --------------------------------------------------------
# docs/connexion-unique.md. BOUSSOLE_OIDC_CLIENT_ID switches it on; mozilla-django-oidc reads
# the OIDC_* settings, boussole/web/accounts/oidc.py the BOUSSOLE_OIDC_* ones.
BOUSSOLE_OIDC_ENABLED = bool(os.environ.get("BOUSSOLE_OIDC_CLIENT_ID", "").strip())
BOUSSOLE_PASSWORD_LOGIN = env_bool("BOUSSOLE_PASSWORD_LOGIN", True)
BOUSSOLE_OIDC_PROVIDER_NAME = (os.environ.get("BOUSSOLE_OIDC_PROVIDER_NAME", "").strip()
                               or "OpenID Connect")
#: Roles a person created at their first sign-in may get (never admin; referents and elected
#: officials need a domain or a delegation an administrator chooses).
BOUSSOLE_OIDC_DEFAULT_ROLES = ("porteur", "representant_personnel", "prestataire")
if not BOUSSOLE_PASSWORD_LOGIN and not BOUSSOLE_OIDC_ENABLED:
    raise ImproperlyConfigured(
        "BOUSSOLE_PASSWORD_LOGIN=0 ferme la connexion par mot de passe : configurez d'abord la "
        "connexion unique (BOUSSOLE_OIDC_CLIENT_ID et les suivantes, docs/connexion-unique.md).")
if BOUSSOLE_OIDC_ENABLED:
    def _oidc_setting(name: str, required: bool = True, url: bool = False) -> str:
        value = os.environ.get(name, "").strip()
        if required and not value:
            raise ImproperlyConfigured(
                f"La connexion unique est activée (BOUSSOLE_OIDC_CLIENT_ID) : la variable "
                f"d'environnement {name} est obligatoire (voir docs/connexion-unique.md).")
        if url and value and not value.startswith(("https://", "http://")):
            raise _refuse(name, "être une adresse https://…", value)
        return value

    OIDC_RP_CLIENT_ID = _oidc_setting("BOUSSOLE_OIDC_CLIENT_ID")
    OIDC_RP_CLIENT_SECRET = _oidc_setting("BOUSSOLE_OIDC_CLIENT_SECRET")
    OIDC_OP_AUTHORIZATION_ENDPOINT = _oidc_setting("BOUSSOLE_OIDC_AUTHORIZATION_ENDPOINT", url=True)
    OIDC_OP_TOKEN_ENDPOINT = _oidc_setting("BOUSSOLE_OIDC_TOKEN_ENDPOINT", url=True)
    OIDC_OP_USER_ENDPOINT = _oidc_setting("BOUSSOLE_OIDC_USERINFO_ENDPOINT", url=True)
    OIDC_OP_JWKS_ENDPOINT = _oidc_setting("BOUSSOLE_OIDC_JWKS_ENDPOINT", url=True)
    BOUSSOLE_OIDC_END_SESSION_ENDPOINT = _oidc_setting("BOUSSOLE_OIDC_END_SESSION_ENDPOINT",
                                                       required=False, url=True)
    OIDC_RP_SIGN_ALGO = env_choice("BOUSSOLE_OIDC_SIGN_ALGO", "RS256",
                                   ("RS256", "RS384", "RS512", "ES256", "ES384", "ES512"))
    OIDC_RP_SCOPES = " ".join(os.environ.get("BOUSSOLE_OIDC_SCOPES", "").split()
                              or ["openid", "email", "given_name", "usual_name"])
    if "openid" not in OIDC_RP_SCOPES.split() or "email" not in OIDC_RP_SCOPES.split():
        raise _refuse("BOUSSOLE_OIDC_SCOPES", "contenir openid et email", OIDC_RP_SCOPES)
    _acr_values = os.environ.get("BOUSSOLE_OIDC_ACR_VALUES", "").strip()
    OIDC_AUTH_REQUEST_EXTRA_PARAMS = {"acr_values": _acr_values} if _acr_values else {}
    OIDC_USE_PKCE = True
    OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
    OIDC_USE_NONCE = True
    OIDC_STORE_ID_TOKEN = True  # the id_token_hint of the provider's logout
    OIDC_TIMEOUT = 10
    OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:oidc_callback"
    LOGIN_REDIRECT_URL_FAILURE = "accounts:login"
    OIDC_CREATE_USER = env_bool("BOUSSOLE_OIDC_CREATE_USERS", False)
    # The organisation people are matched in: one slug, or the value of a claim (e.g. ProConnect's
    # siret) mapped to slugs by BOUSSOLE_OIDC_ORGANISATIONS ("value=slug,value=slug").
    BOUSSOLE_OIDC_ORGANISATION_CLAIM = os.environ.get("BOUSSOLE_OIDC_ORGANISATION_CLAIM",
                                                      "").strip()
    BOUSSOLE_OIDC_ORGANISATIONS: dict[str, str] = {}
    for _pair in env_list("BOUSSOLE_OIDC_ORGANISATIONS", ""):
        _value, _sep, _slug = (part.strip() for part in _pair.partition("="))
        if not (_value and _sep and _slug):
            raise _refuse("BOUSSOLE_OIDC_ORGANISATIONS", "être une liste valeur=organisation "
                          "séparée par des virgules", os.environ["BOUSSOLE_OIDC_ORGANISATIONS"])
        BOUSSOLE_OIDC_ORGANISATIONS[_value] = _slug
    if BOUSSOLE_OIDC_ORGANISATION_CLAIM and not BOUSSOLE_OIDC_ORGANISATIONS:
        raise ImproperlyConfigured(
            "BOUSSOLE_OIDC_ORGANISATION_CLAIM demande BOUSSOLE_OIDC_ORGANISATIONS (par exemple "
            "21440109300015=nantes-metropole).")
    BOUSSOLE_OIDC_ORGANISATION = _oidc_setting("BOUSSOLE_OIDC_ORGANISATION",
                                               required=not BOUSSOLE_OIDC_ORGANISATION_CLAIM)
    BOUSSOLE_OIDC_DEFAULT_ROLE = (os.environ.get("BOUSSOLE_OIDC_DEFAULT_ROLE", "").strip().lower()
                                  or "porteur")
    if BOUSSOLE_OIDC_DEFAULT_ROLE not in BOUSSOLE_OIDC_DEFAULT_ROLES:
        raise _refuse("BOUSSOLE_OIDC_DEFAULT_ROLE", "valoir " + ", ".join(
            BOUSSOLE_OIDC_DEFAULT_ROLES[:-1]) + " ou " + BOUSSOLE_OIDC_DEFAULT_ROLES[-1],
            BOUSSOLE_OIDC_DEFAULT_ROLE)
    BOUSSOLE_OIDC_ROLE_CLAIM = os.environ.get("BOUSSOLE_OIDC_ROLE_CLAIM", "").strip()
    AUTHENTICATION_BACKENDS.append("boussole.web.accounts.oidc.OIDCBackend")
    if BOUSSOLE_OIDC_END_SESSION_ENDPOINT:
        # The logout form posts to Boussole, which redirects to the provider: browsers check
        # that redirection against the page's form-action.
        _end_session = BOUSSOLE_OIDC_END_SESSION_ENDPOINT.split("/")
        CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append("/".join(_end_session[:3]))
# --- End of single sign-on ------------------------------------------------------------------
