from django.urls import path

from yakuba.rosters import setup_views, views

app_name = "rosters"

urlpatterns = [
    path("", views.period_list, name="period_list"),
    path("periods/<int:pk>/", views.period_detail, name="period_detail"),
    path("periods/<int:pk>/solve/", views.period_solve, name="period_solve"),
    path("versions/<int:pk>/", views.version_detail, name="version_detail"),
    path("versions/<int:pk>/progress/", views.version_progress, name="version_progress"),
    path("versions/<int:pk>/cancel/", views.version_cancel, name="version_cancel"),
    path("versions/<int:pk>/cell/", views.cell_edit, name="cell_edit"),
    path("versions/<int:pk>/publish/", views.version_publish, name="version_publish"),
    path("versions/<int:pk>/export/", views.version_export, name="version_export"),
    path("versions/<int:pk>/absence/", views.report_absence, name="report_absence"),
    path("me/", views.my_schedule, name="my_schedule"),
    path("me/export.csv", views.my_export, name="my_export"),
    path("me/calendar/", views.calendar_settings, name="calendar_settings"),
    path("ical/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("requests/", views.request_list, name="request_list"),
    path("requests/<int:pk>/decide/", views.request_decide, name="request_decide"),
    path("requests/<int:pk>/cancel/", views.request_cancel, name="request_cancel"),
    path("setup/", setup_views.setup_home, name="setup_home"),
    path("setup/activities/new/", setup_views.activity_edit, name="activity_create"),
    path("setup/activities/<int:pk>/", setup_views.activity_edit, name="activity_edit"),
    path("setup/counters/<int:pk>/cover/", setup_views.cover_edit, name="cover_edit"),
    path("setup/policy/", setup_views.policy_edit, name="policy_edit"),
    path("setup/rules/", setup_views.rules_edit, name="rules_edit"),
    path("setup/people/", setup_views.people, name="people"),
    path("setup/people/<int:pk>/", setup_views.person_edit, name="person_edit"),
]
