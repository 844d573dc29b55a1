import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(
    [
        *(ROOT / "directory" / "templates" / "directory").glob("*.html"),
        *(ROOT / "workspace" / "templates" / "workspace").glob("*.html"),
    ]
)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_templates_carry_no_inline_script_style_or_safe_filter(template):
    text = template.read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)", text)
    assert "<style" not in text
    assert not re.search(r"\sstyle=", text)
    assert "|safe" not in text
