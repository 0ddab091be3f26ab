class InvalidParentError(Exception):
    """The parent unit cannot hold a unit of this level."""
