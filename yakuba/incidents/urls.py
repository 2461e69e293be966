from django.urls import path

from yakuba.incidents import views

app_name = "incidents"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("new/", views.report, name="report"),
    path("suspicious-mail/", views.suspicious_mail, name="suspicious_mail"),
    path("<int:pk>/", views.mine_detail, name="mine_detail"),
    path("triage/", views.triage_list, name="triage_list"),
    path("triage/<int:pk>/", views.triage_detail, name="triage_detail"),
    path("triage/<int:pk>/assess/", views.triage_assess, name="triage_assess"),
    path("triage/<int:pk>/entry/", views.triage_entry, name="triage_entry"),
    path("triage/<int:pk>/close/", views.triage_close, name="triage_close"),
    path("triage/<int:pk>/lesson/", views.triage_lesson, name="triage_lesson"),
    path("stats/", views.stats_view, name="stats"),
    path("stats/export/", views.stats_export, name="stats_export"),
]
