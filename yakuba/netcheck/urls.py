from django.urls import path

from yakuba.netcheck import views

app_name = "netcheck"

urlpatterns = [
    path("", views.check, name="check"),
    path("start/", views.start, name="start"),
    path("ping/", views.ping, name="ping"),
    path("download/", views.download, name="download"),
    path("upload/", views.upload, name="upload"),
    path("save/", views.save, name="save"),
    path("history/", views.history, name="history"),
    path("results/<int:pk>/", views.result_edit, name="result_edit"),
    path("readiness/", views.readiness, name="readiness"),
]
