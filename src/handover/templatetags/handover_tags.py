from django import template

from handover import selectors, services

register = template.Library()


@register.inclusion_tag("handover/_for_application.html", takes_context=True)
def application_handover(context, application):
    """Delivery choice, courier tracking or pickup code of `application`, when it applies."""
    block = selectors.handover_block(application)
    if block.at_office and block.choice is None:
        # A card made ready before this app existed: give it its pickup code now.
        services.choice_ensure(application=application)
        block = selectors.handover_block(application)
    return {"block": block, "request": context.get("request")}
