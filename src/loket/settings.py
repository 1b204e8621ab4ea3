"""Loket settings: everything an operator changes comes from the environment."""

from pathlib import Path

import dj_database_url

from loket.env import env_bool, env_int, env_list, env_required_in_production, env_str

BASE_DIR = Path(__file__).resolve().parent.parent  # src/
REPO_DIR = BASE_DIR.parent
VAR_DIR = Path(env_str("LOKET_VAR_DIR", str(REPO_DIR / "var")))

PRODUCTION = env_str("LOKET_ENV", "development") == "production"
DEBUG = env_bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env_required_in_production(
    "SECRET_KEY", "demo-only-secret-key-do-not-use-in-production-0123456789", PRODUCTION
)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Reverse proxies whose X-Forwarded-For is believed (rate limits and the access log need the
# resident's address, not the proxy's).
TRUSTED_PROXIES = set(env_list("TRUSTED_PROXIES", "127.0.0.1,::1"))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_static",
    "django_otp.plugins.otp_totp",
    "two_factor",
    "django_tasks",
    "django_tasks_db",
    "loket",
    "population",
    "catalogue",
    "workdays",
    "accounts",
    "applications",
    "notifications",
    "channels",
    "audit",
    "central",
    "production",
    "backoffice",
    "documents",
    "handover",
    "counter_queue",
    "feedback",
    "reports",
    "assisted",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "loket.middleware.RefuseNulBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "loket.middleware.IndonesianFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "loket.urls"
WSGI_APPLICATION = "loket.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "loket.context_processors.office",
                "workdays.context_processors.disruptions",
            ],
        },
    },
]

