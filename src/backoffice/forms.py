from django import forms
from django.utils.translation import gettext_lazy as _

from applications.models import RequirementCheck
from catalogue.models import Service
from population.selectors import office_districts


class QueueFilterForm(forms.Form):
    district = forms.ChoiceField(label=_("Kecamatan"), required=False)
    service = forms.ChoiceField(label=_("Layanan"), required=False)
    overdue = forms.BooleanField(label=_("Hanya yang terlambat atau jatuh tempo"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = [("", _("Semua"))] + [
            (d.code, d.name) for d in office_districts()
        ]
        self.fields["service"].choices = [("", _("Semua"))] + [
            (s.code, s.code) for s in Service.objects.filter(active=True)
        ]


REJECTION_CHOICES = [("", "—")] + [
    (code, label) for code, label in RequirementCheck.REASONS.items() if code != "missing"
]
