"""CumulusCI tasks: add the Individual lookup to page layouts, and put layouts back from a snapshot.

Thin: options, docs, calls into email_privacy (orgstate, layouts, snapshots, metadata_api).
CumulusCI's own add_page_layout_fields is not used: it skips every layout after the first one
that already has the field, redeploys unchanged layouts and keeps no copy (FACTS.md).
"""

from email_privacy import names, orgstate, snapshots
from email_privacy.describe import DESCRIBE_OBJECT, individual_lookup
from email_privacy.errors import OptionError, OrgError
from email_privacy.layouts import BEHAVIORS, INDIVIDUAL_FIELD, POSITIONS, TARGET_OBJECTS, unified_diff
from email_privacy.metadata_api import CHECK_ONLY_OPTION, CLIENT_TASK_OPTIONS, ORG_STATE_OPTION, MetadataTask
from email_privacy.options import parse_choice, parse_existing_path, parse_folder, parse_list

# Above this many unchanged layouts of one object, the log gives their count, not each name (the full
# list stays in return_values): at 300 layouts per object a line each buries the ones that changed.
UNCHANGED_LISTED_MAX = 20


def _deferred_permission_sets(value) -> dict[str, bytes]:
    """The permission sets the flow's step 3 deferred ({name: MDAPI file bytes}); OptionError for anything else."""
    if value in (None, ""):
        return {}
    if not (
        isinstance(value, orgstate.PermissionSetFiles)
        and all(k and "/" not in k and isinstance(v, bytes) for k, v in value.items())
    ):
        raise OptionError(
            "Option permission_sets: only the flow passes it "
            "(^^deploy_email_privacy_permission_set.deferred_files); leave it out."
        )
    return dict(value)


