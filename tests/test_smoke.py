from conftest import run


def test_validate_basic_fixture_is_clean(kb_root):
    result = run("validate", "--root", kb_root)
    assert result.exit_code == 0
    assert result.stdout == "No problems in 6 files\n"
