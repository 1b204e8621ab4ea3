import pytest

from tests.documents.builders import signing_certs  # noqa: F401 — the session fixture


@pytest.fixture(autouse=True)
def _signing(signing_certs):  # noqa: F811
    return signing_certs
