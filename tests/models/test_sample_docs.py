"""docs/sample.md lists exactly the fields of models.Sample, in order, each with a unit."""

import dataclasses
import re
from pathlib import Path

from ncgain import models

PAGE = Path(__file__).parents[2] / "docs" / "sample.md"


def _table_rows():
    rows = []
    for line in PAGE.read_text().splitlines():
        match = re.match(r"^\| `([a-z_]+)` \|([^|]*)\|([^|]*)\|([^|]*)\|$", line)
        if match:
            rows.append(tuple(cell.strip() for cell in match.groups()))
    return rows


def test_sample_page_lists_exactly_the_dataclass_fields():
    rows = _table_rows()
    assert [r[0] for r in rows] == [f.name for f in dataclasses.fields(models.Sample)]
    for name, unit, default, meaning in rows:
        assert unit and default and len(meaning) > 15, name


def test_sample_page_defaults_match_the_dataclass():
    fields = {f.name: f for f in dataclasses.fields(models.Sample)}
    for name, _, default, _ in _table_rows():
        field = fields[name]
        if field.default is dataclasses.MISSING:
            assert default == "required", name
        else:
            shown = default.strip("`").strip('"')
            assert shown == str(field.default) or float(shown) == field.default, name


def test_readme_links_the_sample_page():
    readme = (PAGE.parents[1] / "README.md").read_text()
    assert "docs/sample.md" in readme
