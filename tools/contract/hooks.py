"""Schemathesis hooks for Lumiku's contract run (tools/contract/run.sh)."""
import re
import uuid

import schemathesis

VALID_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    # A well-formed Idempotency-Key is made unique per request: a generator reuses short keys
    # across different bodies, which the server rightly refuses (422 idempotency_key_reused).
    # Replays with the same key are tested by the API tests and the SDK suites; a malformed key
    # is left as generated, so its 400 is still checked.
    headers = case.headers or {}
    for name in list(headers):
        if name.lower() == "idempotency-key" and VALID_KEY.match(str(headers[name])):
            headers[name] = str(uuid.uuid4())