class AddIndividualFieldToLayouts(MetadataTask):
    task_docs = """
Adds the Individual lookup (IndividualId on Contact and Lead, PersonIndividualId on person accounts;
the name is taken from the org's describe) to every page layout of the chosen objects that lacks it.

One listMetadata finds the layouts (managed ones included), one retrieve fetches them, and one deploy
sends only the layouts that changed; a layout that already has the field, with any behavior, is left
exactly as it is. In the flow, the permission set step's changes (if any) go in that same deploy.
Before deploying, the retrieved originals are written to a snapshot folder
(.email_privacy/snapshots/<org>/<UTC time>/, owner-only) that restore_layouts can deploy back, and
each layout's lastModifiedDate is checked again: if someone changed a layout meanwhile, nothing is
deployed and the task asks you to run it again. That check is one Tooling API query (REST) for the
layouts changed since the read, whatever their number; where the org refuses it, the task says so
and checks with a second listMetadata instead.
"""
    task_options = {
        "objects": {
            "description": "Objects whose layouts get the field: any of Contact, Lead, PersonAccount "
            "(default: Contact, Lead, and PersonAccount where person accounts are on)."
        },
        "layouts": {
            "description": "Explicit layout full names instead of every layout of the objects, "
            "e.g. 'Contact-Contact Layout,Lead-Lead %28Marketing%29 Layout'."
        },
        "behavior": {"description": "Behavior of the new item: Edit (default) or Readonly."},
        "position": {
            "description": "after_email_opt_out (default; falls back to the end of the first section's first "
            "column) or end_of_first_section. Never in a CustomLinks section."
        },
        "dry_run": {"description": "Print the diff of every layout that would change; deploy nothing (default false)."},
        **CHECK_ONLY_OPTION,
        "snapshot_dir": {"description": "Folder for snapshots (default .email_privacy/snapshots, in the project)."},
        **ORG_STATE_OPTION,
        "permission_sets": {
            "description": "Set by the flow only: permission sets to deploy with the layouts, in the same "
            "deploy (^^deploy_email_privacy_permission_set.deferred_files)."
        },
        **CLIENT_TASK_OPTIONS,
    }

    def _init_options(self, kwargs):
        super()._init_options(kwargs)
        self.permission_sets = _deferred_permission_sets(self.options.get("permission_sets"))
        self.objects = parse_list("objects", self.options.get("objects"), TARGET_OBJECTS)
        layouts = parse_list("layouts", self.options.get("layouts"))
        for name in layouts:
            obj = name.partition("-")[0]
            if "-" not in name or obj not in TARGET_OBJECTS:
                raise OptionError(
                    f"Option layouts: {name!r} is not allowed; use full names Object-Layout Name "
                    f"of {', '.join(TARGET_OBJECTS)} layouts."
                )
        self.layouts = [names.encode(n) for n in layouts] or None
        self.behavior = parse_choice("behavior", self.options.get("behavior"), BEHAVIORS, "Edit")
        self.position = parse_choice("position", self.options.get("position"), POSITIONS, POSITIONS[0])
        self.snapshot_dir = parse_folder("snapshot_dir", self.options.get("snapshot_dir"), snapshots.DEFAULT_BASE)
        if self.objects and self.layouts:
            raise OptionError("Options objects and layouts: give one or the other, not both.")

    def _fields(self, objects):
        """{object: Individual lookup name} from the describes; PersonAccount left out where person accounts are off."""
        fields, skipped = {}, []
        for obj in objects:
            if obj == "PersonAccount" and not self.person_accounts_enabled():
                skipped.append(obj)
                continue
            lookup = individual_lookup(self.describe(DESCRIBE_OBJECT[obj]), obj)
            if lookup:
                fields[obj] = lookup["name"]
            elif self.dry_run:
                fields[obj] = INDIVIDUAL_FIELD[obj]
                self.logger.warning(
                    f"{DESCRIBE_OBJECT[obj]} has no lookup to Individual yet (Data Protection and "
                    f"Privacy is off); the dry run assumes {fields[obj]}."
                )
            else:
                raise OrgError(
                    f"{DESCRIBE_OBJECT[obj]} has no field that looks up Individual: turn on Data Protection "
                    "and Privacy first (run deploy_email_privacy_settings), then run again."
                )
        return fields, skipped

    def _run_task(self):
        wanted = (
            sorted({names.layout_object(n) for n in self.layouts})
            if self.layouts
            else (self.objects or list(TARGET_OBJECTS))
        )
        fields, skipped_objects = self._fields(wanted)
        for obj in skipped_objects:
            level = self.logger.warning if (self.objects or self.layouts) else self.logger.info
            level(f"{obj}: person accounts are off in this org; its layouts are skipped.")
        objects = [o for o in wanted if o in fields]
        state = self.org_state
        if state is None or self.layouts or not state.covers(objects):
            state = orgstate.read_org(self.client, objects, layouts=self.layouts, include_settings=False)
        files = {n: d for n, d in state.layout_files.items() if names.layout_object(n) in objects}
        plan = orgstate.plan_layouts(files, fields, self.behavior, self.position)
        packages = {e["retrieveName"]: e.get("namespacePrefix") for e in state.layouts if e.get("retrieveName")}

        def show(name):  # logged listings: object, decoded name and package, as Setup shows them
            return names.human_name(name, packages.get(name))

        # Return values keep the full names (decoded), which other tasks and CumulusCI accept as layout names.
        full = names.display_name
        self.return_values = {
            "changed": [full(n) for n in plan.changes],
            "unchanged": [full(n) for n in plan.unchanged],
            "skipped": [full(n) for n in plan.skipped] + [f"{o} (person accounts off)" for o in skipped_objects],
            "snapshot": None,
            "deployed": False,
            "dry_run": self.dry_run,
            "check_only": self.check_only,
            "permission_sets_deployed": [],
        }
        self._log_unchanged(plan.unchanged, show)
        if not plan.changes:
            rest = "no layout to deploy" if self.permission_sets else "nothing to deploy"
            self.logger.info(f"Every target layout ({len(plan.unchanged)}) already has the Individual field: {rest}.")
            self._deploy_permission_sets_alone()
            return
        for name in plan.changes:
            self.logger.info(f"  will add the field: {show(name)}")
        if self.dry_run:
            for name, (old, new) in plan.changes.items():
                self.logger.info(unified_diff(old, new, f"layouts/{names.file_name(name)}"))
            self.logger.info(f"Dry run: {len(plan.changes)} layout(s) would change; nothing was deployed.")
            return
        if not self.check_only:
            moved = orgstate.changed_since(
                self.client, state, plan.changes, tooling_query=self.tooling_query, warn=self.logger.warning
            )
            if moved:
                raise OrgError(
                    "Nothing was deployed: layout(s) changed in the org since they were read: "
                    + ", ".join(full(n) for n in moved)
                    + ". Run the task again to work from the new version."
                )
            path = snapshots.write_snapshot(
                self.snapshot_dir,
                self.org_config.name,
                {n: o for n, (o, _) in plan.changes.items()},
                org_id=self.org_config.org_id or "",
                api_version=self.client.api_version,
                packages=packages,
            )
            self.return_values["snapshot"] = str(path)
            self.logger.info(f"Snapshot of the originals: {path}")
        self.client.deploy(plan.deploy_files(self.client.api_version, self.permission_sets), check_only=self.check_only)
        self.return_values["deployed"] = not self.check_only
        if not self.check_only:
            self.return_values["permission_sets_deployed"] = sorted(self.permission_sets)
        verb = "Validated (check only, nothing saved)" if self.check_only else "Deployed"
        also = f" and permission set(s) {', '.join(sorted(self.permission_sets))}" if self.permission_sets else ""
        self.logger.info(
            f"{verb} in one deploy: {len(plan.changes)} layout(s) with the Individual field{also}; "
            f"{len(plan.unchanged)} layout(s) already had it."
        )
        if self.return_values["snapshot"]:
            self.logger.info(
                f"To put them back: cci task run restore_layouts --org {self.org_config.name} "
                f"-o snapshot '{self.return_values['snapshot']}'"
            )

    def _log_unchanged(self, unchanged, show):
        """One line per layout that already has the field, or a count per object when there are many."""
        by_object: dict[str, list[str]] = {}
        for name in unchanged:
            by_object.setdefault(names.layout_object(name), []).append(name)
        for obj, members in by_object.items():
            if len(members) > UNCHANGED_LISTED_MAX:
                self.logger.info(f"  has the field already: {len(members)} {obj} layouts (listed in the return values)")
                continue
            for name in members:
                self.logger.info(f"  has the field already: {show(name)}")

    def _deploy_permission_sets_alone(self):
        """No layout changed: the permission sets the flow deferred to this step still need their deploy."""
        if not self.permission_sets:
            return
        listed = ", ".join(sorted(self.permission_sets))
        if self.dry_run:
            self.logger.info(f"Dry run: would deploy permission set(s) {listed}; nothing was deployed.")
            return
        files = orgstate.LayoutPlan().deploy_files(self.client.api_version, self.permission_sets)
        self.client.deploy(files, check_only=self.check_only)
        if not self.check_only:
            self.return_values["permission_sets_deployed"] = sorted(self.permission_sets)
        verb = "Validated (check only, nothing saved)" if self.check_only else "Deployed"
        self.logger.info(
            f"{verb}: permission set(s) {listed} (deferred by deploy_email_privacy_permission_set), no layout."
        )


