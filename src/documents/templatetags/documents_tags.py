from django import template

register = template.Library()


@register.inclusion_tag("documents/_for_application.html", takes_context=True)
def application_documents(context, application):
    """The resident's self-print documents of `application` (download links), if any."""
    return {"application": application, "request": context.get("request")}
