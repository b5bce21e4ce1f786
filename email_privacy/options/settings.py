"""The settings options every step that judges or deploys settings takes: what to turn on, and the switches
that must be on for those options."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from email_privacy.errors import OptionError
from email_privacy.metadata.settings import CONSENT, EMAIL_CONSENT, EMAIL_TRACKING, ENHANCED_EMAIL, PURGE_WARNING
from email_privacy.options.values import parse_bool, parse_choice

ENHANCED_EMAIL_CHOICES = ("auto", "true", "false")


@dataclass(frozen=True)
class SettingsOptions:
    """What to turn on. `enhanced_email`: auto (only where Lightning Experience is on), true, or
    false (leave as it is). `email_tracking`: turn on Activity Settings' Enable Email Tracking."""

    enhanced_email: str = "auto"
    email_tracking: bool = True

    @classmethod
    def from_options(cls, options: Mapping) -> SettingsOptions:
        """Validate raw task or CLI options; every bad value raises OptionError naming it."""
        if "consent_management" in options and not parse_bool(
            "consent_management", options["consent_management"], True
        ):
            raise OptionError(f"Option consent_management: false is not allowed; {PURGE_WARNING}.")
        enhanced = options.get("enhanced_email")
        if isinstance(enhanced, bool):
            enhanced = "true" if enhanced else "false"
        return cls(
            enhanced_email=parse_choice("enhanced_email", enhanced, ENHANCED_EMAIL_CHOICES, "auto"),
            email_tracking=parse_bool("email_tracking", options.get("email_tracking"), True),
        )

    def wants_enhanced_email(self, lightning_on: bool | None) -> bool:
        """Whether Enhanced Email must be on; `auto` needs the org's Lightning Experience state."""
        if self.enhanced_email == "auto":
            if lightning_on is None:
                raise OptionError(
                    "Option enhanced_email: auto needs the org's Lightning Experience state; use true or false offline."
                )
            return lightning_on
        return self.enhanced_email == "true"


def desired_settings(opts: SettingsOptions, lightning_on: bool | None = None) -> dict[tuple[str, str], bool]:
    """The switches that must be on, {(settings type, field): True}, in the order the Help page lists them."""
    wanted = {CONSENT: True, EMAIL_CONSENT: True}
    if opts.wants_enhanced_email(lightning_on):
        wanted[ENHANCED_EMAIL] = True
    if opts.email_tracking:
        wanted[EMAIL_TRACKING] = True
    return wanted
