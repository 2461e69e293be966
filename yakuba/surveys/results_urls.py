"""The results pages (VIEW_SURVEY_RESULTS), included in `yakuba.surveys.urls` as results/…"""

from django.urls import path

from yakuba.surveys.views import results

urlpatterns = [
    path("results/", results.results_list, name="results_list"),
    path("results/<int:pk>/", results.results, name="results"),
    path("results/<int:pk>/export/", results.results_export, name="results_export"),
    path("results/<int:pk>/texts/<int:question>/", results.text_groups, name="text_groups"),
]
