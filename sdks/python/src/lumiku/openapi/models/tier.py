from enum import StrEnum


class Tier(StrEnum):
    BASIC = "basic"
    ENTERPRISE = "enterprise"
    FREE = "free"
    PRO = "pro"

    def __str__(self) -> str:
        return str(self.value)
