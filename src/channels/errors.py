class ChannelError(Exception):
    """A channel could not deliver; `retryable` says whether trying later can help."""

    def __init__(self, message: str, *, retryable: bool):
        super().__init__(message)
        self.retryable = retryable
