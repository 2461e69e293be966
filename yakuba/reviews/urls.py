from django.urls import path

from yakuba.reviews import criteria_views, inventory_views, workflow_urls

app_name = "reviews"

urlpatterns: list = [
    # Inventory (棚卸し): procedures, their import, recurring meetings, hourly rates.
    path("procedures/", inventory_views.procedure_list, name="procedure_list"),
    path("procedures/import/", inventory_views.procedure_import, name="procedure_import"),
    path(
        "procedures/import/template.xlsx",
        inventory_views.procedure_template,
        name="procedure_template",
    ),
    path(
        "procedures/import/<int:pk>/",
        inventory_views.procedure_import_detail,
        name="procedure_import_detail",
    ),
    path(
        "procedures/import/<int:pk>/status/",
        inventory_views.procedure_import_status,
        name="procedure_import_status",
    ),
    path(
        "procedures/import/<int:pk>/confirm/",
        inventory_views.procedure_import_confirm,
        name="procedure_import_confirm",
    ),
    path("meetings/", inventory_views.meeting_series_list, name="meeting_series_list"),
    path(
        "meetings/refresh/", inventory_views.meeting_series_refresh, name="meeting_series_refresh"
    ),
    path("rates/", inventory_views.hourly_rates, name="hourly_rates"),
    # The review criteria (見直しの基準): the planning unit's editor; versions readable by
    # whoever answers or follows reviews.
    path("criteria/", criteria_views.criteria_list, name="criteria_list"),
    path("criteria/install-defaults/", criteria_views.install_defaults, name="criteria_install"),
    path("criteria/new/", criteria_views.set_new, name="criteria_set_new"),
    path("criteria/<int:pk>/edit/", criteria_views.set_edit, name="criteria_set_edit"),
    path(
        "criteria/<int:pk>/new-version/",
        criteria_views.new_version,
        name="criteria_new_version",
    ),
    path("criteria/versions/<int:pk>/", criteria_views.version_detail, name="criteria_version"),
    path("criteria/versions/<int:pk>/try/", criteria_views.version_try, name="criteria_try"),
    path("criteria/versions/<int:pk>/publish/", criteria_views.publish, name="criteria_publish"),
    path("criteria/versions/<int:pk>/discard/", criteria_views.discard, name="criteria_discard"),
    path(
        "criteria/versions/<int:pk>/tracks/new/",
        criteria_views.track_new,
        name="criteria_track_new",
    ),
    path(
        "criteria/versions/<int:pk>/tracks/<slug:track>/",
        criteria_views.track_edit,
        name="criteria_track",
    ),
    path(
        "criteria/versions/<int:pk>/tracks/<slug:track>/move/",
        criteria_views.track_move,
        name="criteria_track_move",
    ),
    path(
        "criteria/versions/<int:pk>/tracks/<slug:track>/delete/",
        criteria_views.track_delete,
        name="criteria_track_delete",
    ),
]
# The review workflow, progress and publication (workflow_urls).
urlpatterns += workflow_urls.urlpatterns
