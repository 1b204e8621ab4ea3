"""Integrated services (Gorontalo): one akta kematian application also yields the documents
that depend on it — the family's new KK, and the surviving spouse's KTP-el change when the
deceased was married. The resident sends the files once; the linked applications are submitted
together with the akta, share those files, and appear on one tracking page.
"""

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from applications import lifecycle
from applications.models import Application, Attachment
from catalogue.models import Requirement, Service, Variant
from population.services import validate_nik

DEATH_CERTIFICATE = "AKM"

# For each linked service: which of the akta's files serves which of its requirements.
# The KK scan is the old KK; the death notice is the document of the event.
SHARED_FILES = {
    "KK": {"kk_lama": "kk", "bukti_peristiwa": "surat_kematian"},
    "KTP": {"kk": "kk", "bukti_perubahan": "surat_kematian"},
}


def yields_linked_applications(application: Application) -> bool:
    return application.service.code == DEATH_CERTIFICATE and application.linked_to_id is None


def linked_applications_submit(*, application: Application, acting_user=None, now) -> list:
    """Create and submit the akta kematian's linked applications, in the caller's transaction.
    They are numbered and dated like any other; the resident is told once, by the akta's notice.
    """
    from applications.services import submit_linked  # services import us

    data = application.data
    linked = [
        _linked(
            application,
            "KK",
            "PERUBAHAN",
            {
                "nik": data.get("surviving_spouse_nik") or data.get("nik", ""),
                "no_kk": data.get("no_kk", ""),
                "name": data.get("surviving_spouse_name") or data.get("name", ""),
                "village": data.get("village", ""),
                "address": "",
                "reason": _("Perubahan KK karena kematian %(name)s") % {"name": data.get("name")},
            },
        )
    ]
    spouse_nik = data.get("surviving_spouse_nik")
    if spouse_nik:
        facts, _problems = validate_nik(spouse_nik, field_name="surviving_spouse_nik")
        linked.append(
            _linked(
                application,
                "KTP",
                "PERUBAHAN",
                {
                    "nik": spouse_nik,
                    "no_kk": data.get("no_kk", ""),
                    "name": data.get("surviving_spouse_name", ""),
                    "sex": facts.sex if facts else "",
                    "birth_date": facts.birth_date.isoformat() if facts else "",
                    "village": data.get("village", ""),
                    "address": "",
                    "reason": _("Status perkawinan berubah (cerai mati)"),
                },
            )
        )
    for child in linked:
        submit_linked(application=child, acting_user=acting_user, now=now)
    return linked


def _linked(parent: Application, code: str, variant_code: str, data: dict) -> Application:
    service = Service.objects.get(code=code)
    variant = Variant.objects.filter(service=service, code=variant_code).first()
    child = Application.objects.create(
        resident=parent.resident,
        service=service,
        variant=variant,
        channel=parent.channel,
        data=data,
        nik=data["nik"],
        village_id=parent.village_id,
        linked_to=parent,
    )
    _share_files(parent, child)
    return child


def _share_files(parent: Application, child: Application) -> None:
    """Copy the parent's scans into the child's requirements: each application keeps its own
    file, so retention and replacement of one never touch the other's."""
    mapping = SHARED_FILES.get(child.service.code, {})
    sources = {a.requirement.code: a for a in parent.attachments.select_related("requirement")}
    for target_code, source_code in mapping.items():
        source = sources.get(source_code)
        requirement = Requirement.objects.filter(service=child.service, code=target_code).first()
        if source is None or requirement is None:
            continue
        with source.file.open("rb") as handle:
            content = handle.read()
        copy = Attachment(
            application=child,
            requirement=requirement,
            content_type=source.content_type,
            size=source.size,
            sha256=source.sha256,
            original_name=source.original_name,
        )
        copy.file.save("upload", ContentFile(content), save=False)
        copy.save()


def linked_family(application: Application) -> list[Application]:
    """Every application of the same integrated request, the akta first."""
    root = application.linked_to or application
    return [root, *root.linked.select_related("service", "variant").order_by("id")]


def status_label(application: Application) -> str:
    return lifecycle.label(application.status)
