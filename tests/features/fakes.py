"""A recording stand-in for the org connection the features take: every deploy is kept, nothing else is called."""

import logging
from dataclasses import dataclass, field

LOG = logging.getLogger("tests.features")


@dataclass
class Metadata:
    api_version: str = "63.0"
    deploys: list = field(default_factory=list)

    def deploy(self, files, check_only=False):
        self.deploys.append((dict(files), check_only))

    def list(self, metadata_type):
        raise AssertionError(f"the feature listed {metadata_type} though the read held it")

    def retrieve(self, members):
        raise AssertionError(f"the feature retrieved {members} though the read held it")


@dataclass
class Connection:
    metadata: Metadata = field(default_factory=Metadata)
    rest: object = None
    name: str = "dev"
    org_id: str = "00D000000000001"
    instance_url: str = "https://example.my.salesforce.com"

    @property
    def api_version(self):
        return self.metadata.api_version
