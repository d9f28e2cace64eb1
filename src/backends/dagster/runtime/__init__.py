"""The Python runtime of the generated Dagster definitions, as real modules for tests and lint.

The renderer writes the parts a definitions file uses into that file
(src/backends/dagster/render-definitions.ts), so a code location never imports this package.
Files whose name starts with `_` are never written.
"""
