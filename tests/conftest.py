"""Shared by every test folder: pytest puts this folder on sys.path, so helpers such as
`published_schemas` import by their bare name from tests/unit and tests/acceptance alike."""
