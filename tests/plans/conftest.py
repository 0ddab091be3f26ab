"""The test province's 2025 cycle (communes A and B), re-exported for the plans' tests."""

from tests.assessments.conftest import Year, year  # noqa: F401
from tests.scoring.conftest import scored  # noqa: F401
