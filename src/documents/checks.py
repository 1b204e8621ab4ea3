"""Start-up check: a deployment that cannot sign would leave every document "being prepared"."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def check_signing_certificate(app_configs, **kwargs):
    from documents.signing import SigningUnavailable, office_signer, trust_root

    problems = []
    level = checks.Error if getattr(settings, "PRODUCTION", False) else checks.Warning
    try:
        office_signer()
    except SigningUnavailable as exc:
        problems.append(
            level(
                f"Self-print documents cannot be signed: {exc}",
                hint="Set SIGNING_PKCS12_PATH and SIGNING_PKCS12_PASSWORD "
                "(`manage.py signing_demo_certs` makes demo ones).",
                id="documents.E001",
            )
        )
    try:
        trust_root()
    except (OSError, ValueError) as exc:
        problems.append(
            level(
                f"Uploaded documents cannot be verified: {exc.__class__.__name__}",
                hint="Set SIGNING_CA_CERT_PATH to the PEM of the CA that issued the signer.",
                id="documents.E002",
            )
        )
    return problems
