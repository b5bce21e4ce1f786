"""Carrying out a set_individual_privacy plan from the run's index: update, create, link, remove orphans.

A record's failure is reported and never undoes another record's success. Order: update existing
Individuals (each once, however many records share it); create the missing ones; link each to its
record; delete an Individual whose link failed, so a re-run creates it again instead of leaving an
orphan behind. Outcomes are written back to the index in batches, never gathered in memory.
"""

from functools import partial
from itertools import islice
from pathlib import Path

from email_privacy.errors import OrgError
from email_privacy.steps.individual_report import Report
from email_privacy.steps.match_index import BATCH, MatchIndex
from email_privacy.steps.record_writes import write


class _Batches:
    """Lists handed to `flush` every BATCH entries and at the end."""

    def __init__(self, flush):
        self.flush, self.items = flush, []

    def add(self, item) -> None:
        self.items.append(item)
        if len(self.items) >= BATCH:
            self.done()

    def done(self) -> None:
        if self.items:
            self.flush(self.items)
            self.items = []


def apply(client, index: MatchIndex, targets: dict, request, report: Report, folder) -> Report:
    """Carry out the plan held in `index`; counts go to `report`, failures to the index."""
    flag_cols = list(request.flags)
    flag_values = [request.flags[f] for f in flag_cols]
    report.already_set = index.count_already_set()
    if request.dry_run:
        report.updated = index.count_to_update()
        report.created = report.linked = index.count_to_create()
        return report
    step = partial(
        write,
        client,
        index,
        threshold=request.bulk_threshold,
        upload_limit=request.upload_limit,
        folder=Path(folder),
    )

    _update_individuals(index, step, flag_cols, flag_values, report)
    _create_individuals(index, step, flag_cols, flag_values)
    _link_records(index, targets, step, report)
    _remove_orphans(client, index, step)
    return report


def _update_individuals(index: MatchIndex, step, flag_cols, flag_values, report: Report) -> None:
    failures = _Batches(partial(index.fail_individuals, "update Individual"))
    updates = ((i, [i, *flag_values]) for i in index.individuals_to_update())
    for key, _, error in step("Individual", "update", ["Id", *flag_cols], updates, index.count_to_update()):
        if error is None:
            report.updated += 1
        else:
            failures.add((key, error))
    failures.done()


def _create_individuals(index: MatchIndex, step, flag_cols, flag_values) -> None:
    failures = _Batches(partial(index.fail_records, "create Individual"))
    created = _Batches(index.set_created)
    new_rows = ((seq, [first, last, *flag_values]) for seq, first, last in index.to_create())
    columns = ["FirstName", "LastName", *flag_cols]
    for seq, new_id, error in step("Individual", "insert", columns, new_rows, index.count_to_create()):
        if error is None:
            created.add((seq, new_id))
        else:
            failures.add((seq, error))
    created.done()
    failures.done()


def _link_records(index: MatchIndex, targets: dict, step, report: Report) -> None:
    """Point each record at its new Individual; a record that cannot be linked leaves an orphan to remove."""
    for name in index.linked_objects():
        lookup = targets[name].lookup
        failures = _Batches(partial(index.fail_records, "link Individual"))
        orphans = _Batches(index.set_orphans)
        links = ((seq, [rid, new_id]) for seq, rid, new_id in index.to_link(name))
        for seq, _, error in step(targets[name].sobject, "update", ["Id", lookup], links, index.count_to_link(name)):
            if error is None:
                report.linked += 1
                report.created += 1
            else:
                failures.add((seq, error))
                orphans.add(seq)
        failures.done()
        orphans.done()


def _remove_orphans(client, index: MatchIndex, step) -> None:
    count = index.count_orphans()
    if not count:
        return
    left, shown = 0, []
    try:
        rows = ((new_id, [new_id]) for _, new_id in index.orphans())
        for new_id, _, error in step("Individual", "delete", ["Id"], rows, count):
            if error is not None:
                left += 1
                if len(shown) < 10:
                    shown.append(new_id)
    except OrgError as exc:  # the link failures are already reported; say what is left behind
        client.progress(f"Could not remove unlinked Individuals: {exc}")
        left, shown = count, [i for _, i in islice(index.orphans(), 10)]
    if left:
        client.progress(
            f"{left} Individuals were created but could not be linked or removed: "
            f"{', '.join(shown)}{' ...' if left > 10 else ''}"
        )
