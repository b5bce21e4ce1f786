"""Source tracking of a scratch org: one Tooling API SourceMember row per metadata component a deploy
changed, with the org-wide revision counter at its last change (Tooling API Reference: SourceMember).

Scratch orgs track source; other local orgs do not (their Tooling API has no SourceMember, as an org
without tracking answers). Kept in DIR/source-members.json.
"""

import json
import threading
from pathlib import Path

from localorg.files import write_atomic
from localorg.models.ids import sf_id

KEY_PREFIX = "0MZ"


class SourceMembers:
    """The SourceMember rows of one org."""

    def __init__(self, path: Path, user_id: str):
        self.path = Path(path)
        self.user_id = user_id
        self._lock = threading.Lock()
        if self.path.is_file():
            data = json.loads(self.path.read_text(encoding="utf-8"))
            self.revision, self.members = data["revision"], data["members"]
        else:
            self.revision, self.members = 0, []

    def _save(self) -> None:
        data = {"revision": self.revision, "members": self.members}
        write_atomic(self.path, json.dumps(data).encode("utf-8"))

    def changed(self, components: list[tuple[str, str]], stamp: str) -> None:
        """Record (type, member) pairs a deploy created or changed."""
        if not components:
            return
        with self._lock:
            by_key = {(m["MemberType"], m["MemberName"]): m for m in self.members}
            for type_name, member in components:
                self.revision += 1
                row = by_key.get((type_name, member))
                if row is None:
                    row = {
                        "Id": sf_id(KEY_PREFIX, len(self.members) + 1),
                        "MemberType": type_name,
                        "MemberName": member,
                        "MemberIdOrName": member,
                        "IsNameObsolete": False,
                        "IsNewMember": True,
                        "ChangedBy": self.user_id,
                        "CreatedDate": stamp,
                    }
                    self.members.append(row)
                    by_key[(type_name, member)] = row
                else:
                    row["IsNewMember"] = False
                row.update({"RevisionCounter": self.revision, "RevisionNum": self.revision, "LastModifiedDate": stamp})
            self._save()

    def rows(self) -> list[dict]:
        with self._lock:
            return [dict(m) for m in self.members]

    def set_revision_counter(self, member_id: str, value: int) -> bool:
        """What `PATCH tooling/sobjects/SourceMember/<id>` may change; False if there is no such row."""
        with self._lock:
            row = next((m for m in self.members if m["Id"][:15] == member_id[:15]), None)
            if row is None:
                return False
            row["RevisionCounter"] = value
            self._save()
            return True
