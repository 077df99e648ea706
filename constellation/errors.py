"""The one error type of the constellation's steps."""


class Failure(RuntimeError):
    """A step failed; ``service`` names the culprit (its log is shown)."""

    def __init__(self, msg, service=None):
        super().__init__(msg)
        self.service = service
