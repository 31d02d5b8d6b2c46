from enum import StrEnum


class InvoiceGeneratorStatus(StrEnum):
    DRAFT = "draft"
    OVERDUE = "overdue"
    PAID = "paid"
    SENT = "sent"
    VOID = "void"

    def __str__(self) -> str:
        return str(self.value)
