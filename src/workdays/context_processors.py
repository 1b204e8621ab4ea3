from workdays.disruptions import current_disruptions


def disruptions(request):
    """The banner on every page: disruptions going on now or starting within a day."""
    return {"current_disruptions": current_disruptions()}
