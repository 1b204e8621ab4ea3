"""Every role × every back-office URL: allowed roles get their page, everyone else a 403 page.

The policy table must name every URL under /kantor/ (apart from the log-in pages): a new
back-office URL without a policy fails here.
"""

import pytest
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from accounts.roles import ROLES
from tests.backoffice.conftest import submit_application

pytestmark = pytest.mark.django_db

OFFICERS = {"verifier", "operator", "pickup_desk", "head_of_section"}
# customer_service and front_desk have no work queue yet: their desks arrive with later issues.
POLICY = {
    # url name: (method, roles allowed besides admin)
    "backoffice:home": ("get", OFFICERS),
    "backoffice:application": ("get", OFFICERS),
    "backoffice:file": ("get", {"verifier", "head_of_section"}),
    "backoffice:claim": ("post", {"verifier"}),
    "backoffice:decide": ("post", {"verifier"}),
    "central:dashboard": ("get", {"operator", "head_of_section"}),
    "central:send": ("post", {"operator"}),
    "central:send_all": ("post", {"operator"}),
    "production:stock": ("get", {"operator", "head_of_section"}),
    "production:receive": ("post", {"operator"}),
    "production:count": ("post", {"operator"}),
    "production:queue": ("get", {"operator", "head_of_section"}),
    "production:batch": ("post", {"operator"}),
    "production:new_date": ("post", {"operator"}),
    "production:threshold": ("post", {"operator"}),
    "production:batch_detail": ("get", {"operator", "head_of_section"}),
    "notifications:outbox": ("get", {"customer_service", "head_of_section"}),
    "notifications:retry": ("post", {"customer_service", "head_of_section"}),
    "audit:log": ("get", {"head_of_section"}),
    "inbox:list": ("get", {"customer_service", "head_of_section"}),
    "inbox:conversation": ("get", {"customer_service", "head_of_section"}),
    "inbox:answer": ("post", {"customer_service", "head_of_section"}),
    "workdays:officer": ("get", {"head_of_section"}),
    "workdays:end": ("post", {"head_of_section"}),
    "feedback:officer_list": ("get", {"customer_service", "head_of_section"}),
    "feedback:desk_new": ("get", {"customer_service"}),
    "feedback:officer_detail": ("get", {"customer_service", "head_of_section"}),
    "feedback:answer": ("post", {"customer_service", "head_of_section"}),
    "feedback:escalate": ("post", {"customer_service", "head_of_section"}),
    "feedback:publish": ("post", {"customer_service", "head_of_section"}),
    "feedback:ikm_report": ("get", {"customer_service", "head_of_section"}),
    "handover:courier_desk": ("get", {"pickup_desk", "head_of_section"}),
    "handover:courier_label": ("get", {"pickup_desk", "head_of_section"}),
    "handover:courier_follow_up": ("post", {"pickup_desk", "head_of_section"}),
    "handover:pickup_desk": ("get", {"pickup_desk", "head_of_section"}),
    "counter_queue:desk": ("get", {"front_desk", "head_of_section"}),
    "counter_queue:walk_in": ("post", {"front_desk", "head_of_section"}),
    "counter_queue:check_in": ("post", {"front_desk", "head_of_section"}),
    "counter_queue:slip": ("get", {"front_desk", "head_of_section"}),
    "counter_queue:counters": ("get", {"verifier", "operator", "head_of_section"}),
    "counter_queue:counter": ("get", {"verifier", "operator", "head_of_section"}),
    "counter_queue:call_next": ("post", {"verifier", "operator", "head_of_section"}),
    "counter_queue:call": ("post", {"verifier", "operator", "head_of_section"}),
    "counter_queue:recall": ("post", {"verifier", "operator", "head_of_section"}),
    "counter_queue:served": ("post", {"verifier", "operator", "head_of_section"}),
    "counter_queue:no_show": ("post", {"verifier", "operator", "head_of_section"}),
    "counter_queue:statistics": ("get", {"front_desk", "head_of_section"}),
}
LOGIN_PAGES = {"two_factor"}


def backoffice_url_names():
    names = set()

    def walk(patterns, namespace, prefix):
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                inner = (
                    f"{namespace}:{entry.namespace}"
                    if namespace and entry.namespace
                    else (entry.namespace or namespace)
                )
                walk(entry.url_patterns, inner, route)
            elif isinstance(entry, URLPattern) and route.startswith("kantor/"):
                if namespace not in LOGIN_PAGES and entry.name:
                    names.add(f"{namespace}:{entry.name}")

    walk(get_resolver().url_patterns, "", "")
    return names


def test_the_policy_names_every_back_office_url():
    assert backoffice_url_names() == set(POLICY)


def url_for(name, application):
    """The URL with whichever arguments its pattern takes."""
    attachment = application.attachments.first()
    shapes = (
        {},
        {"public_id": application.public_id},
        {"public_id": application.public_id, "attachment_id": attachment.id},
        {"pk": 1},
        {"message_id": 1},
        {"number": 1},
        {"number": 1, "pk": 1},
    )
    for kwargs in shapes:
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    raise NoReverseMatch(name)


@pytest.mark.parametrize("role", sorted(ROLES))
def test_each_role_reaches_exactly_its_urls(role, officer_client, resident):
    application = submit_application(resident)
    client, _ = officer_client(role)
    for name, (method, allowed) in POLICY.items():
        url = url_for(name, application)
        response = getattr(client, method)(url)
        if role == "admin" or role in allowed:
            assert response.status_code != 403, (role, name)
            assert response.status_code < 500, (role, name)
        else:
            assert response.status_code == 403, (role, name, response.status_code)
            assert b"Akses ditolak" in response.content


def test_residents_and_strangers_get_no_back_office_data(client, resident):
    application = submit_application(resident)
    url = reverse("backoffice:application", args=[application.public_id])
    assert client.get(url).status_code == 302  # to the officer log-in
    client.force_login(resident)
    response = client.get(url)
    assert response.status_code == 403 and application.nik.encode() not in response.content
