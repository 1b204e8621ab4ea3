"""`{% load masking %}` then `{{ application.nik|mask_nik }}`."""

from django import template

from population.masking import mask_nik as _mask_nik

register = template.Library()


@register.filter
def mask_nik(value) -> str:
    return _mask_nik(value)
