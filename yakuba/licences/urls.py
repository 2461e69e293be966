from django.urls import path

from yakuba.licences import views

app_name = "licences"

urlpatterns = [
    path("", views.report, name="report"),
    path("report.xlsx", views.report_export, name="report_export"),
    path("ledger/", views.licence_list, name="licence_list"),
    path("ledger/new/", views.licence_create, name="licence_create"),
    path("ledger/<int:pk>/", views.licence_detail, name="licence_detail"),
    path("ledger/<int:pk>/edit/", views.licence_edit, name="licence_edit"),
    path("ledger/<int:pk>/holder/", views.licence_reassign, name="licence_reassign"),
    path("ledger/<int:pk>/delete/", views.licence_delete, name="licence_delete"),
]
