from django.urls import path  # noqa: F401  (views are added by the criteria editor)

from yakuba.reviews import workflow_urls

app_name = "reviews"

urlpatterns: list = []
urlpatterns += workflow_urls.urlpatterns
