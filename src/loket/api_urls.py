from django.urls import path

from applications import api as applications_api
from catalogue import api as catalogue_api
from loket import openapi
from population import api as population_api

urlpatterns = [
    path("openapi.json", openapi.document, name="openapi"),
    path("regions", population_api.regions, name="api-regions"),
    path("services", catalogue_api.services, name="api-services"),
    path("services/<str:code>/promise-date", catalogue_api.promise_date, name="api-promise-date"),
    path("nik/validate", population_api.nik_validate, name="api-nik-validate"),
    path(
        "applications/<str:registration_number>/status",
        applications_api.status,
        name="api-application-status",
    ),
]
