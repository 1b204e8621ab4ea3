"""The Standar Pelayanan texts residents read are checked for plain language: short sentences,
short requirement names, no unexplained abbreviations beyond the documents' own names.

The measure is deliberately simple (sentence and word counts in Indonesian; readability
formulas like Flesch are tuned for English): a sentence of more than 25 words, or a requirement
name of more than 12 words, is flagged for rewriting."""

import re

import pytest

from catalogue.models import Requirement, Service

pytestmark = pytest.mark.django_db

MAX_SENTENCE_WORDS = 25
MAX_NAME_WORDS = 12


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+|\n+", text or "") if s.strip()]


def long_sentences(text: str) -> list[str]:
    return [s for s in sentences(text) if len(s.split()) > MAX_SENTENCE_WORDS]


def test_service_pages_use_short_sentences():
    found = []
    for service in Service.objects.filter(active=True):
        for field in ("summary_id", "procedure_id", "complaint_channel_id"):
            found += [(service.code, field, s) for s in long_sentences(getattr(service, field))]
    assert not found, found


def test_requirements_have_short_names_and_plain_help():
    found = []
    for requirement in Requirement.objects.select_related("service"):
        if len(requirement.name_id.split()) > MAX_NAME_WORDS:
            found.append((requirement.service.code, requirement.code, requirement.name_id))
        found += [
            (requirement.service.code, requirement.code, s)
            for s in long_sentences(requirement.help_id)
        ]
    assert not found, found
