"""Contact details are one list (model.CONTACT_FIELDS), and listing decides where they show."""

from __future__ import annotations

import pytest

from tool import listing
from tool.model import CONTACT_FIELDS
from tool.store.loading import load


@pytest.mark.parametrize("what", ["people", "interviews"])
@pytest.mark.parametrize("private", [False, True])
def test_the_csv_header_is_the_fields_of_the_rows(kb_root, what, private):
    rows = listing.rows(load(kb_root), what, private=private)
    assert rows
    assert all(list(row) == listing.fields(what, private) for row in rows)


@pytest.mark.parametrize(
    ("what", "private", "contacts"),
    [("people", False, []), ("people", True, list(CONTACT_FIELDS)), ("interviews", True, [])],
)
def test_contact_details_only_when_asked_for(what, private, contacts):
    columns = {key for key, _, _ in listing.columns(what, private)}
    shown = set(listing.fields(what, private)) | columns
    assert sorted(shown & set(CONTACT_FIELDS)) == sorted(contacts)


def test_private_columns_are_the_contact_fields():
    assert [key for key, _, _ in listing.PRIVATE_COLUMNS] == list(CONTACT_FIELDS)


@pytest.mark.parametrize(("what", "default"), [("people", "name"), ("interviews", "date")])
def test_rows_sort_by_the_default_key(kb_root, what, default):
    kb = load(kb_root)
    assert listing.SORTS[what][0] == default
    assert listing.rows(kb, what) == listing.rows(kb, what, sort=default)
