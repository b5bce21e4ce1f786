"""Lightning record pages (FlexiPage) a local org serves with Dynamic Forms on.

Written for this project in the shape the Lightning App Builder saves (v63): template regions
`header`, `main` and `sidebar`; a tabset whose tabs open Facet regions; Dynamic Forms field sections
(`flexipage:fieldSection`, its `columns` facet of `flexipage:column` components, each column's
`body` facet of field instances); identifiers as the builder writes them (`RecordEmailField`,
`flexipage_column2`). Facet names are `Facet-<uuid>`, derived from the page and a counter so that
every run serves the same bytes. Only fields the local org's objects have are placed.
"""

import uuid

MDAPI_NS = "http://soap.sforce.com/2006/04/metadata"
TEMPLATE = "flexipage:recordHomeTemplateDesktop"
UNIT = "    "


def _xml(tag: str, content, depth: int) -> str:
    """An element written as Salesforce writes metadata: one element a line, four spaces a level."""
    pad = UNIT * depth
    if isinstance(content, str):
        return f"{pad}<{tag}>{content}</{tag}>\n"
    return f"{pad}<{tag}>\n" + "".join(_xml(t, c, depth + 1) for t, c in content) + f"{pad}</{tag}>\n"


class _Page:
    """Collects a page's regions while its components are declared, facets before the regions that open them."""

    def __init__(self, name: str):
        self.name = name
        self.facets = []  # (facet name, [item spec, ...])
        self.ids = {}

    def facet(self, items) -> str:
        name = f"Facet-{uuid.uuid5(uuid.NAMESPACE_URL, f'email-privacy:{self.name}:{len(self.facets)}')}"
        self.facets.append((name, items))
        return name

    def ident(self, base: str) -> str:
        # The builder numbers repeats of one component: flexipage_column, flexipage_column2, ...
        self.ids[base] = self.ids.get(base, 0) + 1
        return base if self.ids[base] == 1 else f"{base}{self.ids[base]}"

    def component(self, name: str, props=(), ident: str | None = None):
        spec = [("componentInstanceProperties", [("name", k), ("value", v)]) for k, v in props]
        spec += [("componentName", name), ("identifier", self.ident(ident or name.replace(":", "_")))]
        return ("itemInstances", [("componentInstance", spec)])

    @staticmethod
    def field(field: str, behavior: str = "none"):
        spec = [("fieldInstanceProperties", [("name", "uiBehavior"), ("value", behavior)])]
        ident = "Record" + field.replace("__", "_") + "Field"
        return ("itemInstances", [("fieldInstance", spec + [("fieldItem", f"Record.{field}"), ("identifier", ident)])])

    def section(self, label: str, *columns):
        cols = [self.component("flexipage:column", [("body", self.facet([self.field(f) for f in c]))]) for c in columns]
        props = [("columns", self.facet(cols)), ("horizontalAlignment", "false"), ("label", label)]
        return self.component("flexipage:fieldSection", props)

    def tabset(self, *tabs):
        items = [
            self.component("flexipage:tab", [("body", self.facet(body)), ("title", title)]) for title, body in tabs
        ]
        return self.component("flexipage:tabset", [("tabs", self.facet(items))])

    def write(self, label: str, sobject: str, header, main, sidebar) -> bytes:
        regions = [(name, items, "Facet") for name, items in self.facets]
        regions += [("header", header, "Region"), ("main", main, "Region"), ("sidebar", sidebar, "Region")]
        body = "".join(
            _xml("flexiPageRegions", list(items) + [("name", name), ("type", kind)], 1) for name, items, kind in regions
        )
        tail = [("masterLabel", label), ("sobjectType", sobject), ("template", [("name", TEMPLATE)])]
        tail.append(("type", "RecordPage"))
        text = f'<?xml version="1.0" encoding="UTF-8"?>\n<FlexiPage xmlns="{MDAPI_NS}">\n'
        return (text + body + "".join(_xml(t, c, 1) for t, c in tail) + "</FlexiPage>\n").encode("utf-8")


