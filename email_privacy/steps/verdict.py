"""The one verdict over a read: a row per feature switch, target layout and record page, and whether the org is
configured. Prerequisites, verify and verify's reuse check take it from here, computed once per read and options."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from email_privacy.metadata import flexipages, names
from email_privacy.metadata.layouts import INDIVIDUAL_OBJECT, has_field, required_fields
from email_privacy.metadata.settings import CONSENT, EMAIL_CONSENT, EMAIL_TRACKING, ENHANCED_EMAIL, FEATURE_SETTINGS
from email_privacy.options.settings import SettingsOptions, desired_settings


@dataclass(frozen=True)
class Row:
    """One verified item: a setting, a layout, a record page (or, in verify, who can edit a flag)."""

    kind: str  # "Setting", "Layout", "Page" or "Access"
    name: str  # what a person recognises: the Setup label, or the layout name decoded
    api_name: str  # PartyDataModelSettings.enableConsentManagement, or the layout's full name
    state: str
    required: bool
    ok: bool
    object: str = ""  # for layouts: Contact, Lead, PersonAccount
    package: str = ""  # for managed layouts: the namespace of the package that installed it
    page_kind: str = ""  # for pages: the kind flexipages.classify gives (dynamic_forms, record_detail ...)
    warning: bool = False  # right enough to pass, but worth a person's attention (too few can edit a flag)

    @property
    def verdict(self) -> str:
        if self.warning:
            return "WARNING"
        if self.kind == "Page" and not self.required:
            return "left alone"
        if not self.required and self.state != "on":
            return "not required"
        return "OK" if self.ok else "MISSING"

    def as_dict(self) -> dict:
        data = dict(self.__dict__)  # every field is a str or a bool: asdict's deep copy costs ten times more
        data["verdict"] = self.verdict
        data["item"] = self.object or self.kind  # "Setting", or the layout's object
        return data


@dataclass(frozen=True)
class Verdict:
    rows: tuple[Row, ...]
    fields: dict[str, tuple[str, ...]]  # {object: the fields its layouts and Dynamic Forms pages must show}

    @property
    def configured(self) -> bool:
        return configured(self.rows)


def configured(rows: Iterable[Row]) -> bool:
    return all(r.ok for r in rows)


def verdict(read, objects: Iterable[str], settings_options: SettingsOptions) -> Verdict:
    """The rows of `read` (steps/read.py) for `objects`; kept on the read, so each read is judged once per
    objects, options and lookup names. Enhanced Email counts as required under `auto` when Lightning is unknown."""
    objects = tuple(objects)
    fields = required(objects, read.individual_fields)
    key = (objects, settings_options, tuple(fields.items()))
    if key not in read.verdicts:
        lightning = read.lightning_on
        wanted = desired_settings(settings_options, True if lightning is None else lightning)
        rows = setting_rows(read.settings, wanted) + layout_rows(read.layouts, objects, fields)
        read.verdicts[key] = Verdict(tuple(rows + page_rows(read.pages, objects, fields)), fields)
    return read.verdicts[key]


def required(objects: Iterable[str], lookups: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    """Each object's required fields: the lookup the describe gave (`lookups`), else the standard name; on
    Individual its two flags."""
    return {o: (lookups[o],) if o in lookups and o != INDIVIDUAL_OBJECT else required_fields(o) for o in objects}


def target_objects(requested, person_accounts: bool, logger=None) -> list[str]:
    """The objects whose layouts are in scope: `requested`, or Contact and Lead plus PersonAccount where person
    accounts are on. A PersonAccount request on an org without them is dropped with a warning."""
    if not requested:
        return ["Contact", "Lead"] + (["PersonAccount"] if person_accounts else [])
    if "PersonAccount" in requested and not person_accounts:
        if logger is not None:
            logger.warning("PersonAccount skipped: person accounts are off in this org.")
        return [o for o in requested if o != "PersonAccount"]
    return list(requested)


def setting_rows(current: Mapping[str, Mapping[str, object]], required: Iterable[tuple[str, str]]) -> list[Row]:
    """One row per feature switch, in the order Salesforce Help lists them. A switch not required
    (Enhanced Email in a Classic org, email tracking when turned off by option) is OK whatever its value."""
    required = set(required)
    rows = []
    for key in (CONSENT, EMAIL_CONSENT, ENHANCED_EMAIL, EMAIL_TRACKING):
        value = current.get(key[0], {}).get(key[1])
        state = {True: "on", False: "off"}.get(value, "unknown")
        needed = key in required
        rows.append(
            Row("Setting", FEATURE_SETTINGS[key], f"{key[0]}.{key[1]}", state, needed, value is True or not needed)
        )
    return rows


def layout_rows(layouts: Mapping, objects: Iterable[str], fields: Mapping[str, tuple[str, ...]]) -> list[Row]:
    """One row per target layout (`layouts`: the read's documents); an object with no layout fails, since every
    object has one and the read missed it."""
    objects = list(objects)
    rows = []
    seen = set()

    def label(n):
        return names.human_label(n, layouts[n].package)

    for full_name in sorted(layouts, key=lambda n: (names.layout_object(n), label(n).lower(), n)):
        obj = names.layout_object(full_name)
        if obj not in objects:
            continue
        seen.add(obj)
        tree = layouts[full_name].tree
        present, state = _presence(lambda f, t=tree: has_field(t, f), fields[obj])
        package = names.layout_package(full_name, layouts[full_name].package) or ""
        rows.append(Row("Layout", label(full_name), full_name, state, True, present, obj, package))
    for obj in objects:
        if obj not in seen:
            rows.append(Row("Layout", f"(no {obj} layout found)", "", "not found", True, False, obj))
    return rows


def _presence(has, fields: tuple[str, ...]) -> tuple[bool, str]:
    """(all present, "has A" / "has A and B" / "lacks B") for a layout's or page's required fields."""
    missing = [f for f in fields if not has(f)]
    if missing:
        return False, "lacks " + " and ".join(missing)
    return True, "has " + " and ".join(fields)


def page_rows(pages: Mapping, objects: Iterable[str], fields: Mapping[str, tuple[str, ...]]) -> list[Row]:
    """One row per record page the read kept: a Dynamic Forms page of a target object must place the
    Individual field (it shows its own fields, not the layout's); every other page is listed, left alone."""
    objects = list(objects)
    rows = []
    for name in sorted(pages):
        page = pages[name].page
        if page.kind in flexipages.CHANGED_KINDS and page.target in objects:
            tree = pages[name].tree
            present, state = _presence(lambda f, t=tree: flexipages.has_field(t, f), fields[page.target])
            rows.append(Row("Page", name, name, state, True, present, page.target, page_kind=page.kind))
        else:
            obj = page.target or page.sobject_type
            rows.append(Row("Page", name, name, page.reason, False, True, obj, page_kind=page.kind))
    return rows
