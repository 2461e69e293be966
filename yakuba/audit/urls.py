from django.urls import path

from yakuba.audit import views

app_name = "audit"

urlpatterns = [
    path("", views.entry_list, name="entry_list"),
    path("export.csv", views.entry_export, name="entry_export"),
    path("verify/", views.chain_verify, name="chain_verify"),
]
