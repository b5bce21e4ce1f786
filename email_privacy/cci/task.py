"""The base classes of this project's tasks: options from one declarative spec (OptionsTask), and for org tasks
validated client options, the org connection and lean token refreshes (OrgTask)."""

from __future__ import annotations

import time
import weakref

from cumulusci.core.tasks import BaseTask
from cumulusci.tasks.salesforce import BaseSalesforceApiTask

from email_privacy.api.connection import Connection
from email_privacy.api.metadata_api import MetadataClient
from email_privacy.api.rest import RestClient, mount_rest_retries, session_refresher
from email_privacy.errors import OptionError
from email_privacy.options.spec import OptionSpec, api_version, flag, flow_problems, seconds, set_by_flow, whole
from email_privacy.steps.read import OrgRead

# When a task of this process last refreshed each org config's token (time.monotonic()); weak keys so
# an org config that is gone leaves no entry behind (and a new one at the same address is not mistaken).
_REFRESHED_AT: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
REFRESH_REUSE_SECONDS = 300.0


# Options several tasks share word for word.
CHECK_ONLY = flag("check_only", "Validate the deploy in the org without saving it.", default=False)
PAGES = flag(
    "pages",
    "Also the Lightning record pages of Contact, Lead and Account: Dynamic Forms pages get the Individual field; "
    "false leaves pages out.",
    default=True,
)
INDIVIDUAL = flag(
    "individual",
    "Also the Individual object's own page layouts and Dynamic Forms record pages: each must show Don't Track and "
    "Don't Process (the rep ticks them on the Details tab); false leaves them out.",
    default=True,
)
FLOW_READ = set_by_flow(
    "org_state",  # the flow's public name (cumulusci.yml, consumer flows) for the read, an OrgRead
    "Set by the flow only: the prerequisites task's read of the org, reused.",
    lambda value: isinstance(value, OrgRead),
    "^^check_email_privacy_prerequisites.org_state",
)
# Every task that calls the Metadata API takes these.
CLIENT_OPTIONS = (
    api_version("api_version", "Metadata API version to use, e.g. 63.0.", "the project's package api_version"),
    whole("retries", "How many times to repeat a call after an HTTP 5xx, a connection reset or a timeout.", 3, 0, 10),
    seconds("backoff", "Seconds to wait before the first repeat, doubling each time.", 0.5),
    seconds("poll_interval", "Seconds between the first status polls of a retrieve or deploy, growing to 5.", 0.1),
)


class OptionsTask:
    """Mixin (before the CumulusCI task class): `options_spec` gives `task_options` and `self.parsed_options`;
    `checks_flow = True` checks every step's options before the org is touched."""

    options_spec: OptionSpec = OptionSpec()
    checks_flow: bool = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if BaseTask in cls.__mro__ and cls.__mro__.index(OptionsTask) > cls.__mro__.index(BaseTask):
            # BaseTask._init_options does not call super(): after it, the spec would never be applied.
            raise TypeError(f"{cls.__name__}: put OptionsTask before the CumulusCI task class in its bases")
        if "task_options" in cls.__dict__:
            raise TypeError(
                f"{cls.__name__}: declare options_spec = OptionSpec(...) (email_privacy/options/spec.py); "
                "task_options is derived from it"
            )
        if "options_spec" in cls.__dict__:
            cls.task_options = cls.options_spec.task_options()

    def _init_options(self, kwargs):
        super()._init_options(kwargs)
        if self.checks_flow and self.flow is not None:
            problems = flow_problems(self.flow)
            if problems:
                # cci prints an exception as "Error: <message>": each problem gets its own Error: line.
                raise OptionError("\nError: ".join(problems))
        self.parsed_options = self.options_spec.parse(self.options, task=self.name)


class OrgTask(OptionsTask, BaseSalesforceApiTask):
    """Base of this project's org tasks (Metadata API and REST): options from `options_spec` (CLIENT_OPTIONS, and
    dry_run, check_only and org_state where the task has them), `self.client` (a MetadataClient), `self.sf` with
    REST retries mounted. A subclass's own spec replaces this one, so it lists *CLIENT_OPTIONS too."""

    options_spec = OptionSpec(*CLIENT_OPTIONS)

    def _update_credentials(self):
        """Skipped when a task of this process refreshed this org config under REFRESH_REUSE_SECONDS ago (CumulusCI
        refreshes before every task: docs/salesforce-facts.md, CumulusCI 4.10); expired sessions refresh on demand."""
        now = time.monotonic()
        last = _REFRESHED_AT.get(self.org_config)
        if last is not None and now - last < REFRESH_REUSE_SECONDS and self.org_config.access_token:
            self.logger.debug("Token refreshed by an earlier task moments ago; not refreshing again.")
            return
        super()._update_credentials()
        _REFRESHED_AT[self.org_config] = time.monotonic()

    def _init_options(self, kwargs):
        super()._init_options(kwargs)
        o = self.parsed_options
        self.client_settings = {
            "api_version": getattr(o, "api_version", None),
            "retries": getattr(o, "retries", 3),
            "backoff": getattr(o, "backoff", 0.5),
            "poll_interval": getattr(o, "poll_interval", 0.1),
        }
        self.dry_run = bool(getattr(o, "dry_run", False))
        self.check_only = bool(getattr(o, "check_only", False))
        self.read = getattr(o, "org_state", None)

    def _init_task(self):
        super()._init_task()
        mount_rest_retries(self.sf, self.client_settings["retries"], self.client_settings["backoff"])
        self.refresh = session_refresher(self.org_config, self.project_config.keychain, self.logger)
        settings = {**self.client_settings}
        settings["api_version"] = settings["api_version"] or self.project_config.project__package__api_version
        self.client = MetadataClient(self.org_config, self.logger, self.refresh, **settings)
        self.rest = RestClient(self.sf, self.org_config, self.refresh)

    @property
    def connection(self) -> Connection:
        """The org as the steps take it (built once the task has its org and simple-salesforce client)."""
        return Connection(
            metadata=self.client,
            rest=self.rest,
            name=self.org_config.name,
            org_id=self.org_config.org_id,
            instance_url=self.org_config.instance_url,
        )
