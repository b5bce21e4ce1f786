"""The base class of this project's org tasks: validated client options, the org connection, lean token refreshes."""

from __future__ import annotations

import time
import weakref

from cumulusci.tasks.salesforce import BaseSalesforceApiTask

from ..errors import OptionError
from ..org.connection import Connection
from ..org.metadata import MetadataClient
from ..org.read import OrgState
from ..org.rest import RestClient, mount_rest_retries
from .options import client_settings, parse_bool

# When a task of this process last refreshed each org config's token (time.monotonic()); weak keys so
# an org config that is gone leaves no entry behind (and a new one at the same address is not mistaken).
_REFRESHED_AT: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
REFRESH_REUSE_SECONDS = 300.0


class MetadataTask(BaseSalesforceApiTask):
    """Base of this project's org tasks: validated client options (CLIENT_TASK_OPTIONS, dry_run,
    check_only, org_state), `self.client` (a MetadataClient), `self.sf` with REST retries mounted."""

    def _update_credentials(self):
        """Refresh the token, unless a task of this process refreshed this same org config moments ago.

        CumulusCI refreshes before every task, each time a token POST plus userinfo and Organization
        reads on new connections (6 refreshes in a 5-step flow). A token a flow step got under
        REFRESH_REUSE_SECONDS ago is still good (Salesforce sessions last 15 minutes at the least), and
        a session that expires anyway is refreshed on demand, once, by MetadataClient and call_rest.
        """
        now = time.monotonic()
        last = _REFRESHED_AT.get(self.org_config)
        if last is not None and now - last < REFRESH_REUSE_SECONDS and self.org_config.access_token:
            self.logger.debug("Token refreshed by an earlier task moments ago; not refreshing again.")
            return
        super()._update_credentials()
        _REFRESHED_AT[self.org_config] = time.monotonic()

    def _init_options(self, kwargs):
        super()._init_options(kwargs)
        self.client_settings = client_settings(self.options)
        self.dry_run = parse_bool("dry_run", self.options.get("dry_run"), False)
        self.check_only = parse_bool("check_only", self.options.get("check_only"), False)
        self.org_state = self._org_state()

    def _init_task(self):
        super()._init_task()
        mount_rest_retries(self.sf, self.client_settings["retries"], self.client_settings["backoff"])
        self.client = MetadataClient(self, **self.client_settings)
        self.rest = RestClient(self, self.sf)

    def _org_state(self):
        """The flow's OrgState (option org_state, from the prerequisites task), or None."""
        value = self.options.get("org_state")
        if value in (None, ""):
            return None
        if not isinstance(value, OrgState):
            raise OptionError(
                "Option org_state: only the flow passes it (^^check_email_privacy_prerequisites.org_state); "
                "leave it out."
            )
        return value

    @property
    def connection(self) -> Connection:
        """The org as the features take it (built once the task has its org and simple-salesforce client)."""
        return Connection(
            metadata=self.client,
            rest=self.rest,
            name=self.org_config.name,
            org_id=self.org_config.org_id,
            instance_url=self.org_config.instance_url,
        )
