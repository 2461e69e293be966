from django.urls import path

from yakuba.surveys import results_urls

app_name = "surveys"

urlpatterns: list = [
    # Results (the surveyresults app) are added below as results/….
    *results_urls.urlpatterns,
]

_ = path
