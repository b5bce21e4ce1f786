"""The local org's metadata: files in MDAPI layout under DIR/metadata/, and what listMetadata reports.

  DIR/metadata/layouts/<member>.layout, settings/<Stem>.settings, permissionsets/<Name>.permissionset
  DIR/metadata-properties.json   per component: id, namespacePrefix, manageableState, dates

Only a successful deploy that is not checkOnly changes them. Every write goes to a temporary file
that is then renamed, and a deploy is judged in full before anything is written, so a failed
deploy leaves every file as it was.
"""

import io
import json
import threading
import zipfile
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

from lxml import etree

from localorg import xml
from localorg.files import write_atomic
from localorg.models import deploy_checks, deploy_plan, metadata_types, seed
from localorg.models.deploy_plan import DeployOutcome, RetrieveOutcome
from localorg.models.identity import OrgIdentity
from localorg.models.ids import random_id
from localorg.models.layout_names import LayoutName
from localorg.models.privacy import CONSENT_SWITCH
from localorg.models.seed.flexipages import seed_pages
from localorg.models.seed.individual import seed_individual
from localorg.models.seed.layouts import NAMESPACES
from localorg.xml import API_VERSION, MDAPI_NS, package_xml

ID_PREFIX = {"Layout": "00h", "PermissionSet": "0PS", "Settings": "0Xs", "FlexiPage": "0M0", "Profile": "00e"}
ADMIN_NAME = "Local Admin"


def api_datetime(dt: datetime) -> str:
    """Salesforce's dateTime form: `2024-05-01T10:20:30.123Z`."""
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def rest_datetime(metadata_form: str) -> str:
    """A Metadata API dateTime (`...30.123Z`) in the REST API's form (`...30.123+0000`)."""
    return metadata_form[:-1] + "+0000" if metadata_form.endswith("Z") else metadata_form


