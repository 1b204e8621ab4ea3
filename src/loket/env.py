"""Typed readers for settings that come from the environment (12-factor)."""

import os

from django.core.exceptions import ImproperlyConfigured


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    try:
        return int(value) if value else default
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_required_in_production(name: str, demo_default: str, production: bool) -> str:
    """Demo-safe default in development; refuse to start in production without it."""
    value = os.environ.get(name, "")
    if value:
        return value
    if production:
        raise ImproperlyConfigured(f"{name} must be set when LOKET_ENV=production")
    return demo_default
