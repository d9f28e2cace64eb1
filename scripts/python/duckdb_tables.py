"""Print each table of a DuckDB file with its row count, opening the file read-only.

Usage: python duckdb_tables.py FILE [--json]
Text: one "schema.table<TAB>rows" line per table, sorted. JSON: {"schema.table": rows, ...}.
Exit 2 when the file is missing or not a DuckDB database.
"""

import json
import sys

import duckdb


def table_counts(path: str) -> dict[str, int]:
    con = duckdb.connect(path, read_only=True)
    try:
        tables = con.execute(
            "SELECT table_schema, table_name FROM information_schema.tables"
            " WHERE table_catalog = current_database() AND table_type = 'BASE TABLE'"
            " ORDER BY table_schema, table_name"
        ).fetchall()
        counts: dict[str, int] = {}
        for schema, name in tables:
            # identifiers quoted, so a name from a project is never read as SQL
            quoted = ".".join(
                '"' + part.replace('"', '""') + '"' for part in (schema, name)
            )
            row = con.execute(f"SELECT COUNT(*) FROM {quoted}").fetchone()
            counts[f"{schema}.{name}"] = int(row[0]) if row else 0
        return counts
    finally:
        con.close()


def main(argv: list[str]) -> int:
    args = [a for a in argv if a != "--json"]
    if len(args) != 1:
        print("usage: duckdb_tables.py FILE [--json]", file=sys.stderr)
        return 2
    try:
        counts = table_counts(args[0])
    except duckdb.Error as e:
        print(
            f"{args[0]}: not a readable DuckDB file: {e}".splitlines()[0],
            file=sys.stderr,
        )
        return 2
    if "--json" in argv:
        print(json.dumps(counts, sort_keys=True))
    else:
        for table, rows in counts.items():
            print(f"{table}\t{rows}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
