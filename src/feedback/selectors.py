"""Reads: complaint lists, the FAQ, and the IKM figures per service, period and channel."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, Sum

from feedback import ikm
from feedback.models import Complaint, FaqEntry, SurveyResponse

# Free-text answers count as positive feedback when every element was scored 3 or 4
# ("sesuai"/"sangat sesuai" and their equivalents): what the monthly meeting never saw before.
POSITIVE_MIN_SCORE = 3
EVALUATION_ROWS = 50


def complaints_of(resident):
    return Complaint.objects.filter(resident=resident).order_by("-filed_at")


def complaint_of_resident(resident, public_id) -> Complaint:
    return Complaint.objects.select_related("application").get(
        resident=resident, public_id=public_id
    )


def complaint_for_officer(public_id) -> Complaint:
    return Complaint.objects.select_related(
        "application__service", "resident", "answered_by", "filed_by"
    ).get(public_id=public_id)


def officer_complaints(*, status: str = "", overdue_only: bool = False, today=None):
    """Waiting complaints first, nearest deadline first; escalated ones for the head of
    section under status="escalated"."""
    rows = Complaint.objects.select_related("application")
    if status:
        rows = rows.filter(status=status)
    else:
        rows = rows.filter(status__in=[Complaint.OPEN, Complaint.ESCALATED])
    if overdue_only:
        rows = rows.filter(deadline__lt=today)
    return rows.order_by("deadline", "filed_at")


def faq_entries():
    return FaqEntry.objects.all()


@dataclass(frozen=True)
class SurveyFilter:
    service_code: str = ""
    start: datetime.date | None = None
    end: datetime.date | None = None
    channel: str = ""


def survey_responses(survey_filter: SurveyFilter):
    rows = SurveyResponse.objects.all()
    if survey_filter.service_code:
        rows = rows.filter(service__code=survey_filter.service_code)
    if survey_filter.start:
        rows = rows.filter(answered_on__gte=survey_filter.start)
    if survey_filter.end:
        rows = rows.filter(answered_on__lte=survey_filter.end)
    if survey_filter.channel:
        rows = rows.filter(channel=survey_filter.channel)
    return rows


def ikm_for(responses) -> ikm.IkmResult:
    """The index from the database's sums (one query, whatever the number of forms)."""
    sums = responses.aggregate(
        count=Count("id"), **{name: Sum(name) for name in SurveyResponse.SCORE_FIELDS}
    )
    totals = [sums[name] or 0 for name in SurveyResponse.SCORE_FIELDS]
    return ikm.from_totals(totals, sums["count"])


def ikm_breakdown(responses, field: str) -> list[tuple[str, ikm.IkmResult]]:
    """The index per value of `field` ("service__code" or "channel")."""
    sums = (
        responses.order_by()
        .values(field)
        .annotate(count=Count("id"), **{name: Sum(name) for name in SurveyResponse.SCORE_FIELDS})
        .order_by(field)
    )
    return [
        (
            row[field],
            ikm.from_totals([row[name] for name in SurveyResponse.SCORE_FIELDS], row["count"]),
        )
        for row in sums
    ]


def positive_feedback(responses):
    high = Q(**{f"{name}__gte": POSITIVE_MIN_SCORE for name in SurveyResponse.SCORE_FIELDS})
    return (
        responses.filter(high)
        .exclude(comment="")
        .select_related("service")
        .order_by("-answered_on", "-id")[:EVALUATION_ROWS]
    )


def complaints_in(survey_filter: SurveyFilter):
    """Complaints of the same period (and service, when filtered) for the evaluation meeting."""
    rows = Complaint.objects.select_related("application__service")
    if survey_filter.start:
        rows = rows.filter(filed_at__date__gte=survey_filter.start)
    if survey_filter.end:
        rows = rows.filter(filed_at__date__lte=survey_filter.end)
    if survey_filter.service_code:
        rows = rows.filter(application__service__code=survey_filter.service_code)
    return rows.order_by("-filed_at")[:EVALUATION_ROWS]
