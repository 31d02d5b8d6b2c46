from enum import StrEnum


class TaskSchedulerTaskActionHttpType(StrEnum):
    HTTP = "http"

    def __str__(self) -> str:
        return str(self.value)
