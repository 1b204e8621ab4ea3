from django import template

from accounts.access import has_role
from accounts.roles import HEAD_OF_SECTION, OPERATOR
from applications import lifecycle

register = template.Library()


@register.filter
def status_label(status: str) -> str:
    return lifecycle.label(status) if status in lifecycle.LABELS else status


@register.inclusion_tag("production/_low_stock_banner.html", takes_context=True)
def low_stock_banner(context):
    """The low-stock warning for operators and the head of section, for any back-office page:
    `{% load production_tags %}{% low_stock_banner %}`."""
    from production.selectors import low_stock_items

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not has_role(user, OPERATOR, HEAD_OF_SECTION):
        return {"low_stock": []}
    return {"low_stock": low_stock_items()}
