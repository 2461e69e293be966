from django.urls import path

from yakuba.campaigns.views import manage, mine, scores

app_name = "campaigns"

urlpatterns = [
    # Everyone: their own assignments (others' answer 404) and the required course.
    path("mine/", mine.mine, name="mine"),
    path("mine/<int:pk>/", mine.take, name="take"),
    path("mine/<int:pk>/start/", mine.start, name="start"),
    path("mine/<int:pk>/lesson/", mine.lesson_read, name="lesson_read"),
    path("mine/<int:pk>/answer/", mine.answer, name="answer"),
    path("courses/<int:pk>/take/", mine.course_take, name="course_take"),
    path("courses/<int:pk>/enrol/", mine.course_enrol, name="course_enrol"),
    # Infosec runs campaigns; progress is read by unit heads (their units) and the auditor.
    path("", manage.campaign_list, name="campaign_list"),
    path("new/", manage.campaign_create, name="campaign_create"),
    path("<int:pk>/", manage.campaign_detail, name="campaign_detail"),
    path("<int:pk>/edit/", manage.campaign_edit, name="campaign_edit"),
    path("<int:pk>/launch/", manage.campaign_launch, name="campaign_launch"),
    path("<int:pk>/progress.xlsx", manage.campaign_export, name="campaign_export"),
    path("courses/", manage.course_list, name="course_list"),
    path("courses/new/", manage.course_create, name="course_create"),
    path("courses/<int:pk>/edit/", manage.course_edit, name="course_edit"),
    path("settings/", manage.settings_edit, name="settings"),
    # Awareness scores: unit heads (their units) and infosec; every named view audited.
    path("scores/", scores.summary, name="scores"),
    path("scores/units/<int:pk>/", scores.unit, name="scores_unit"),
]
