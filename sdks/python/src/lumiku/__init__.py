"""The Lumiku API from Python.

`lumiku.openapi` is generated from the API document (`sdks/openapi.json`, by openapi-python-client):
one module per operation under `lumiku.openapi.api.<tag>`, one class per schema in
`lumiku.openapi.models`. This package wraps it with what a Lumiku client needs: the access token
sent and refreshed (`Lumiku`, `AsyncLumiku`), the tenant header, an `Idempotency-Key` for metered
calls, and errors as typed exceptions (`unwrap`).
"""

from ._client import AsyncLumiku, Lumiku, Tokens, idempotency_key
from ._errors import InsufficientCreditsError, LumikuError, RateLimitedError, unwrap

__version__ = "0.1.0"

__all__ = [
    "AsyncLumiku",
    "InsufficientCreditsError",
    "Lumiku",
    "LumikuError",
    "RateLimitedError",
    "Tokens",
    "idempotency_key",
    "unwrap",
]
