from django.urls import path

from yakuba.inspections import manage_views, views

app_name = "inspections"

urlpatterns = [
    path("", views.index, name="index"),
    path("mine/", views.mine, name="mine"),
    path("sheets/<int:pk>/", views.sheet, name="sheet"),
    path("sheets/<int:pk>/view/", views.sheet_view, name="sheet_view"),
    path("sheets/<int:pk>/review/", views.review_sheet, name="review_sheet"),
    path("review/", views.review_list, name="review_list"),
    path("answers/<int:pk>/evidence/", views.evidence, name="evidence"),
    path("findings/", views.finding_list, name="finding_list"),
    path("findings/<int:pk>/", views.finding_detail, name="finding_detail"),
    path("heatmap/", views.heatmap_view, name="heatmap"),
    path("report/", views.report, name="report"),
    path("report.xlsx", views.report_export, name="report_export"),
    path("rounds/", views.round_list, name="round_list"),
    path("rounds/new/", manage_views.round_create, name="round_create"),
    path("rounds/<int:pk>/", manage_views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/edit/", manage_views.round_edit, name="round_edit"),
    path("rounds/<int:pk>/launch/", manage_views.round_launch, name="round_launch"),
    path("rounds/<int:pk>/close/", manage_views.round_close, name="round_close"),
    path("checklists/", manage_views.checklist_list, name="checklist_list"),
    path("checklists/new/", manage_views.checklist_create, name="checklist_create"),
    path("checklists/starter/", manage_views.install_starters, name="install_starters"),
    path("checklists/export.xlsx", manage_views.checklist_export, name="checklist_export"),
    path("checklists/import/", manage_views.checklist_import, name="checklist_import"),
    path("checklists/<int:pk>/", manage_views.checklist_detail, name="checklist_detail"),
    path("checklists/<int:pk>/edit/", manage_views.checklist_edit, name="checklist_edit"),
    path("checklists/<int:pk>/copy/", manage_views.checklist_copy, name="checklist_copy"),
    path("checklists/<int:pk>/sections/new/", manage_views.section_create, name="section_create"),
    path("sections/<int:pk>/edit/", manage_views.section_edit, name="section_edit"),
    path("checklists/<int:pk>/items/new/", manage_views.item_create, name="item_create"),
    path("items/<int:pk>/edit/", manage_views.item_edit, name="item_edit"),
    path("items/<int:pk>/delete/", manage_views.item_delete, name="item_delete"),
]
