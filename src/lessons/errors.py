"""The one error type the helpers raise for bad input, so notebooks can show a clear message."""


class LessonsDataError(ValueError):
    """Bad input data: the message names the file, the field or line, and what is wrong."""
