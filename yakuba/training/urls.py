from django.urls import path

from yakuba.training.views import manage, staff

app_name = "training"

urlpatterns = [
    # Everyone: the catalogue, a session, registering (a seat or the waiting list), my record.
    path("", staff.catalogue, name="catalogue"),
    path("sessions/<int:pk>/", staff.session_detail, name="session_detail"),
    path("sessions/<int:pk>/register/", staff.session_register, name="session_register"),
    path("sessions/<int:pk>/cancel/", staff.session_cancel, name="session_cancel"),
    path("mine/", staff.mine, name="mine"),
    path("registrations/<int:pk>/feedback/", staff.feedback, name="feedback"),
    path("courses/<int:pk>/material/", staff.material, name="material"),
    # HR and the information division (MANAGE_TRAINING); attendance also the instructor.
    path("manage/", manage.manage, name="manage"),
    path("manage/courses/new/", manage.course_create, name="course_create"),
    path("manage/courses/<int:pk>/edit/", manage.course_edit, name="course_edit"),
    path("manage/courses/<int:pk>/feedback/", manage.course_feedback, name="course_feedback"),
    path("manage/sessions/new/", manage.session_create, name="session_create"),
    path("manage/sessions/<int:pk>/edit/", manage.session_edit, name="session_edit"),
    path("manage/sessions/<int:pk>/stop/", manage.session_cancel_all, name="session_stop"),
    path("manage/sessions/<int:pk>/attendance/", manage.attendance, name="attendance"),
    path(
        "manage/sessions/<int:pk>/attendance/meeting/",
        manage.attendance_from_meeting,
        name="attendance_from_meeting",
    ),
    path(
        "manage/registrations/<int:pk>/cancel/",
        manage.registration_cancel,
        name="registration_cancel",
    ),
    path("manage/requirements/", manage.requirements, name="requirements"),
    # Coverage: HR office-wide, unit heads their own unit and below (others 404).
    path("coverage/", manage.coverage_home, name="coverage_home"),
    path("coverage/<int:pk>/", manage.coverage, name="coverage"),
    path("coverage/<int:pk>/export/", manage.coverage_export, name="coverage_export"),
]
