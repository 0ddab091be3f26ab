class PermissionDeniedError(Exception):
    """The acting user may not do this here."""


class RoleNotAllowedHereError(Exception):
    """This role cannot be granted on a unit of this level."""
