"""Every interface string has its Simplified Chinese translation, and none is missing from the catalogue."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR, "locale/zh_Hans/LC_MESSAGES/django.po")
SOURCES = ["apps", "config", "templates", "manage.py"]


def test_every_entry_is_translated_and_none_is_fuzzy():
    catalogue = polib.pofile(str(CATALOGUE))
    assert catalogue.untranslated_entries() == []
    assert catalogue.fuzzy_entries() == []


def test_the_catalogue_holds_every_string_of_the_code_and_templates(tmp_path):
    for name in SOURCES:
        source = Path(settings.BASE_DIR, name)
        if source.is_dir():
            shutil.copytree(source, tmp_path / name)
        else:
            shutil.copy(source, tmp_path / name)
    shutil.copytree(CATALOGUE.parent.parent.parent, tmp_path / "locale")
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-location", "-v", "0"],
        cwd=tmp_path,
        check=True,
        timeout=120,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "PYTHONPATH": str(tmp_path),
        },
    )
    fresh = polib.pofile(str(tmp_path / "locale/zh_Hans/LC_MESSAGES/django.po"))
    missing = [entry.msgid for entry in fresh.untranslated_entries() if not entry.obsolete]
    assert missing == [], "run makemessages and translate these strings"
