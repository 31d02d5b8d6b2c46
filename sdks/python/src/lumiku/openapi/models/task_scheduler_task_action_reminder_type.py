from enum import StrEnum


class TaskSchedulerTaskActionReminderType(StrEnum):
    REMINDER = "reminder"

    def __str__(self) -> str:
        return str(self.value)
