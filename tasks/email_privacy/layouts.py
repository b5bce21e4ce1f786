"""CumulusCI tasks: the Individual lookup onto page layouts and record pages, and back from a snapshot."""

from email_privacy.cci.task import CHECK_ONLY, CLIENT_OPTIONS, FLOW_READ, INDIVIDUAL, PAGES, OrgTask
from email_privacy.errors import OptionError
from email_privacy.metadata import names
from email_privacy.metadata.layouts import BEHAVIORS, POSITIONS, TARGET_OBJECTS
from email_privacy.options.spec import OptionSpec, choice, flag, folder, name_list, set_by_flow, text
from email_privacy.options.values import parse_existing_path, parse_list
from email_privacy.steps import snapshots
from email_privacy.steps.individual_field import LayoutOptions, add_individual_field
from email_privacy.steps.read import PermissionSetFiles
from email_privacy.steps.restore import RestoreOptions, restore_layouts


def _is_deferred_permission_sets(value) -> bool:
    """The permission sets the flow's step 3 deferred ({name: MDAPI file bytes})."""
    return isinstance(value, PermissionSetFiles) and all(
        k and "/" not in k and isinstance(v, bytes) for k, v in value.items()
    )


def _layout_names(name, value) -> list[str]:
    layouts = parse_list(name, value)
    for layout in layouts:
        if "-" not in layout or layout.partition("-")[0] not in TARGET_OBJECTS:
            raise OptionError(
                f"Option {name}: {layout!r} is not allowed; use full names Object-Layout Name "
                f"of {', '.join(TARGET_OBJECTS)} layouts."
            )
    return layouts


class AddIndividualFieldToLayouts(OrgTask):
    task_docs = """
Adds the Individual lookup (its name taken from the org's describe) to every page layout of the chosen objects
that lacks it, and to their Dynamic Forms record pages, in one deploy of only what changed. The originals go
to a snapshot that restore_page_changes deploys back; if someone changed a layout since the read, nothing is
deployed. Details: docs/layouts.md, docs/pages.md.
"""
    options_spec = OptionSpec(
        name_list(
            "objects",
            "Objects whose layouts get the field.",
            TARGET_OBJECTS,
            "Contact, Lead, and PersonAccount where person accounts are on",
        ),
        text(
            "layouts",
            "Explicit layout full names instead of every layout of the objects, "
            "e.g. 'Contact-Contact Layout,Lead-Lead %28Marketing%29 Layout'.",
            _layout_names,
            "comma-separated layout full names Object-Layout Name",
        ),
        choice("behavior", BEHAVIORS, "Behavior of the new item.", default="Edit"),
        choice(
            "position",
            POSITIONS,
            "Where the new item goes: after_email_opt_out falls back to the end of the first section's first "
            "column. Never in a CustomLinks section.",
            default=POSITIONS[0],
        ),
        flag("dry_run", "Print the diff of every layout that would change; deploy nothing."),
        CHECK_ONLY,
        PAGES,
        INDIVIDUAL,
        folder("snapshot_dir", "Folder for snapshots, in the project.", snapshots.DEFAULT_BASE),
        FLOW_READ,
        set_by_flow(
            "permission_sets",
            "Set by the flow only: permission sets to deploy with the layouts, in the same deploy.",
            _is_deferred_permission_sets,
            "^^deploy_email_privacy_permission_set.deferred_files",
        ),
        *CLIENT_OPTIONS,
    )

    def _init_options(self, kwargs):
        super()._init_options(kwargs)
        o = self.parsed_options
        if o.objects and o.layouts:
            raise OptionError("Options objects and layouts: give one or the other, not both.")
        self.layout_options = LayoutOptions(
            objects=o.objects,
            layouts=[names.encode(n) for n in o.layouts or ()] or None,
            behavior=o.behavior,
            position=o.position,
            snapshot_dir=o.snapshot_dir,
            permission_sets=dict(o.permission_sets or {}),
            dry_run=self.dry_run,
            check_only=self.check_only,
            pages=o.pages,
            individual=o.individual,
        )

    def _run_task(self):
        result = add_individual_field(self.connection, self.read, self.layout_options, self.logger)
        self.return_values = result.return_values()


class RestorePageChanges(OrgTask):
    task_docs = """
Deploys back the page layouts and Lightning record pages saved in a snapshot by
add_individual_field_to_layouts (by default this org's newest), in one deploy. Also runs as restore_layouts,
its former name. Another org's snapshot, or a layout changed since, is refused unless allow_other_org or
overwrite_changed. Details: docs/layouts.md.
"""
    options_spec = OptionSpec(
        folder("snapshot", "Path of a snapshot folder.", must_exist=True),
        folder("snapshot_dir", "Where to look for the newest snapshot of this org.", snapshots.DEFAULT_BASE),
        flag(
            "allow_other_org",
            "Restore a snapshot taken from another org id, e.g. the production org this sandbox was refreshed from.",
        ),
        flag(
            "overwrite_changed",
            "Also restore layouts and pages changed or deleted in the org since our change, losing those changes "
            "(false: they are listed and left alone).",
        ),
        flag("dry_run", "List what would be restored and what is left alone; deploy nothing."),
        CHECK_ONLY,
        *CLIENT_OPTIONS,
    )

    def _init_options(self, kwargs):
        super()._init_options(kwargs)
        o = self.parsed_options
        if o.snapshot is not None:
            # Checked up front so a wrong path fails before any call to the org.
            self.snapshot, self.manifest, self.layouts, self.pages = self._load(o.snapshot)
        else:
            self.snapshot = None
        self.snapshot_dir = o.snapshot_dir
        self.restore_options = RestoreOptions(
            dry_run=self.dry_run,
            check_only=self.check_only,
            allow_other_org=o.allow_other_org,
            overwrite_changed=o.overwrite_changed,
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
