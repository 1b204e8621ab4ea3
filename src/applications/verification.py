"""Officer-side writes on applications: claiming, deciding per requirement, and the resident's
resubmission after a fix request. Each function is one transaction; statuses change only through
lifecycle.transition."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications import lifecycle
from applications.models import Application, RequirementCheck
from applications.selectors import checklist
from loket.errors import DomainError
from workdays.calendar import resume_promise_date, working_days_left


@dataclass(frozen=True)
class Decision:
    accepted: bool
    reason: str = ""
    note: str = ""


def _locked(application: Application) -> Application:
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("assigned_to")
        .get(pk=application.pk)
    )


@transaction.atomic
def verification_claim(*, application: Application, officer) -> Application:
    """Take a submitted or resubmitted application into verification (one verifier at a time)."""
    locked = _locked(application)
    if locked.status == lifecycle.IN_VERIFICATION:
        if locked.assigned_to_id == officer.id:
            return locked
        raise DomainError(
            "claimed_by_other",
            _("Permohonan ini sedang diperiksa oleh %(name)s."),
            name=locked.assigned_to.get_username() if locked.assigned_to else "-",
        )
    locked.assigned_to = officer
    locked.save(update_fields=["assigned_to"])
    lifecycle.transition(locked, lifecycle.IN_VERIFICATION, actor=officer)
    return locked


def _check_decisions(rows, decisions: dict[int, Decision]) -> None:
    problems = []
    for row in rows:
        decision = decisions.get(row.requirement.id)
        if row.attachment is None and row.required:
            continue  # a missing required file is rejected automatically
        if row.attachment is not None and decision is None:
            problems.append(row.requirement.t.name)
        elif decision and not decision.accepted and decision.reason not in RequirementCheck.REASONS:
            raise DomainError(
                "reason_required",
                _("Pilih alasan penolakan untuk %(name)s."),
                name=row.requirement.t.name,
            )
    if problems:
        raise DomainError(
            "decision_missing",
            _("Putuskan dulu setiap berkas: %(names)s."),
            names="; ".join(problems),
        )


@transaction.atomic
def verification_decide(
    *, application: Application, officer, decisions: dict[int, Decision]
) -> Application:
    """Record a decision per requirement; any rejection sends the application back to the
    resident (needs fix, clock stopped), otherwise it is verified."""
    locked = _locked(application)
    if locked.status != lifecycle.IN_VERIFICATION or locked.assigned_to_id != officer.id:
        raise DomainError(
            "decided_elsewhere",
            _("Permohonan ini sudah diputuskan atau sedang diperiksa petugas lain. Muat ulang."),
        )
    rows = checklist(locked)
    _check_decisions(rows, decisions)
    rejected = []
    for row in rows:
        if row.attachment is None and not row.required:
            continue
        decision = decisions.get(row.requirement.id) or Decision(False, "missing")
        if row.attachment is None:
            decision = Decision(False, "missing", decision.note)
        RequirementCheck.objects.create(
            application=locked,
            requirement=row.requirement,
            attachment=row.attachment,
            decision=RequirementCheck.ACCEPTED if decision.accepted else RequirementCheck.REJECTED,
            reason="" if decision.accepted else decision.reason,
            note=decision.note[:300],
            officer=officer,
        )
        if not decision.accepted:
            reason = str(RequirementCheck.REASONS[decision.reason])
            detail = f" ({decision.note})" if decision.note else ""
            rejected.append(f"{row.requirement.t.name}: {reason}{detail}")
    if rejected:
        today = timezone.localdate()
        locked.workdays_left_at_pause = working_days_left(today, locked.promise_date)
        locked.save(update_fields=["workdays_left_at_pause"])
        lifecycle.transition(locked, lifecycle.NEEDS_FIX, actor=officer, note="; ".join(rejected))
    else:
        lifecycle.transition(locked, lifecycle.VERIFIED, actor=officer)
    return locked


def latest_rejections(application: Application) -> set[int]:
    """Requirements whose latest decision is a rejection (replaced since or not)."""
    latest = {}
    for check in application.checks.all():  # newest first
        latest.setdefault(check.requirement_id, check)
    return {rid for rid, check in latest.items() if check.decision == RequirementCheck.REJECTED}


def rejected_requirement_ids(application: Application) -> set[int]:
    """Requirements whose latest check is a rejection and that have no newer file since."""
    latest = {}
    for check in application.checks.all():  # newest first
        latest.setdefault(check.requirement_id, check)
    files = {a.requirement_id: a for a in application.attachments.all()}
    return {
        requirement_id
        for requirement_id, check in latest.items()
        if check.decision == RequirementCheck.REJECTED
        and (requirement_id not in files or check.attachment_id == files[requirement_id].id)
    }


@transaction.atomic
def application_resubmit(
    *, application: Application, acting_user=None, now=None, notify: bool = True
) -> Application:
    """The resident sends the fixed files back; the promise date restarts where it stopped."""
    locked = _locked(application)
    if locked.status != lifecycle.NEEDS_FIX:
        raise DomainError(
            "not_waiting_for_fix", _("Permohonan ini tidak sedang menunggu perbaikan.")
        )
    still = rejected_requirement_ids(locked)
    if still:
        names = [row.requirement.t.name for row in checklist(locked) if row.requirement.id in still]
        raise DomainError(
            "fix_missing",
            _("Ganti dulu berkas yang ditolak: %(names)s."),
            names="; ".join(names),
        )
    now = now or timezone.now()
    locked.promise_date = resume_promise_date(locked.workdays_left_at_pause or 0, now)
    locked.workdays_left_at_pause = None
    locked.assigned_to = None
    locked.save(update_fields=["promise_date", "workdays_left_at_pause", "assigned_to"])
    lifecycle.transition(locked, lifecycle.RESUBMITTED, actor=acting_user, notify=notify)
    return locked
