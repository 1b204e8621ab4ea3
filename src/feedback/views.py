"""Complaints (residents and customer service), the public FAQ, the satisfaction survey and the
office's IKM report. Views parse input, call one service, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.access import has_role, officer_required
from accounts.roles import CUSTOMER_SERVICE, HEAD_OF_SECTION
from applications import lifecycle
from applications.models import Application
from audit.services import record_access
from feedback import selectors, services
from feedback.anonymise import anonymise, names_of_case
from feedback.forms import (
    AnswerForm,
    ComplaintForm,
    DeskComplaintForm,
    EscalateForm,
    FaqForm,
    IkmFilterForm,
    ReopenForm,
    SurveyForm,
)
from feedback.ikm import ELEMENTS, GRADES
from feedback.models import Complaint, SurveyResponse
from loket.errors import DomainError

# --- residents ----------------------------------------------------------------------------


def _own_complaint(request, public_id) -> Complaint:
    try:
        return selectors.complaint_of_resident(request.user, public_id)
    except Complaint.DoesNotExist:
        raise Http404 from None


def _resident_applications(user):
    return (
        Application.objects.filter(resident=user)
        .exclude(registration_number=None)
        .select_related("service")
        .order_by("-submitted_at")
    )


@login_required
@require_GET
def complaint_list(request):
    return render(
        request, "feedback/complaints.html", {"complaints": selectors.complaints_of(request.user)}
    )


@login_required
def complaint_new(request):
    applications = _resident_applications(request.user)
    initial = {"application": request.GET.get("permohonan", "")}
    form = ComplaintForm(request.POST or None, applications=applications, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                complaint = services.complaint_file(
                    resident=request.user,
                    application=form.selected_application(),
                    category=form.cleaned_data["category"],
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                )
            except DomainError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("Pengaduan Anda sudah kami terima."))
                return redirect("feedback:complaint_detail", complaint.public_id)
    return render(request, "feedback/complaint_form.html", {"form": form}, status=status)


def _resident_detail(request, complaint, *, reopen_form=None, problems=(), status=200):
    context = {
        "complaint": complaint,
        "events": complaint.events.all(),
        "reopen_form": reopen_form or ReopenForm(),
        "problems": list(problems),
    }
    return render(request, "feedback/complaint_detail.html", context, status=status)


@login_required
@require_GET
def complaint_detail(request, public_id):
    return _resident_detail(request, _own_complaint(request, public_id))


@login_required
@require_POST
def complaint_reopen(request, public_id):
    complaint = _own_complaint(request, public_id)
    form = ReopenForm(request.POST)
    try:
        services.complaint_reopen(
            complaint=complaint, resident=request.user, reason=request.POST.get("reason", "")
        )
    except DomainError as error:
        complaint.refresh_from_db()
        return _resident_detail(
            request, complaint, reopen_form=form, problems=error.messages, status=409
        )
    messages.success(request, _("Pengaduan Anda dibuka kembali."))
    return redirect("feedback:complaint_detail", public_id)


@require_GET
def faq(request):
    return render(request, "feedback/faq.html", {"entries": selectors.faq_entries()})


@login_required
def survey(request, public_id):
    try:
        application = Application.objects.select_related("service").get(
            public_id=public_id, resident=request.user
        )
    except Application.DoesNotExist:
        raise Http404 from None
    form = SurveyForm(request.POST or None)
    answered = SurveyResponse.objects.filter(application=application).exists()
    context = {
        "application": application,
        "form": form,
        "answered": answered,
        "handed_over": application.status == lifecycle.HANDED_OVER,
        "via": request.GET.get("via", request.POST.get("via", "web")),
        "problems": [],
    }
    if request.method != "POST":
        return render(request, "feedback/survey.html", context)
    if not form.is_valid():  # the free text (scores are checked by the service)
        context["problems"] = [e for errors in form.errors.values() for e in errors]
        return render(request, "feedback/survey.html", context, status=400)
    try:
        services.survey_answer(
            application=application,
            resident=request.user,
            scores=form.scores(),
            comment=form.cleaned_data.get("comment", ""),
            channel=context["via"],
        )
    except DomainError as error:
        context["problems"] = error.messages
        return render(request, "feedback/survey.html", context, status=409 if answered else 400)
    return render(request, "feedback/survey_thanks.html", {"application": application})


# --- customer service and the head of section ----------------------------------------------

OFFICERS = (CUSTOMER_SERVICE, HEAD_OF_SECTION)


@officer_required(*OFFICERS)
@require_GET
def officer_list(request):
    # Automatic escalation also runs here, so an overdue complaint never waits for the sweeper.
    escalated = services.complaints_escalate_overdue()
    today = timezone.localdate()
    status = request.GET.get("status", "")
    if status not in dict(Complaint.STATUSES):
        status = ""
    overdue_only = request.GET.get("terlambat") == "1"
    rows = [
        {"complaint": c, "overdue": c.is_overdue(today)}
        for c in selectors.officer_complaints(status=status, overdue_only=overdue_only, today=today)
    ]
    context = {
        "rows": rows,
        "status": status,
        "overdue_only": overdue_only,
        "statuses": Complaint.STATUSES,
        "escalated_now": escalated,
        "can_file": has_role(request.user, CUSTOMER_SERVICE),
    }
    return render(request, "feedback/officer_list.html", context)


def _officer_complaint(public_id) -> Complaint:
    try:
        return selectors.complaint_for_officer(public_id)
    except Complaint.DoesNotExist:
        raise Http404 from None


def _officer_detail(request, complaint, *, status=200, **forms):
    if complaint.application_id:  # the complaint shows the application: a personal-data read
        record_access(request, application=complaint.application, screen="complaint")
    names = names_of_case(complaint)
    faq_initial = {
        "question": anonymise(f"{complaint.subject}\n{complaint.body}", names=names),
        "answer": anonymise(complaint.answer, names=names),
    }
    context = {
        "complaint": complaint,
        "events": complaint.events.select_related("actor"),
        "overdue": complaint.is_overdue(timezone.localdate()),
        "answer_form": forms.get("answer_form") or AnswerForm(),
        "escalate_form": forms.get("escalate_form") or EscalateForm(),
        "faq_form": forms.get("faq_form") or FaqForm(initial=faq_initial),
        "published": hasattr(complaint, "faq"),
        "problems": forms.get("problems", []),
    }
    return render(request, "feedback/officer_detail.html", context, status=status)


@officer_required(*OFFICERS)
@require_GET
def officer_detail(request, public_id):
    return _officer_detail(request, _officer_complaint(public_id))


def _officer_action(request, public_id, form_class, form_key, act, done_message):
    complaint = _officer_complaint(public_id)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            act(complaint, form.cleaned_data)
        except DomainError as error:
            complaint = _officer_complaint(public_id)
            return _officer_detail(
                request, complaint, status=409, problems=error.messages, **{form_key: form}
            )
        messages.success(request, done_message)
        return redirect("feedback:officer_detail", public_id)
    return _officer_detail(request, complaint, status=400, **{form_key: form})


@officer_required(*OFFICERS)
@require_POST
def officer_answer(request, public_id):
    return _officer_action(
        request,
        public_id,
        AnswerForm,
        "answer_form",
        lambda complaint, data: services.complaint_answer(
            complaint=complaint, answer=data["answer"], officer=request.user
        ),
        _("Jawaban terkirim kepada warga."),
    )


@officer_required(*OFFICERS)
@require_POST
def officer_escalate(request, public_id):
    return _officer_action(
        request,
        public_id,
        EscalateForm,
        "escalate_form",
        lambda complaint, data: services.complaint_escalate(
            complaint=complaint, officer=request.user, reason=data["reason"]
        ),
        _("Pengaduan dieskalasi ke kepala seksi."),
    )


@officer_required(*OFFICERS)
@require_POST
def officer_publish(request, public_id):
    return _officer_action(
        request,
        public_id,
        FaqForm,
        "faq_form",
        lambda complaint, data: services.faq_publish(
            complaint=complaint,
            question=data["question"],
            answer=data["answer"],
            officer=request.user,
        ),
        _("Jawaban diterbitkan di FAQ tanpa data pribadi."),
    )


@officer_required(CUSTOMER_SERVICE)
def desk_new(request):
    """A walk-in resident's complaint, filed by customer service with their phone number."""
    form = DeskComplaintForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            application = None
            number = data["registration_number"].strip().upper()
            if number:
                application = Application.objects.filter(registration_number=number).first()
                if application is None:
                    form.add_error("registration_number", _("Nomor permohonan tidak ditemukan."))
            if not form.errors:
                try:
                    complaint = services.complaint_file(
                        phone=data["phone"],
                        application=application,
                        category=data["category"],
                        subject=data["subject"],
                        body=data["body"],
                        channel="desk",
                        acting_user=request.user,
                    )
                except DomainError as error:
                    for message in error.messages:
                        form.add_error(None, message)
                else:
                    messages.success(request, _("Pengaduan dicatat; warga menerima SMS."))
                    return redirect("feedback:officer_detail", complaint.public_id)
    return render(request, "feedback/desk_form.html", {"form": form}, status=status)


# --- the IKM report --------------------------------------------------------------------------


@officer_required(*OFFICERS)
@require_GET
def ikm_report(request):
    form = IkmFilterForm(request.GET or None)
    survey_filter = selectors.SurveyFilter()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        survey_filter = selectors.SurveyFilter(
            service_code=data["service"] or "",
            start=data["start"],
            end=data["end"],
            channel=data["channel"] or "",
        )
    responses = selectors.survey_responses(survey_filter)
    result = selectors.ikm_for(responses)
    context = {
        "form": form,
        "result": result,
        "questions": [(code, name) for code, name, *_rest in ELEMENTS],
        "grades": GRADES,
        "by_service": selectors.ikm_breakdown(responses, "service__code"),
        "by_channel": [
            (dict(SurveyResponse.CHANNELS).get(code, code), figures)
            for code, figures in selectors.ikm_breakdown(responses, "channel")
        ],
        "positive": selectors.positive_feedback(responses),
        "complaints": selectors.complaints_in(survey_filter),
    }
    return render(request, "feedback/ikm_report.html", context)
