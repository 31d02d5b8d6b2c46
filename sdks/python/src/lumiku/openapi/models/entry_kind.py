from enum import StrEnum


class EntryKind(StrEnum):
    ADJUSTMENT = "adjustment"
    BONUS = "bonus"
    GRANT = "grant"
    PURCHASE = "purchase"
    REFUND = "refund"
    USAGE = "usage"

    def __str__(self) -> str:
        return str(self.value)
