"""sObject Tree inserts: records with their child records nested under the parent's relationship name, created
together or not at all (REST API Developer Guide, "sObject Tree"). Each child's lookup to its parent is set from
the parent's new id; a failing record fails the whole tree and the records already created are deleted again,
so the org is as it was (ids once handed out are not reused, as in Salesforce).
"""

from dataclasses import dataclass


@dataclass
class Node:
    ref: str
    obj: str
    values: dict
    parent: int | None = None  # index of the parent node
    lookup: str | None = None  # the child's field pointing at the parent
    depth: int = 0


def insert(org, nodes: list[Node]) -> tuple[dict[str, str], dict[str, list[dict]]]:
    """({referenceId: new id}, {}) when every record is created, else ({}, {referenceId: errors})."""
    ids: dict[int, str] = {}
    created: list[tuple[str, str]] = []
    for depth in sorted({n.depth for n in nodes}):
        level = [i for i, n in enumerate(nodes) if n.depth == depth]
        errors: dict[str, list[dict]] = {}
        for obj in dict.fromkeys(nodes[i].obj for i in level):
            batch = [i for i in level if nodes[i].obj == obj]
            records = [
                dict(nodes[i].values, **({nodes[i].lookup: ids[nodes[i].parent]} if nodes[i].lookup else {}))
                for i in batch
            ]
            results = org.records.create_many(obj, records, org.visibility, owner=org.identity.user_id)
            for i, result in zip(batch, results, strict=True):
                if result["success"]:
                    ids[i] = result["id"]
                    created.append((obj, result["id"]))
                else:
                    errors[nodes[i].ref] = result["errors"]
        if errors:
            for obj, rid in reversed(created):
                org.records.delete_many(obj, [rid])
            return {}, errors
    return {nodes[i].ref: rid for i, rid in sorted(ids.items())}, {}
