"""Python runtime shared by the generated Airflow DAG files and Dagster definitions, as real
modules for tests and lint.

Each renderer writes the parts its file uses into that file (src/backends/airflow/runtime.ts,
src/backends/dagster/runtime-files.ts), so no worker imports this package.
"""
