from django.apps import AppConfig


class RemoteseatsConfig(AppConfig):
    name = "yakuba.remoteseats"
    label = "remoteseats"

    def ready(self) -> None:
        from yakuba.remoteseats import panels  # noqa: F401  (registers its home-page panel)

        # The roster plans within the seats left after bookings; rosters never imports us.
        from yakuba.remoteseats.selectors import booked_seats_by_day
        from yakuba.rosters.seat_providers import register_seat_provider

        register_seat_provider(booked_seats_by_day)
