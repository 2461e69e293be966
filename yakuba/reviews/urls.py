from django.urls import path

from yakuba.reviews import inventory_views, workflow_urls

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
]
# The review workflow, progress and publication (workflow_urls).
urlpatterns += workflow_urls.urlpatterns
