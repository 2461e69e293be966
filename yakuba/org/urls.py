from django.urls import path

from yakuba.org import mapping_views, views

app_name = "org"

urlpatterns = [
    path("units/", views.unit_list, name="unit_list"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/new/", views.staff_create, name="staff_create"),
    path("staff/<int:pk>/", views.staff_detail, name="staff_detail"),
    path("staff/<int:pk>/edit/", views.staff_edit, name="staff_edit"),
    path("staff/picker/", views.staff_picker, name="staff_picker"),
    path("counters/", views.counter_list, name="counter_list"),
    path("counters/new/", views.counter_create, name="counter_create"),
    path("counters/<int:pk>/edit/", views.counter_edit, name="counter_edit"),
    path("skills/", views.skill_list, name="skill_list"),
    path("import/", views.import_start, name="import_start"),
    path("import/<int:pk>/", views.import_detail, name="import_detail"),
    path("import/<int:pk>/status/", views.import_status, name="import_status"),
    path("import/<int:pk>/apply/", views.import_apply, name="import_apply"),
    path("import/<int:pk>/changes/", views.import_changes_download, name="import_changes_download"),
    path("import/<int:pk>/map/", mapping_views.import_mapping, name="import_mapping"),
    path("import/<int:pk>/labels/", mapping_views.import_labels, name="import_labels"),
    path("import/presets/", mapping_views.preset_list, name="preset_list"),
    path("import/presets/<int:pk>/", mapping_views.preset_rename, name="preset_rename"),
    path("import/presets/<int:pk>/delete/", mapping_views.preset_delete, name="preset_delete"),
    path("export/", views.export, name="export"),
    path("export/download/", views.export_download, name="export_download"),
]