class MetadataStore:
    """The org's metadata files and their properties. Thread-safe; state survives restarts."""

    def __init__(self, root: Path, identity: OrgIdentity):
        self.root = Path(root)
        self.identity = identity
        self.dir = self.root / "metadata"
        self._props_path = self.root / "metadata-properties.json"
        self._lock = threading.RLock()
        self._last_stamp = datetime.fromtimestamp(0, UTC)
        self.types = metadata_types.load(self.root)  # {type: (directory, suffix)} of every type it keeps
        self.jobs: dict[str, DeployOutcome | RetrieveOutcome] = {}
        self.source_members = None  # SourceMembers of an org that tracks source (models/source_tracking.py)
        self.on_consent_off = None  # the org's purge when consent management is turned off (models/privacy.py)
        self.on_deployed = None  # called with [(type, member, bytes)] a deploy stored (records that mirror metadata)
        self._props: dict[str, dict] = (
            json.loads(self._props_path.read_text(encoding="utf-8")) if self._props_path.is_file() else {}
        )
        for p in self._props.values():
            self._last_stamp = max(self._last_stamp, _parse(p["lastModifiedDate"]))

    # ---- names -------------------------------------------------------------------------------

    @property
    def namespaces(self) -> tuple[str, ...]:
        """Namespaces of the managed packages installed in this org."""
        return NAMESPACES if self.identity.managed_layouts else ()

    def path_for(self, type_name: str, member: str) -> Path:
        directory, suffix = self.types[type_name]
        return self.dir / directory / f"{member}{suffix}"

    def types_held(self) -> set[str]:
        return {key.split(":", 1)[0] for key in self._props}

    def members(self, type_name: str) -> list[str]:
        """Members of a type, as retrieve and deploy name them, sorted."""
        return sorted(k.split(":", 1)[1] for k in self._props if k.split(":", 1)[0] == type_name)

    def read(self, type_name: str, member: str) -> bytes | None:
        """A component's file, or None when the org has no such component."""
        if f"{type_name}:{member}" not in self._props:
            return None
        return self.path_for(type_name, member).read_bytes()

    def settings_value(self, settings_type: str, field_name: str) -> bool | None:
        """A boolean field of a Settings type as the org holds it now; None when absent."""
        data = self.read("Settings", settings_type[: -len("Settings")])
        if data is None:
            return None
        text = xml.parse(data, f"settings/{settings_type}").getroot().findtext(f"{{{MDAPI_NS}}}{field_name}")
        return None if text is None else text.strip() == "true"

    # ---- seeding -----------------------------------------------------------------------------

    def seed(self) -> None:
        """Write a fresh org's layouts and settings (models/seed/). Meant for a new DIR."""
        with self._lock:
            stamp = self._stamp()
            for name, data in seed.seed_layouts(self.identity).items():
                self._store("Layout", name.member, data, stamp, name.namespace)
            for stem, data in seed.seed_settings(self.identity).items():
                self._store("Settings", stem, data, stamp, None)
            for type_name, member, data in seed.seed_standard(self.identity):
                self._store(type_name, member, data, stamp, None)
            if self.identity.dynamic_forms:
                for member, data in seed_pages(self.identity.person_accounts).items():
                    self._store("FlexiPage", member, data, stamp, None)
            p = self.identity
            for (type_name, member), data in seed_individual(p.dynamic_forms, p.trimmed_individual_pages).items():
                self._store(type_name, member, data, stamp, None)
            self._save_props()

    def _stamp(self) -> datetime:
        # Strictly increasing, so two deploys within one millisecond still differ in lastModifiedDate.
        now = datetime.now(UTC)
        now = now.replace(microsecond=now.microsecond // 1000 * 1000)
        self._last_stamp = max(now, self._last_stamp + timedelta(milliseconds=1))
        return self._last_stamp

    def _store(self, type_name, member, data, stamp, namespace) -> tuple[bool, bool, str]:
        """Write one component; return (created, changed, id)."""
        key = f"{type_name}:{member}"
        path = self.path_for(type_name, member)
        path.parent.mkdir(parents=True, exist_ok=True)
        old = self._props.get(key)
        created = old is None
        changed = created or path.read_bytes() != data
        write_atomic(path, data)
        when = api_datetime(stamp)
        if created:
            old = self._props[key] = {
                # A true 18-character id (checksum suffix), so a query by its 15-character form finds it too.
                "id": random_id(ID_PREFIX.get(type_name, "000")),
                "createdDate": when,
                "namespacePrefix": namespace,
                "manageableState": "installed" if namespace else "unmanaged",
            }
        old["lastModifiedDate"] = when
        return created, changed, old["id"]

    def _remove(self, type_name, member) -> str:
        """Delete one component (a destructiveChanges deploy); return the id it had."""
        self.path_for(type_name, member).unlink(missing_ok=True)
        return self._props.pop(f"{type_name}:{member}")["id"]

    def _save_props(self) -> None:
        write_atomic(self._props_path, (json.dumps(self._props, indent=1, sort_keys=True) + "\n").encode())

    # ---- listMetadata ------------------------------------------------------------------------

    def file_properties(self, type_name: str, member: str) -> dict:
        """FileProperties of one component, as listMetadata and retrieve report them."""
        p = self._props[f"{type_name}:{member}"]
        full_name = member
        if type_name == "Layout":
            # The quirk: a managed layout's fullName lacks its own namespace (layout_names.py).
            full_name = LayoutName.from_member(member, self.namespaces).list_full_name
        return {
            "createdById": self.identity.user_id,
            "createdByName": ADMIN_NAME,
            "createdDate": p["createdDate"],
            "fileName": self.file_name(type_name, member),
            "fullName": full_name,
            "id": p["id"],
            "lastModifiedById": self.identity.user_id,
            "lastModifiedByName": ADMIN_NAME,
            "lastModifiedDate": p["lastModifiedDate"],
            "manageableState": p["manageableState"],
            "namespacePrefix": p["namespacePrefix"],
            "type": type_name,
        }

    def file_name(self, type_name, member) -> str:
        directory, suffix = self.types[type_name]
        return f"{directory}/{member}{suffix}"

    def list_metadata(self, type_name: str) -> list[dict]:
        """listMetadata for one type: every component, managed ones included."""
        with self._lock:
            if type_name not in self.types:
                return []
            entries = [self.file_properties(type_name, m) for m in self.members(type_name)]
            if type_name == "Layout":
                # listMetadata's fileName lacks a managed layout's namespace too (layout_names.py);
                # retrieve's fileProperties keep the zip path, which has it.
                for entry, member in zip(entries, self.members(type_name), strict=False):
                    entry["fileName"] = LayoutName.from_member(member, self.namespaces).list_file_name
            return entries

    # ---- Tooling API ---------------------------------------------------------------------------

    def tooling_layouts(self) -> list[dict]:
        """Rows of the Tooling API's Layout object, one per layout, from the same properties listMetadata
        reports: Id is listMetadata's id, LastModifiedDate its lastModifiedDate (REST's datetime form)."""
        with self._lock:
            rows = []
            for member in self.members("Layout"):
                p = self._props[f"Layout:{member}"]
                name = LayoutName.from_member(member, self.namespaces)
                rows.append(
                    {
                        "Id": p["id"],
                        "Name": name.label,
                        "NamespacePrefix": p["namespacePrefix"],
                        # Standard objects only in this org: Salesforce gives their name
                        # (a custom object's 01I id otherwise).
                        "TableEnumOrId": name.object,
                        "ManageableState": p["manageableState"],
                        "LayoutType": "Standard",
                        "CreatedById": self.identity.user_id,
                        "CreatedDate": rest_datetime(p["createdDate"]),
                        "LastModifiedById": self.identity.user_id,
                        "LastModifiedDate": rest_datetime(p["lastModifiedDate"]),
                    }
                )
            return rows

    def tooling_flexipages(self) -> list[dict]:
        """Rows of the Tooling API's FlexiPage object: Id is listMetadata's id, LastModifiedDate its date."""
        with self._lock:
            rows = []
            for member in self.members("FlexiPage"):
                p = self._props[f"FlexiPage:{member}"]
                root = xml.parse(self.read("FlexiPage", member), member).getroot()
                rows.append(
                    {
                        "Id": p["id"],
                        "DeveloperName": member,
                        "MasterLabel": root.findtext(f"{{{MDAPI_NS}}}masterLabel") or member,
                        "NamespacePrefix": p["namespacePrefix"],
                        "Type": root.findtext(f"{{{MDAPI_NS}}}type") or "",
                        "CreatedById": self.identity.user_id,
                        "CreatedDate": rest_datetime(p["createdDate"]),
                        "LastModifiedById": self.identity.user_id,
                        "LastModifiedDate": rest_datetime(p["lastModifiedDate"]),
                    }
                )
            return rows

    # ---- retrieve ----------------------------------------------------------------------------

    def retrieve(self, requested: dict[str, list[str]], api_version: str = API_VERSION) -> RetrieveOutcome:
        """Retrieve an unpackaged package.xml's members: a zip with entries under unpackaged/.

        `*` for Layout gives unmanaged layouts only, as Salesforce does; a member is found only by
        the name Salesforce accepts (managed layouts with their namespace, encoded as in file names).
        """
        with self._lock:
            found, messages = [], []
            for type_name, wanted in requested.items():
                if type_name not in self.types:
                    messages.append(
                        (
                            "package.xml",
                            f"Entity type: '{type_name}' is unknown to the local org (it holds {', '.join(self.types)})",  # noqa: E501
                        )
                    )
                    continue
                have = self.members(type_name)
                for member in wanted:
                    if member == "*":
                        found += [
                            (type_name, m)
                            for m in have
                            if self._props[f"{type_name}:{m}"]["manageableState"] == "unmanaged"
                        ]
                    elif member in have:
                        found.append((type_name, member))
                    else:
                        messages.append(
                            ("package.xml", f"Entity of type '{type_name}' named '{member}' cannot be found")
                        )
            found = sorted(set(found))
            buf = io.BytesIO()
            props = []
            with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
                for type_name, member in found:
                    zf.writestr("unpackaged/" + self.file_name(type_name, member), self.read(type_name, member))
                    fp = self.file_properties(type_name, member)
                    fp["fileName"] = "unpackaged/" + fp["fileName"]
                    props.append(fp)
                zf.writestr("unpackaged/package.xml", package_xml(requested, api_version))
            stamp = api_datetime(self._stamp())
            props.append(
                {
                    "createdById": self.identity.user_id,
                    "createdByName": ADMIN_NAME,
                    "createdDate": stamp,
                    "fileName": "unpackaged/package.xml",
                    "fullName": "unpackaged/package.xml",
                    "id": "",
                    "lastModifiedById": self.identity.user_id,
                    "lastModifiedByName": ADMIN_NAME,
                    "lastModifiedDate": stamp,
                    "manageableState": "unmanaged",
                    "namespacePrefix": None,
                    "type": "Package",
                }
            )
            outcome = deploy_plan.retrieve_outcome(random_id("09S"), buf.getvalue(), props, messages)
            self.jobs[outcome.id] = outcome
            return outcome

    # ---- deploy ------------------------------------------------------------------------------

    def deploy(
        self,
        zip_bytes: bytes,
        check_only: bool = False,
        rollback_on_error: bool = True,
        single_package: bool = True,
        fail_names=(),
        ignore_warnings: bool = False,
        outcome: DeployOutcome | None = None,
    ) -> DeployOutcome:
        """Judge and (when allowed) apply a deploy; the outcome is kept for checkDeployStatus.

        `fail_names`: full names that must fail (the --fault deploy-fail set). `outcome`: a queued deploy's
        (models/deploy_jobs.py), now run.
        """
        with self._lock:
            started = self.now()
            # Deploy ids carry the 0Af key prefix in real orgs; retrieve ids 09S.
            new = DeployOutcome(random_id("0Af"), check_only, rollback_on_error, started, started, "Failed")
            outcome = outcome or new
            outcome.created, outcome.completed = outcome.created or started, started
            outcome.status, outcome.ignore_warnings = "Failed", ignore_warnings
            try:
                planned = deploy_plan.plan(self, deploy_checks.read_zip(zip_bytes, single_package), set(fail_names))
            except deploy_checks.ZipRefused as e:
                outcome.error_message = str(e)
                self.jobs[outcome.id] = outcome
                return outcome
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as e:
                # An entry that fails its CRC, does not inflate, or uses a compression method zipfile lacks
                # (NotImplementedError) is found only when read: refuse the deploy.
                outcome.error_message = f"The deploy's ZipFile cannot be read ({e})"
                self.jobs[outcome.id] = outcome
                return outcome
            outcome.components = [p.result for p in planned]
            failed = any(not p.result.success for p in planned)
            keep = [p for p in planned if p.result.success and p.type in self.types]
            if failed and (rollback_on_error or not keep):
                keep = []
            if not check_only and keep:
                consent_before = self.settings_value(*CONSENT_SWITCH)
                stamp = self._stamp()
                for p in keep:
                    if p.delete:
                        p.result.deleted, p.result.id = True, self._remove(p.type, p.member)
                        continue
                    ns = self._namespace_of(p.type, p.member)
                    data = self._merged_settings(p.member, p.data) if p.type == "Settings" else p.data
                    p.result.created, p.result.changed, p.result.id = self._store(p.type, p.member, data, stamp, ns)
                self._save_props()
                if self.on_deployed is not None:
                    self.on_deployed([(p.type, p.member, self.read(p.type, p.member)) for p in keep])
                if self.source_members is not None:
                    touched = [(p.type, p.member) for p in keep if p.result.created or p.result.changed]
                    self.source_members.changed(touched, api_datetime(stamp))
                if consent_before and self.settings_value(*CONSENT_SWITCH) is False and self.on_consent_off:
                    outcome.consequences.append(self.on_consent_off())
            outcome.status = "Failed" if failed and not keep else ("SucceededPartial" if failed else "Succeeded")
            outcome.completed = api_datetime(self._stamp())
            self.jobs[outcome.id] = outcome
            return outcome

    def now(self) -> str:
        """A Metadata API timestamp, later than any the store has given."""
        return api_datetime(self._stamp())

    def _merged_settings(self, stem: str, data: bytes) -> bytes:
        """A deployed settings file changes only the fields it names; the others keep their value
        (docs/salesforce-facts.md, "Settings metadata")."""
        settings_type = stem + "Settings"
        values: dict[str, str] = {}
        for doc in (self.read("Settings", stem), data):
            if doc is not None:
                for child in xml.parse(doc, f"settings/{stem}.settings").getroot():
                    if isinstance(child.tag, str):
                        values[etree.QName(child).localname] = child.text or ""
        return seed.settings_document(settings_type, values)

    def _namespace_of(self, type_name, member):
        if type_name != "Layout":
            return None
        existing = self._props.get(f"Layout:{member}")
        return existing["namespacePrefix"] if existing else LayoutName.from_member(member, self.namespaces).namespace


def _parse(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
