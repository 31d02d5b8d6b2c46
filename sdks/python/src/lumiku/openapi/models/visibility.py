from enum import StrEnum


class Visibility(StrEnum):
    BETA = "beta"
    PRIVATE = "private"
    PUBLIC = "public"

    def __str__(self) -> str:
        return str(self.value)
