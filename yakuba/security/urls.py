from django.urls import path

from yakuba.security import views

app_name = "security"

urlpatterns = [
    path("", views.home, name="home"),
]
