"""The SOQL subset the local org understands: lexer, parser and executor over its records.

Supported (anything else is refused with Salesforce's error shapes, never a crash):

  SELECT item, ... FROM Object [WHERE condition] [ORDER BY path [ASC|DESC] [NULLS FIRST|LAST], ...]
         [LIMIT n] [OFFSET n]

  item       Field | Parent.Field (one level: Individual.HasOptedOutTracking, Owner.Name, Account.Name)
             | COUNT() | COUNT(Field) [alias]
  condition  comparisons joined by AND or by OR (mixing both needs parentheses, as in SOQL),
             NOT (...), parentheses
  comparison path = != <> < <= > >= value | path [NOT] IN (value, ...) | path LIKE 'pattern'
  value      'string' (escapes \\' \\" \\\\ \\n \\r \\t \\b \\f \\% \\_), number, true, false, null,
             dateTime literal, unquoted: 2026-11-27T07:00:00Z, 2026-11-27T07:00:00.000Z, 2026-11-27T08:00:00+01:00
             (only against datetime fields, as in SOQL; compared as instants)

Keywords and field names are case-insensitive; string equality and LIKE are case-insensitive, as
in Salesforce. Results over 2,000 rows are paged (`done`, `nextRecordsUrl`).

Errors are SoqlError(error_code, message): MALFORMED_QUERY for syntax, INVALID_TYPE for an object
that does not exist, INVALID_FIELD for a field the object lacks.
"""

from .columns import columns
from .executor import Source, execute
from .lexer import SoqlError
from .parser import Aggregate, Count, Path, parse

__all__ = ["Aggregate", "Count", "columns", "Path", "Source", "SoqlError", "execute", "parse"]
