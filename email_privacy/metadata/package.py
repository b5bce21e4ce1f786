"""The one builder of deploy packages: metadata files under their folders, and a package.xml naming them."""

from __future__ import annotations

from collections.abc import Mapping

from email_privacy.metadata import documents, names
from email_privacy.metadata.documents import package_xml


def deploy_package(
    api_version: str,
    layouts: Mapping[str, bytes] | None = None,
    permission_sets: Mapping[str, bytes] | None = None,
    settings: Mapping[str, bytes] | None = None,
    pages: Mapping[str, bytes] | None = None,
) -> dict[str, bytes]:
    """{path: bytes} for MetadataClient.deploy: each kind under its folder, and package.xml naming them all."""
    layouts, permission_sets = dict(layouts or {}), dict(permission_sets or {})
    stems = {documents.settings_file_stem(t): data for t, data in (settings or {}).items()}
    files = {f"settings/{stem}.settings": data for stem, data in stems.items()}
    files.update({f"layouts/{names.file_name(n)}": data for n, data in layouts.items()})
    files.update({f"permissionsets/{n}.permissionset": data for n, data in permission_sets.items()})
    pages = dict(pages or {})
    files.update({f"flexipages/{n}.flexipage": data for n, data in pages.items()})
    members = {"Layout": sorted(layouts), "PermissionSet": sorted(permission_sets), "Settings": list(stems)}
    if pages:
        members["FlexiPage"] = sorted(pages)
    files["package.xml"] = package_xml(members, api_version)
    return files
