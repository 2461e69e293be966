from django.urls import path

from yakuba.surveys import results_urls
from yakuba.surveys.views import answer, manage

app_name = "surveys"

urlpatterns = [
    # Everyone: the surveys they are invited to (others answer 404).
    path("", answer.mine, name="mine"),
    path("<int:pk>/", answer.answer, name="answer"),
    # HR and the planning unit (MANAGE_SURVEYS): build, launch, remind, close.
    path("manage/", manage.survey_list, name="manage_list"),
    path("manage/new/", manage.survey_create, name="survey_create"),
    path("manage/from-template/", manage.survey_from_template, name="survey_from_template"),
    path("manage/<int:pk>/", manage.survey_detail, name="survey_detail"),
    path("manage/<int:pk>/edit/", manage.survey_edit, name="survey_edit"),
    path("manage/<int:pk>/copy/", manage.survey_copy, name="survey_copy"),
    path("manage/<int:pk>/delete/", manage.survey_delete, name="survey_delete"),
    path("manage/<int:pk>/preview/", manage.survey_preview, name="survey_preview"),
    path("manage/<int:pk>/launch/", manage.survey_launch, name="survey_launch"),
    path("manage/<int:pk>/close/", manage.survey_close, name="survey_close"),
    path("manage/<int:pk>/remind/", manage.survey_remind, name="survey_remind"),
    path("manage/<int:pk>/sections/new/", manage.section_create, name="section_create"),
    path("manage/sections/<int:pk>/edit/", manage.section_edit, name="section_edit"),
    path("manage/sections/<int:pk>/delete/", manage.section_delete, name="section_delete"),
    path("manage/sections/<int:pk>/move/", manage.section_move, name="section_move"),
    path("manage/<int:pk>/questions/new/", manage.question_create, name="question_create"),
    path("manage/questions/<int:pk>/edit/", manage.question_edit, name="question_edit"),
    path("manage/questions/<int:pk>/delete/", manage.question_delete, name="question_delete"),
    path("manage/questions/<int:pk>/move/", manage.question_move, name="question_move"),
    # The results pages (results_urls: results/…).
    *results_urls.urlpatterns,
]
