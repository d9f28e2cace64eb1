"""Test-only: points Google's Python clients at the fake Google APIs (tests/support/fake-google).

Python imports this module at start when its folder is on PYTHONPATH. It does nothing unless
SLO_FAKE_GOOGLE names the fake (host:port on 127.0.0.1). Then every gRPC channel that
google-api-core opens, sync or asyncio, is a plaintext channel to the fake, whatever endpoint the
client was given (a regional Dataproc endpoint, Cloud Run's global one), and Application Default
Credentials are anonymous: no client looks for a key or a metadata server, and no token is ever
sent. Never part of generated files: only tests put this folder on PYTHONPATH.
"""

import os

_ENDPOINT = os.environ.get("SLO_FAKE_GOOGLE", "")

if _ENDPOINT:
    import google.auth
    import grpc
    from google.api_core import grpc_helpers, grpc_helpers_async
    from google.auth.credentials import AnonymousCredentials

    if not _ENDPOINT.startswith("127.0.0.1:"):
        raise SystemExit(f"SLO_FAKE_GOOGLE must be 127.0.0.1:PORT, not {_ENDPOINT!r}")

    def _channel(*_args, **_kwargs):
        return grpc.insecure_channel(_ENDPOINT)

    def _aio_channel(*_args, **_kwargs):
        return grpc.aio.insecure_channel(_ENDPOINT)

    def _anonymous(*_args, **_kwargs):
        return AnonymousCredentials(), os.environ.get("SLO_FAKE_GOOGLE_PROJECT")

    grpc_helpers.create_channel = _channel
    grpc_helpers_async.create_channel = _aio_channel
    google.auth.default = _anonymous
    # The Airflow provider's hooks read their connection first: an empty one is enough.
    os.environ.setdefault(
        "AIRFLOW_CONN_GOOGLE_CLOUD_DEFAULT", '{"conn_type": "google_cloud_platform"}'
    )
