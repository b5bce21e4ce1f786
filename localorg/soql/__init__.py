"""The SOQL the local org understands: lexer, parser and executor over its records.

Supported (what Salesforce has beyond it is refused as NOT_MODELLED_BY_LOCAL_ORG, anything else with Salesforce's
error shapes, never a crash):

  SELECT item, ... FROM Object [WHERE condition] [GROUP BY path, ...]
         [ORDER BY path|aggregate [ASC|DESC] [NULLS FIRST|LAST], ...] [LIMIT n] [OFFSET n]

  item       Field | Parent.Field (one level: Individual.HasOptedOutTracking, Owner.Name, Account.Name)
             | COUNT() | COUNT|COUNT_DISTINCT|SUM|AVG|MIN|MAX(path) [alias] | FIELDS(ALL|STANDARD|CUSTOM)
             | (SELECT ... FROM ChildRelationship [WHERE ...] [ORDER BY ...] [LIMIT n])
  condition  comparisons joined by AND or by OR (mixing both needs parentheses, as in SOQL),
             NOT (...), parentheses
  comparison path = != <> < <= > >= value | path [NOT] IN (value, ...) | path LIKE 'pattern'
  value      'string' (escapes \\' \\" \\\\ \\n \\r \\t \\b \\f \\% \\_), number, true, false, null,
             date (2026-11-27, against date fields), dateTime (2026-11-27T07:00:00Z, ...000Z, ...+01:00, against
             dateTime fields, compared as instants), date literal (TODAY, LAST_N_DAYS:7 ..., dates.py)

Keywords and field names are case-insensitive; string equality and LIKE are case-insensitive, as
in Salesforce. Results over 2,000 rows are paged (`done`, `nextRecordsUrl`). Aggregates answer AggregateResult
records (aggregate.py); `columns=true` answers column metadata (columns.py); bulk.py says what Bulk API query
jobs refuse.

Errors are SoqlError(error_code, message): MALFORMED_QUERY for syntax, INVALID_TYPE for an object
that does not exist, INVALID_FIELD for a field the object lacks.
"""

from localorg.soql.bulk import bulk_unsupported
from localorg.soql.columns import columns
from localorg.soql.executor import Source, execute
from localorg.soql.lexer import SoqlError
from localorg.soql.parser import Aggregate, Count, Path, parse

__all__ = ["Aggregate", "bulk_unsupported", "Count", "columns", "Path", "Source", "SoqlError", "execute", "parse"]