class RestoreLayouts(MetadataTask):
    task_docs = """
Deploys back the page layouts saved in a snapshot by add_individual_field_to_layouts (by default the
newest snapshot of this org), in one deploy, and lists what it restored.
"""
    task_options = {
        "snapshot": {"description": "Path of a snapshot folder (default: the newest for this org)."},
        "snapshot_dir": {"description": "Where to look for the newest snapshot (default .email_privacy/snapshots)."},
        "dry_run": {"description": "List what would be restored; deploy nothing (default false)."},
        **CHECK_ONLY_OPTION,
        **CLIENT_TASK_OPTIONS,
    }

    def _init_options(self, kwargs):
        super()._init_options(kwargs)
        value = self.options.get("snapshot")
        if value not in (None, ""):
            # Checked up front so a wrong path fails before any call to the org.
            self.snapshot, self.manifest, self.layouts = self._load(value)
        else:
            self.snapshot = None
        self.snapshot_dir = parse_folder("snapshot_dir", self.options.get("snapshot_dir"), snapshots.DEFAULT_BASE)

    @staticmethod
    def _load(path):
        folder = parse_existing_path("snapshot", path, kind="folder")
        return (folder, *snapshots.load_snapshot(folder))

    def _run_task(self):
        if self.snapshot is None:
            self.snapshot, self.manifest, self.layouts = self._load(
                snapshots.newest_snapshot(self.snapshot_dir, self.org_config.name)
            )
        # The manifest's package names come from listMetadata; older manifests lack them.
        packages = {e["name"]: e.get("package") for e in self.manifest.get("layouts", [])}
        shown = [names.human_name(n, packages.get(n)) for n in sorted(self.layouts)]
        self.return_values = {
            "snapshot": str(self.snapshot),
            "restored": [],
            "dry_run": self.dry_run,
            "check_only": self.check_only,
        }
        self.logger.info(f"Snapshot {self.snapshot}: {len(shown)} layout(s): {', '.join(shown)}")
        if self.dry_run:
            self.logger.info("Dry run: nothing was deployed.")
            return
        plan = orgstate.LayoutPlan(changes={n: (b"", d) for n, d in self.layouts.items()})
        self.client.deploy(plan.deploy_files(self.client.api_version), check_only=self.check_only)
        self.return_values["restored"] = (
            [] if self.check_only else [names.display_name(n) for n in sorted(self.layouts)]
        )
        self.logger.info(("Validated (check only): " if self.check_only else "Restored: ") + ", ".join(shown))
