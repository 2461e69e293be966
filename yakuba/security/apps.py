from django.apps import AppConfig


class SecurityConfig(AppConfig):
    """What the security capabilities share (issue 14): topics, audiences, scope, the
    personal security page and the awareness-score seam. Feature apps (awareness, drills,
    inspections, readiness, incidents) build on it; it imports none of them."""

    name = "yakuba.security"
    label = "security"
