"""CumulusCI tasks: add the Individual lookup to page layouts and Dynamic Forms record pages, and put them back
from a snapshot."""

from email_privacy.cci.options import (
    CHECK_ONLY_OPTION,
    CLIENT_TASK_OPTIONS,
    ORG_STATE_OPTION,
    PAGES_OPTION,
    parse_bool,
    parse_choice,
    parse_existing_path,
    parse_folder,
    parse_list,
)
from email_privacy.cci.task import MetadataTask
from email_privacy.errors import OptionError
from email_privacy.features import snapshots
from email_privacy.features.layouts import LayoutOptions, add_individual_field
from email_privacy.features.restore import RestoreOptions, restore_layouts
from email_privacy.org.read import PermissionSetFiles
from email_privacy.salesforce import names
from email_privacy.salesforce.layouts import BEHAVIORS, POSITIONS, TARGET_OBJECTS


def _deferred_permission_sets(value) -> dict[str, bytes]:
    """The permission sets the flow's step 3 deferred ({name: MDAPI file bytes}); OptionError for anything else."""
    if value in (None, ""):
        return {}
    if not (
        isinstance(value, PermissionSetFiles)
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
exactly as it is. Lightning record pages built with Dynamic Forms show their own fields, not the layout's:
the Contact, Lead and person-account ones that lack the field get it in the same deploy (pages false leaves
pages out; Record Detail and business-account pages are left alone and listed with their kind). In the flow,
the permission set step's changes (if any) go in that same deploy.
Before deploying, the retrieved originals are written to a snapshot folder
(.email_privacy/snapshots/<org id>/<UTC time>/, owner-only) that restore_page_changes can deploy back, and
each layout's and page's lastModifiedDate is checked again: if someone changed a layout meanwhile, nothing is
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
        **PAGES_OPTION,
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
        permission_sets = _deferred_permission_sets(self.options.get("permission_sets"))
        objects = parse_list("objects", self.options.get("objects"), TARGET_OBJECTS)
        layouts = parse_list("layouts", self.options.get("layouts"))
        for name in layouts:
            obj = name.partition("-")[0]
            if "-" not in name or obj not in TARGET_OBJECTS:
                raise OptionError(
                    f"Option layouts: {name!r} is not allowed; use full names Object-Layout Name "
                    f"of {', '.join(TARGET_OBJECTS)} layouts."
                )
        self.layout_options = LayoutOptions(
            objects=objects,
            layouts=[names.encode(n) for n in layouts] or None,
            behavior=parse_choice("behavior", self.options.get("behavior"), BEHAVIORS, "Edit"),
            position=parse_choice("position", self.options.get("position"), POSITIONS, POSITIONS[0]),
            snapshot_dir=parse_folder("snapshot_dir", self.options.get("snapshot_dir"), snapshots.DEFAULT_BASE),
            permission_sets=permission_sets,
            dry_run=self.dry_run,
            check_only=self.check_only,
            pages=parse_bool("pages", self.options.get("pages"), True),
        )
        if objects and layouts:
            raise OptionError("Options objects and layouts: give one or the other, not both.")

    def _run_task(self):
        result = add_individual_field(self.connection, self.org_state, self.layout_options, self.logger)
        self.return_values = result.return_values()


class RestorePageChanges(MetadataTask):
    task_docs = """
Deploys back the page layouts and Lightning record pages saved in a snapshot by
add_individual_field_to_layouts (by default the newest snapshot of this org, found by its org id), in one
deploy, and lists what it restored. Also runs as restore_layouts, its former name.

A snapshot restores only into the org it was taken from (its manifest's org id); another org's is refused
before anything is deployed, unless allow_other_org is true (a refreshed sandbox gets a new org id). One
retrieve reads the snapshot's layouts and pages as the org holds them now: one that someone changed or deleted
since our change is listed and left alone, unless overwrite_changed is true.
"""
    task_options = {
        "snapshot": {"description": "Path of a snapshot folder (default: the newest for this org)."},
        "snapshot_dir": {"description": "Where to look for the newest snapshot (default .email_privacy/snapshots)."},
        "allow_other_org": {
            "description": "Restore a snapshot taken from another org id, e.g. the production org this sandbox "
            "was refreshed from (default false)."
        },
        "overwrite_changed": {
            "description": "Also restore layouts and pages changed in the org since our change, losing those "
            "changes (default false: they are listed and left alone)."
        },
        "dry_run": {
            "description": "List what would be restored and what is left alone; deploy nothing (default false)."
        },
        **CHECK_ONLY_OPTION,
        **CLIENT_TASK_OPTIONS,
    }

    def _init_options(self, kwargs):
        super()._init_options(kwargs)
        value = self.options.get("snapshot")
        if value not in (None, ""):
            # Checked up front so a wrong path fails before any call to the org.
            self.snapshot, self.manifest, self.layouts, self.pages = self._load(value)
        else:
            self.snapshot = None
        self.snapshot_dir = parse_folder("snapshot_dir", self.options.get("snapshot_dir"), snapshots.DEFAULT_BASE)
        self.restore_options = RestoreOptions(
            dry_run=self.dry_run,
            check_only=self.check_only,
            allow_other_org=parse_bool("allow_other_org", self.options.get("allow_other_org"), False),
            overwrite_changed=parse_bool("overwrite_changed", self.options.get("overwrite_changed"), False),
        )

    @staticmethod
    def _load(path):
        folder = parse_existing_path("snapshot", path, kind="folder")
        manifest, layouts = snapshots.load_snapshot(folder)
        return folder, manifest, layouts, snapshots.load_pages(folder, manifest)

    def _run_task(self):
        if self.snapshot is None:
            self.snapshot, self.manifest, self.layouts, self.pages = self._load(
                snapshots.newest_snapshot(self.snapshot_dir, self.org_config.org_id, self.org_config.name)
            )
        result = restore_layouts(
            self.connection, self.snapshot, self.manifest, self.layouts, self.logger, self.restore_options, self.pages
        )
        self.return_values = result.return_values()


# The task's former class name, for projects whose cumulusci.yml names it.
RestoreLayouts = RestorePageChanges
