"""Errors the assistant raises, with messages fit for users (Spanish)."""


class UserError(Exception):
    """Bad input: shown to the user as is, with a 4xx status."""

    def __init__(self, message: str, code: str = "entrada_invalida", status: int = 400):
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
