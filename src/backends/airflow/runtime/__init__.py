"""The Python runtime of the generated Airflow DAG files, as real modules for tests and lint.

The renderer writes the parts a DAG file uses into that file (src/backends/airflow/render-dag.ts),
so a worker never imports this package. Files whose name starts with `_` are never written.
"""
