from enum import StrEnum


class CallbackOutcome(StrEnum):
    ALREADY_SETTLED = "already_settled"
    DUPLICATE = "duplicate"
    FAILED = "failed"
    IGNORED = "ignored"
    SETTLED = "settled"

    def __str__(self) -> str:
        return str(self.value)
