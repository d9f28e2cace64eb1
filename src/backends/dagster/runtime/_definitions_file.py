"""Stand-ins for what each generated definitions file defines itself around the runtime: the
renderer writes the real values, so this file is never written into one (tests patch these)."""

from __future__ import annotations

# The format of the scheduled date and of the data interval's bounds sent to Starlake.
TIMESTAMP = "%Y-%m-%dT%H:%M:%S%z"
# The pipelines and the project's assets as data (see render-definitions.ts for their shape).
PIPELINES: dict = {}
ASSETS: dict = {}
