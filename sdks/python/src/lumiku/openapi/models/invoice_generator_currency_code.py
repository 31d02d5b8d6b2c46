from enum import StrEnum


class InvoiceGeneratorCurrencyCode(StrEnum):
    AUD = "AUD"
    EUR = "EUR"
    GBP = "GBP"
    IDR = "IDR"
    JPY = "JPY"
    MYR = "MYR"
    SGD = "SGD"
    USD = "USD"

    def __str__(self) -> str:
        return str(self.value)
