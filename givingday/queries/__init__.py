"""Named SQL queries run by DuckDB on one pinned warehouse version: the SQL files and their
headers (`sql`), a reader of one version (`reader`), and this process's readers (`readers`)."""

from givingday.queries.reader import ROW_CAP, VersionReader, new_connection, set_time_zone
from givingday.queries.readers import read, reader, run
from givingday.queries.sql import (
    QUERIES_DIR,
    NamedQuery,
    NoData,
    Param,
    QueryError,
    internal_sql,
    named_queries,
    named_query,
)

__all__ = ["QUERIES_DIR", "ROW_CAP", "NamedQuery", "NoData", "Param", "QueryError", "VersionReader", "internal_sql",
           "named_queries", "named_query", "new_connection", "read", "reader", "run", "set_time_zone"]
