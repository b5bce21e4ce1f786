"""The checker of the docs' real-run blocks (scripts/real_runs.py), on texts made here: no run, no org.

A block matches what the tools print when only ids, times, ports, temporary paths or table alignment differ;
a documented output line altered by hand makes it stale."""

from scripts import real_runs

SNAP = "/tmp/snapshots/00DJjo2Pe1jX7N5MEK/20261202T054358.382395Z"
OTHER_SNAP = "/tmp/real-runs-x1/snapshots/00DzzzzzzzzzzzzzzZ/20261203T101010.000001Z"
FRESH = f"""$ cci task run restore_page_changes --org sim -o snapshot {SNAP}
Error: Option snapshot: {SNAP} was taken from org 00DJjo2Pe1jX7N5MEK (sim)
  Contact         Contact Layout        has IndividualId   OK
local org 00DJjo2Pe1jX7N5MEK serving at https://127.0.0.1:37453 (state /tmp/myorg)
checked_at 2026-12-02T05:43:59+00:00"""

# The same run another day: other ids, times, port, temporary folder and column widths.
ANOTHER_RUN = f"""$ cci task run restore_page_changes --org sim -o snapshot {OTHER_SNAP}
Error: Option snapshot: {OTHER_SNAP} was taken from org 00DzzzzzzzzzzzzzzZ (sim)
  Contact   Contact Layout   has IndividualId     OK
local org 00DzzzzzzzzzzzzzzZ serving at https://127.0.0.1:41234 (state /tmp/myorg)
checked_at 2026-12-03T10:10:10+00:00"""


def doc(body: str, name: str = "restore-other-org") -> str:
    return f"# Title\n\nSome prose.\n\n<!-- real-run: {name} -->\n```\n{body}\n```\n<!-- /real-run -->\n\nMore prose.\n"


def write(tmp_path, text):
    path = tmp_path / "docs.md"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_block_matches_another_run_of_the_same_commands(tmp_path):
    path = write(tmp_path, doc(FRESH))
    assert real_runs.stale([path], {"restore-other-org": ANOTHER_RUN}, root=tmp_path) == []


def test_a_documented_output_line_altered_by_hand_is_stale(tmp_path):
    altered = FRESH.replace("was taken from org", "was made in org")
    path = write(tmp_path, doc(altered))
    [problem] = real_runs.stale([path], {"restore-other-org": FRESH}, root=tmp_path)
    assert problem.startswith("docs.md: block restore-other-org is stale (line 2: the doc has ")
    assert "was made in org" in problem and "was taken from org" in problem


def test_a_line_left_out_or_added_is_stale(tmp_path):
    lines = FRESH.splitlines()
    for body in ("\n".join(lines[:-1]), FRESH + "\nan extra line"):
        assert real_runs.stale([write(tmp_path, doc(body))], {"restore-other-org": FRESH}, root=tmp_path)


def test_a_changed_value_that_is_not_an_id_time_port_or_path_is_stale(tmp_path):
    path = write(tmp_path, doc(FRESH.replace("has IndividualId", "has PersonIndividualId")))
    assert real_runs.stale([path], {"restore-other-org": FRESH}, root=tmp_path)


def test_a_block_no_run_makes_is_named(tmp_path):
    path = write(tmp_path, doc(FRESH, name="nothing-makes-this"))
    [problem] = real_runs.stale([path], {"restore-other-org": FRESH}, root=tmp_path)
    assert "block nothing-makes-this: no run makes a block of that name (known: restore-other-org)" in problem


def test_rewrite_puts_the_excerpt_in_the_block_and_leaves_the_prose():
    text = doc("an old line")
    new = real_runs.rewrite(text, {"restore-other-org": FRESH})
    assert new == doc(FRESH) and real_runs.rewrite(new, {"restore-other-org": FRESH}) == new
    assert real_runs.rewrite(text, {}) == text  # a block no run makes is left as it is
    assert real_runs.rewrite(new, {"restore-other-org": ANOTHER_RUN}) == new  # ids, times, ports alone: no change
    assert real_runs.blocks(new) == [("restore-other-org", f"```\n{FRESH}\n```\n")]


def test_normalise_keeps_what_the_tool_decides():
    assert real_runs.normalise("Deployed 9 layout(s)  at 2026-12-02T05:43:59Z") == "Deployed 9 layout(s)  at <time>"
    assert real_runs.normalise("[12/02/26 05:41:58] Running task: x   \n\n") == "<time> Running task: x"
    assert real_runs.normalise("https://localhost:8443/x /tmp/a/b.json") == "https://localhost:<port>/x <tmp>"
    assert "Contact Layout" in real_runs.normalise("Contact Layout")  # one space is text, kept


CCI_OUTPUT = """[12/02/26 05:41:58] ============================================================
                    Initializing flow: FlowCoordinator (enable_individual_email_tracking)
                    ------------------------------------------------------------
                    Running task: add_individual_field_to_layouts
                    ------------------------------------------------------------

                    Options:
                      dry_run: False
                      snapshot_dir: /tmp/x
                    Token refreshed by an earlier task moments ago; not refreshing again.
                    Beginning task: AddIndividualFieldToLayouts

                      will add the field: Contact: A Layout
                      will add the field: Contact: B Layout
                      will add the field: Contact: C Layout
                      will add the field: Lead: D Layout
[12/02/26 05:42:00] deploy: started
                    [Done]
                    Deployed in one deploy: 4 layout(s) with the Individual field; 0 layout(s) already had it.
"""


def test_task_lines_cut_cci_chatter_and_collapse_shortens_runs_of_similar_lines():
    lines = real_runs.task_lines(CCI_OUTPUT)
    assert lines == [
        "Running task: add_individual_field_to_layouts",
        "  will add the field: Contact: A Layout",
        "  will add the field: Contact: B Layout",
        "  will add the field: Contact: C Layout",
        "  will add the field: Lead: D Layout",
        "Deployed in one deploy: 4 layout(s) with the Individual field; 0 layout(s) already had it.",
    ]
    short = real_runs.collapse(lines, lambda line: line.startswith("  will add"))
    assert short[1:4] == ["  will add the field: Contact: A Layout", "  ...", "  will add the field: Lead: D Layout"]


def test_the_admin_email_cci_adds_only_where_git_knows_one_does_not_count(tmp_path):
    command = "Creating scratch org with command: sf org create scratch --json  -f orgs/dev.json -w 120"
    path = write(tmp_path, doc(command + " --admin-email=someone@example.com", "scratch"))
    assert real_runs.stale([path], {"scratch": command}, root=tmp_path) == []
    assert real_runs.stale([path], {"scratch": command.replace("dev.json", "qa.json")}, root=tmp_path) != []
