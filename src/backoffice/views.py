from django.shortcuts import render

from accounts.access import officer_required


@officer_required()
def home(request):
    return render(request, "backoffice/home.html")