# Database: embedded SQLite (WAL) by default, PostgreSQL in production via DATABASE_URL.
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'loket.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=600, conn_health_checks=True)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's backend, with writers queueing on a file lock (see loket/sqlite/base.py).
    DATABASES["default"]["ENGINE"] = "loket.sqlite"
    # Keep connections: reconnecting re-runs the PRAGMAs below on every request.
    DATABASES["default"]["CONN_MAX_AGE"] = 600
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers run beside the writer; IMMEDIATE takes the write lock up front
        # so two writers queue instead of failing on a lock upgrade.
        "init_command": ("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,  # seconds a writer waits for the lock (sets busy_timeout)
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "accounts:sign_in"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
TWO_FACTOR_LOGIN_TIMEOUT = 600
OFFICER_LOGIN_URL = "two_factor:login"
LOGIN_REDIRECT_URL = "/kantor/"  # where officers land after the two-step log-in

# Language: Indonesian first, English second. Source strings are Indonesian.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600

# The office this deployment serves.
OFFICE_REGENCY_CODE = env_str("OFFICE_REGENCY_CODE", "6471")  # Kota Balikpapan
OFFICE_NAME = env_str("OFFICE_NAME", "Disdukcapil Kota Balikpapan")
TIME_ZONE = env_str("OFFICE_TIME_ZONE", "Asia/Makassar")
OFFICE_CLOSING_TIME = env_str("OFFICE_CLOSING_TIME", "16:00")
OFFICE_WHATSAPP = env_str("OFFICE_WHATSAPP", "")
OFFICE_COMPLAINT_CHANNEL = env_str("OFFICE_COMPLAINT_CHANNEL", "")

# Static files and uploads. Uploads live outside the web root and are only served by views
# that check who is asking.
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [REPO_DIR / "static"]
STORAGES = {
    "default": {
        "BACKEND": "loket.storage.EncryptedFileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "uploads"), "base_url": None},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Object storage (S3, MinIO, Ceph, a cloud's S3-compatible service): FILE_STORAGE=s3 puts uploads
# and signed documents in a private bucket, encrypted before upload as on disk. Local files
# (LOKET_VAR_DIR/uploads) stay the default. Several web/worker machines need the bucket.
FILE_STORAGE = env_str("FILE_STORAGE", "local")
if FILE_STORAGE == "s3":
    STORAGES["default"] = {
        "BACKEND": "loket.storage.EncryptedS3Storage",
        "OPTIONS": {
            "bucket_name": env_required_in_production("AWS_STORAGE_BUCKET_NAME", "loket", True),
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env_str("AWS_S3_REGION_NAME") or None,
            "access_key": env_str("AWS_ACCESS_KEY_ID") or None,
            "secret_key": env_str("AWS_SECRET_ACCESS_KEY") or None,
            "location": env_str("AWS_LOCATION", ""),  # a key prefix, e.g. one per office
            # Path-style URLs work with every S3-compatible server (MinIO, moto, IP endpoints).
            "addressing_style": env_str("AWS_S3_ADDRESSING_STYLE", "path"),
            "default_acl": None,  # private objects; the bucket's own policy applies
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
elif FILE_STORAGE != "local":
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"FILE_STORAGE must be 'local' or 's3', got {FILE_STORAGE!r}")
MEDIA_ROOT = VAR_DIR / "uploads"
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 5 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Outside systems.
SMS_BASE_URL = env_required_in_production("SMS_BASE_URL", "http://127.0.0.1:8025", PRODUCTION)
SMS_API_KEY = env_required_in_production("SMS_API_KEY", "demo-sms-key", PRODUCTION)
SMS_SENDER = env_str("SMS_SENDER", "LOKET")
HTTP_TIMEOUT_SECONDS = env_int("HTTP_TIMEOUT_SECONDS", 10)

# Sign-in codes and rate limits.
OTP_TTL_SECONDS = env_int("OTP_TTL_SECONDS", 300)
OTP_MAX_PER_PHONE_PER_HOUR = env_int("OTP_MAX_PER_PHONE_PER_HOUR", 5)
OTP_MAX_PER_IP_PER_HOUR = env_int("OTP_MAX_PER_IP_PER_HOUR", 30)
OTP_MAX_ATTEMPTS = env_int("OTP_MAX_ATTEMPTS", 5)
API_STATUS_LOOKUPS_PER_MINUTE = env_int("API_STATUS_LOOKUPS_PER_MINUTE", 30)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "pikepdf": {"level": "WARNING"},
    },
}
AUTH_USER_MODEL = "accounts.User"

for _dir in (VAR_DIR, STATIC_ROOT):
    _dir.mkdir(parents=True, exist_ok=True)
PUBLIC_BASE_URL = env_required_in_production("PUBLIC_BASE_URL", "http://127.0.0.1:8000", PRODUCTION)

# Central SIAK link (fakes/siak.py plays it in tests and the demo).
SIAK_BASE_URL = env_required_in_production("SIAK_BASE_URL", "http://127.0.0.1:8030", PRODUCTION)
SIAK_API_KEY = env_required_in_production("SIAK_API_KEY", "demo-siak-key", PRODUCTION)
SIAK_TIMEOUT_SECONDS = env_int("SIAK_TIMEOUT_SECONDS", 15)
SIAK_POLL_SECONDS = env_int("SIAK_POLL_SECONDS", 60)  # how often a waiting request is asked about
SIAK_RETRY_MAX_SECONDS = env_int("SIAK_RETRY_MAX_SECONDS", 900)  # backoff cap while SIAK is down

# Personal data protection (UU 27/2022): uploaded scans are encrypted at rest with these Fernet
# keys, newest first (the first encrypts, all decrypt; `rotate_file_keys` moves files to the
# first). Scans of applications finished RETENTION_MONTHS ago are removed by `purge_scans`.
FILE_ENCRYPTION_KEYS = [
    key.strip()
    for key in env_required_in_production(
        "FILE_ENCRYPTION_KEYS", "jj6CTQteKY7ilUeq4J8JPf7nWkXZZ4a_I--hPskGoOY=", PRODUCTION
    ).split(",")
    if key.strip()
]
RETENTION_MONTHS = env_int("RETENTION_MONTHS", 24)

# WhatsApp Business Cloud API (fakes/whatsapp_cloud.py plays Meta's side in tests and the demo).
WHATSAPP_API_BASE_URL = env_required_in_production(
    "WHATSAPP_API_BASE_URL", "http://127.0.0.1:8040", PRODUCTION
)
WHATSAPP_ACCESS_TOKEN = env_required_in_production(
    "WHATSAPP_ACCESS_TOKEN", "demo-whatsapp-token", PRODUCTION
)
WHATSAPP_APP_SECRET = env_required_in_production(
    "WHATSAPP_APP_SECRET", "demo-whatsapp-app-secret", PRODUCTION
)
WHATSAPP_VERIFY_TOKEN = env_required_in_production(
    "WHATSAPP_VERIFY_TOKEN", "demo-verify-token", PRODUCTION
)
WHATSAPP_PHONE_NUMBER_ID = env_str("WHATSAPP_PHONE_NUMBER_ID", "100000000000001")
# The SMS gateway's inbound callback signs its posts with this shared secret.
SMS_INBOUND_SECRET = env_required_in_production(
    "SMS_INBOUND_SECRET", "demo-sms-inbound", PRODUCTION
)

# Courier booking API (fakes/courier.py plays the courier company in tests and the demo).
COURIER_BASE_URL = env_required_in_production(
    "COURIER_BASE_URL", "http://127.0.0.1:8050", PRODUCTION
)
COURIER_API_KEY = env_required_in_production("COURIER_API_KEY", "demo-courier-key", PRODUCTION)
# The courier signs its status callbacks with this shared secret (HMAC-SHA256 of the body).
COURIER_WEBHOOK_SECRET = env_required_in_production(
    "COURIER_WEBHOOK_SECRET", "demo-courier-webhook", PRODUCTION
)
COURIER_TIMEOUT_SECONDS = env_int("COURIER_TIMEOUT_SECONDS", 10)

# Signing self-print documents (PAdES): the office's PKCS#12 and the CA that issued it (the
# verification page trusts only that CA). `make demo` creates a demo CA and signer here.
SIGNING_PKCS12_PATH = env_str("SIGNING_PKCS12_PATH", str(VAR_DIR / "signing" / "signer.p12"))
SIGNING_PKCS12_PASSWORD = env_required_in_production(
    "SIGNING_PKCS12_PASSWORD", "demo-signing-password", PRODUCTION
)
SIGNING_CA_CERT_PATH = env_str("SIGNING_CA_CERT_PATH", str(VAR_DIR / "signing" / "ca.pem"))
SIGNING_TSA_URL = env_str("SIGNING_TSA_URL", "")  # PAdES B-T when set, B-B otherwise
# The public verification page: look-ups per minute per IP (codes are not guessable anyway).
DOCUMENT_VERIFICATIONS_PER_MINUTE = env_int("DOCUMENT_VERIFICATIONS_PER_MINUTE", 30)
