"""The Word files' parts validate against the ISO/IEC 29500 transitional schemas (ECMA-376 Part 4).

The schemas are not ours to commit: point OOXML_SCHEMAS at a folder holding `ISO-IEC29500-4_2016/`
(wml.xsd, dml-main.xsd, shared-*.xsd), `ecma/fouth-edition/` (opc-*.xsd) and `mce/mc.xsd`, as the
public anthropics/skills repository carries them under skills/docx/scripts/office/schemas/. Without
it these tests are skipped. docProps/core.xml is not validated: its schema needs Dublin Core's.
"""

from __future__ import annotations

import os
import zipfile
from functools import lru_cache
from pathlib import Path

import pytest
from lxml import etree

from compiler.content.loader import load_brief
from compiler.doctypes import document_type
from compiler.document import BuildOptions
from compiler.render import render_html
from compiler.writers import docx as docx_writer
from tests.writers.references import LIBREOFFICE, find_pandoc, libreoffice_reference, pandoc_reference

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = Path(os.environ.get("OOXML_SCHEMAS", "/nonexistent"))
TRANSITIONAL = SCHEMAS / "ISO-IEC29500-4_2016"
MARKUP_COMPATIBILITY = "http://schemas.openxmlformats.org/markup-compatibility/2006"
SCHEMA_OF_ROOT = {
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main": "ISO-IEC29500-4_2016/wml.xsd",
    "http://schemas.openxmlformats.org/drawingml/2006/main": "ISO-IEC29500-4_2016/dml-main.xsd",
    "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties":
        "ISO-IEC29500-4_2016/shared-documentPropertiesExtended.xsd",
    "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties":
        "ISO-IEC29500-4_2016/shared-documentPropertiesCustom.xsd",
    "http://schemas.openxmlformats.org/officeDocument/2006/bibliography": "ISO-IEC29500-4_2016/shared-bibliography.xsd",
    "http://schemas.openxmlformats.org/officeDocument/2006/customXml":
        "ISO-IEC29500-4_2016/shared-customXmlDataProperties.xsd",
    "http://schemas.openxmlformats.org/package/2006/content-types": "ecma/fouth-edition/opc-contentTypes.xsd",
    "http://schemas.openxmlformats.org/package/2006/relationships": "ecma/fouth-edition/opc-relationships.xsd",
}
NOT_VALIDATED = {"http://schemas.openxmlformats.org/package/2006/metadata/core-properties"}

pytestmark = pytest.mark.skipif(not (TRANSITIONAL / "wml.xsd").is_file(),
                                reason="set OOXML_SCHEMAS to a folder of the ISO/IEC 29500 transitional XSDs")


@lru_cache(maxsize=None)
def schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / name)))


def as_a_reader_sees_it(root: etree._Element) -> etree._Element:
    """The part after markup-compatibility processing (ISO 29500-3): what the Ignorable namespaces
    mark goes, and so do the mc: attributes themselves."""
    ignorable: set[str | None] = set()
    for element in root.iter():
        declared = element.get(f"{{{MARKUP_COMPATIBILITY}}}Ignorable")
        if declared:
            ignorable |= {element.nsmap.get(prefix) for prefix in declared.split()}
    for element in list(root.iter()):
        if element is not root and etree.QName(element).namespace in ignorable:
            element.getparent().remove(element)
            continue
        for name in list(element.attrib):
            if etree.QName(name).namespace in ignorable | {MARKUP_COMPATIBILITY}:
                del element.attrib[name]
    return root


def schema_errors(target: Path) -> list[str]:
    """Every part that does not validate, with the schema's first complaint."""
    errors = []
    with zipfile.ZipFile(target) as package:
        for name in package.namelist():
            if not name.endswith((".xml", ".rels")):
                continue
            root = etree.fromstring(package.read(name))
            namespace = etree.QName(root).namespace
            if namespace in NOT_VALIDATED:
                continue
            assert namespace in SCHEMA_OF_ROOT, f"{name}: a part with no schema here ({namespace})"
            checker = schema(SCHEMA_OF_ROOT[namespace])
            if not checker.validate(as_a_reader_sees_it(root)):
                errors.append(f"{name}:{checker.error_log[0].line}: {checker.error_log[0].message}")
    return errors


@pytest.fixture(scope="module")
def references(tmp_path_factory) -> dict[str, Path | None]:
    folder = tmp_path_factory.mktemp("references")
    return {"ours": None,
            "pandoc": pandoc_reference(folder) if find_pandoc() else None,
            "libreoffice": libreoffice_reference(folder / "libreoffice") if LIBREOFFICE else None}


@pytest.mark.parametrize("reference", ["ours", "pandoc", "libreoffice"])
@pytest.mark.parametrize("brief", ["content/sco-2012.yaml", "tests/cases/rtl/brief.yaml",
                                   "tests/cases/elsewhere-large/brief.yaml"])
@pytest.mark.parametrize("name", ["memo", "slides", "factsheet"])
def test_every_part_of_every_word_file_is_schema_valid(tmp_path, references, reference, brief, name):
    if reference != "ours" and references[reference] is None:
        pytest.skip(f"{reference} is not installed")
    options = BuildOptions(source_date_epoch=0, reference_docx=references[reference])
    target = tmp_path / f"{name}.docx"
    docx_writer.write(render_html(load_brief(ROOT / brief), document_type(name), options), target, options)
    assert schema_errors(target) == []


def test_the_reference_document_itself_is_schema_valid():
    assert schema_errors(ROOT / "templates" / "reference.docx") == []


def test_the_check_finds_what_the_issue_found(tmp_path):
    """The zoom the reference used to carry, without w:percent, fails (so a pass means something)."""
    broken = tmp_path / "zoom.docx"
    with zipfile.ZipFile(ROOT / "templates" / "reference.docx") as source, zipfile.ZipFile(broken, "w") as copy:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/settings.xml":
                data = data.replace(b'w:percent="100"', b"")
            copy.writestr(item, data)
    assert [error.split(":")[0] for error in schema_errors(broken)] == ["word/settings.xml"]