def _related(page: _Page):
    return ("Related", [page.component("force:relatedListContainer", [("relatedListComponentOverride", "NONE")])])


def _activity(page: _Page):
    return [page.component("runtime_sales_activities:activityPanel")]


def _dynamic_forms(name, label, sobject, sections, path_assistant=False) -> bytes:
    page = _Page(name)
    details = [page.section(title, *columns) for title, columns in sections]
    main = [page.tabset(_related(page), ("Details", details))]
    header = [page.component("force:highlightsPanel", [("collapsed", "false"), ("numVisibleActions", "3")])]
    if path_assistant:
        header.append(page.component("runtime_sales_lead:pathAssistant"))
    return page.write(label, sobject, header, main, _activity(page))


def contact_dynamic_forms() -> bytes:
    sections = [
        (
            "Contact Information",
            (
                ["Name", "AccountId", "Title", "Department", "Email", "Phone"],
                ["OwnerId", "ReportsToId", "LeadSource", "HasOptedOutOfEmail", "DoNotCall"],
            ),
        ),
        ("Address Information", (["MailingAddress"], ["OtherAddress"])),
        ("System Information", (["CreatedById"], ["LastModifiedById"])),
    ]
    return _dynamic_forms("Contact_Record_Page", "Contact Record Page", "Contact", sections)


def lead_dynamic_forms() -> bytes:
    sections = [
        ("Lead Information", (["Name", "Company", "Title", "Email", "Phone"], ["OwnerId", "Status", "Rating"])),
        # The opt-out sits in a later section, as on many real Lead pages.
        ("Contact Preferences", (["HasOptedOutOfEmail", "DoNotCall"], ["HasOptedOutOfFax"])),
        ("Address Information", (["Address"], [])),
    ]
    return _dynamic_forms("Lead_Record_Page", "Lead Record Page", "Lead", sections, path_assistant=True)


def person_account_dynamic_forms() -> bytes:
    sections = [
        (
            "Person Information",
            (
                ["Name", "PersonTitle", "PersonBirthdate", "PersonEmail", "Phone"],
                ["OwnerId", "PersonLeadSource", "PersonHasOptedOutOfEmail", "PersonDoNotCall"],
            ),
        ),
        ("Address Information", (["BillingAddress"], ["PersonMailingAddress"])),
    ]
    return _dynamic_forms("Person_Account_Record_Page", "Person Account Record Page", "Account", sections)


def business_account_dynamic_forms() -> bytes:
    sections = [
        (
            "Account Information",
            (["Name", "AccountNumber", "ParentId", "Type", "Industry"], ["OwnerId", "Phone", "Website", "Rating"]),
        ),
        ("Address Information", (["BillingAddress"], ["ShippingAddress"])),
    ]
    return _dynamic_forms("Business_Account_Record_Page", "Business Account Record Page", "Account", sections)


def contact_record_detail() -> bytes:
    page = _Page("Contact_Record_Detail_Page")
    main = [page.tabset(_related(page), ("Details", [page.component("force:detailPanel")]))]
    header = [page.component("force:highlightsPanel", [("collapsed", "false"), ("numVisibleActions", "3")])]
    return page.write("Contact Record Detail Page", "Contact", header, main, _activity(page))


def seed_pages(person_accounts: bool = True) -> dict[str, bytes]:
    """{FlexiPage member name: MDAPI file bytes} for the record pages a Dynamic Forms local org starts with;
    the person-account page only where person accounts are on (its person fields exist only there)."""
    pages = {
        "Contact_Record_Page": contact_dynamic_forms(),
        "Lead_Record_Page": lead_dynamic_forms(),
        "Person_Account_Record_Page": person_account_dynamic_forms(),
        "Business_Account_Record_Page": business_account_dynamic_forms(),
        "Contact_Record_Detail_Page": contact_record_detail(),
    }
    if not person_accounts:
        del pages["Person_Account_Record_Page"]
    return pages
