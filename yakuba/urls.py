from django.urls import include, path
from django.views.i18n import set_language

from yakuba.api.api import api
from yakuba.core.views import healthz

urlpatterns = [
    path("", include("yakuba.core.urls")),
    path("accounts/", include("yakuba.accounts.urls")),
    path("org/", include("yakuba.org.urls")),
    path("audit/", include("yakuba.audit.urls")),
    path("notices/", include("yakuba.notifications.urls")),
    path("reports/", include("yakuba.dailyreports.urls")),
    path("rosters/", include("yakuba.rosters.urls")),
    path("remote-seats/", include("yakuba.remoteseats.urls")),
    path("meetings/", include("yakuba.meetings.urls")),
    path("netcheck/", include("yakuba.netcheck.urls")),
    path("licences/", include("yakuba.licences.urls")),
    path("problems/", include("yakuba.problems.urls")),
    path("security/awareness/", include("yakuba.awareness.urls")),
    path("security/campaigns/", include("yakuba.campaigns.urls")),
    path("security/readiness/", include("yakuba.readiness.urls")),
    path("security/incidents/", include("yakuba.incidents.urls")),
    path("security/inspections/", include("yakuba.inspections.urls")),
    path("security/", include("yakuba.security.urls")),
    path("surveys/", include("yakuba.surveys.urls")),
    path("search/", include("yakuba.search.urls")),
    path("evaluation/reports/", include("yakuba.evaluation.urls")),
    path("policies/", include("yakuba.policies.urls")),
    path("training/", include("yakuba.training.urls")),
    path("knowledge/", include("yakuba.knowledge.urls")),
    path("reviews/", include("yakuba.reviews.urls")),
    # /security/drills/ (infosec) and the short public links /t/ of drill mails.
    path("", include("yakuba.drills.urls")),
    path("api/v1/", api.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("healthz", healthz, name="healthz"),
]

handler400 = "yakuba.core.errors.bad_request"
handler403 = "yakuba.core.errors.forbidden"
handler404 = "yakuba.core.errors.not_found"
handler500 = "yakuba.core.errors.server_error"
