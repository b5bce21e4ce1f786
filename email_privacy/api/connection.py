"""One org as the features see it: its Metadata API client, its REST client, and which org it is."""

from __future__ import annotations

from dataclasses import dataclass

from email_privacy.api.metadata_api import MetadataClient
from email_privacy.api.rest import RestClient


@dataclass
class Connection:
    """What a feature needs of an org: its two clients, its CumulusCI name, its id and URL."""

    metadata: MetadataClient
    rest: RestClient
    name: str
    org_id: str | None = None
    instance_url: str | None = None

    @property
    def api_version(self) -> str:
        return self.metadata.api_version
