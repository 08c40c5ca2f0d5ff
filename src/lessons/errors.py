"""The one error type the helpers raise for bad input, so notebooks can show a clear message."""


class LessonsDataError(ValueError):
    """Bad input data: the message names the file, the field or line, and what is wrong."""


def text_arg(text, name: str) -> str:
    """``text`` as a string for a text helper called `name`: None is no text; anything else
    that is not a string is refused with a clear message (one rule for every module)."""
    if text is None:
        return ""
    if not isinstance(text, str):
        raise LessonsDataError(f"{name}: expected text (a string), got {type(text).__name__}")
    return text
