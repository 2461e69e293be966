"""Background tasks of the accounts app (django-tasks; they take ids, not objects)."""

from __future__ import annotations

from django_tasks import task


@task()
def run_provision(run_id: int) -> None:
    """Create the accounts of a run started on the provisioning screen, then mail and
    print their activation links (`accounts.provisioning`)."""
    from yakuba.accounts.provisioning import execute_run

    execute_run(run_id)


@task()
def run_reissue(run_id: int) -> None:
    """Issue and deliver one person's new activation link (`provisioning.start_reissue`)."""
    from yakuba.accounts.provisioning import execute_reissue

    execute_reissue(run_id)


@task()
def send_reset_mail(user_id: int, request_base_url: str = "") -> None:
    """The password-reset mail asked for on the "forgot password" page."""
    from yakuba.accounts.delivery import send_password_reset

    send_password_reset(user_id, request_base_url)
