from django import template

register = template.Library()


@register.inclusion_tag("handover/_for_application.html", takes_context=True)
def application_handover(context, application):
    """Delivery choice, courier tracking or pickup code of `application`, when it applies."""
    return {"application": application, "request": context.get("request")}
