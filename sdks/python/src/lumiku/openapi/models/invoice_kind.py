from enum import StrEnum


class InvoiceKind(StrEnum):
    CREDITS = "credits"
    MANUAL = "manual"
    SUBSCRIPTION = "subscription"

    def __str__(self) -> str:
        return str(self.value)
