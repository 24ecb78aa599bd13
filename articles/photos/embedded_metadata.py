"""Descriptive metadata embedded in a photo: title, caption, credit, copyright, keywords.

Read from XMP (parsed by Pillow with defusedxml), IPTC and EXIF, in that order
of preference, to pre-fill the library form for the editor to confirm. Every
value is untrusted input: it is cleaned like typed text and cut to the field's
length; keywords are offered as tags only after the same checks. Nothing read
here ever reaches a storage path. A malformed block is ignored, never an error.
"""

import logging
from dataclasses import dataclass, field

from PIL import Image as PILImage
from PIL import IptcImagePlugin

from articles.text import clean_text

logger = logging.getLogger(__name__)

DC = "{http://purl.org/dc/elements/1.1/}"
PHOTOSHOP = "{http://ns.adobe.com/photoshop/1.0/}"
RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"

IPTC_TITLE, IPTC_HEADLINE = (2, 5), (2, 105)
IPTC_CAPTION, IPTC_BYLINE = (2, 120), (2, 80)
IPTC_CREDIT, IPTC_COPYRIGHT, IPTC_KEYWORDS = (2, 110), (2, 116), (2, 25)
EXIF_DESCRIPTION, EXIF_ARTIST, EXIF_COPYRIGHT, EXIF_XPTITLE = 270, 315, 33432, 0x9C9B

# The library fields' lengths (see articles.models.Image).
MAX_LENGTHS = {"title": 255, "caption": 1000, "credit": 200, "licence": 300}
MAX_KEYWORDS = 20
MAX_KEYWORD_LENGTH = 100


@dataclass(frozen=True)
class EmbeddedMetadata:
    title: str = ""
    caption: str = ""
    credit: str = ""
    licence: str = ""
    keywords: tuple[str, ...] = field(default=())

    def prefill_values(self) -> dict[str, str]:
        """The non-empty text fields, keyed like the library form's fields."""
        values = {name: getattr(self, name) for name in MAX_LENGTHS}
        return {name: value for name, value in values.items() if value}


def read_embedded_metadata(image: PILImage.Image) -> EmbeddedMetadata:
    """The photo's descriptive metadata, cleaned; empty where the file has none.

    Each source maps a property to its list of values (several creators, many
    keywords); the first source that has a property wins.
    """
    sources = [
        _safely(_xmp_properties, image),
        _safely(_iptc_values, image),
        _safely(_exif_values, image),
    ]

    def first(*keys, joined=False):
        for source in sources:
            for key in keys:
                if values := source.get(key):
                    return "; ".join(values) if joined else values[0]
        return ""

    creator = first(DC + "creator", IPTC_BYLINE, EXIF_ARTIST, joined=True)
    agency = first(PHOTOSHOP + "Credit", IPTC_CREDIT)
    values = {
        "title": first(
            DC + "title",
            PHOTOSHOP + "Headline",
            IPTC_TITLE,
            IPTC_HEADLINE,
            EXIF_XPTITLE,
        ),
        "caption": first(DC + "description", IPTC_CAPTION, EXIF_DESCRIPTION),
        "credit": " / ".join(dict.fromkeys(part for part in (creator, agency) if part)),
        "licence": first(DC + "rights", IPTC_COPYRIGHT, EXIF_COPYRIGHT),
    }
    cleaned = {
        name: clean_text(value, multiline=name == "caption")[
            : MAX_LENGTHS[name]
        ].strip()
        for name, value in values.items()
    }
    keywords = next(
        (
            values
            for source in sources
            for key in (DC + "subject", IPTC_KEYWORDS)
            if (values := source.get(key))
        ),
        [],
    )
    return EmbeddedMetadata(**cleaned, keywords=clean_keywords(keywords))


def clean_keywords(values: list[str]) -> tuple[str, ...]:
    """Keywords fit to be tags: cleaned, short, without the tag separators, unique."""
    keywords = {}
    for value in values:
        keyword = clean_text(value.replace(",", " ").replace('"', ""))
        if keyword and len(keyword) <= MAX_KEYWORD_LENGTH:
            keywords.setdefault(keyword.lower(), keyword)
    return tuple(keywords.values())[:MAX_KEYWORDS]


def _safely(reader, image) -> dict[object, list[str]]:
    try:
        return reader(image)
    except Exception as error:  # any parser's complaint about hostile metadata
        logger.warning("embedded metadata ignored (%s): %s", reader.__name__, error)
        return {}


# --- XMP ----------------------------------------------------------------------------


def _texts(node) -> list[str]:
    """Every text value under an XMP property (plain, rdf:Alt, rdf:Seq or rdf:Bag)."""
    if node is None:
        return []
    if isinstance(node, str):
        return [node] if node.strip() else []
    if isinstance(node, list):
        return [text for item in node for text in _texts(item)]
    if isinstance(node, dict):
        if "text" in node:
            return _texts(node["text"])
        return [
            text
            for key, value in node.items()
            if key.startswith(RDF) and not key.endswith(("}about", "}parseType"))
            for text in _texts(value)
        ]
    return []


def _descriptions(node):
    """Every rdf:Description under the packet, wherever the writer nested it."""
    if isinstance(node, list):
        for item in node:
            yield from _descriptions(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == RDF + "Description":
                yield from (value if isinstance(value, list) else [value])
            else:
                yield from _descriptions(value)


def _xmp_properties(image: PILImage.Image) -> dict[str, list[str]]:
    xmp = image.info.get("xmp")
    if not xmp:
        return {}
    if isinstance(xmp, str):  # PNG's iTXt gives text, getxmp() expects bytes
        image.info["xmp"] = xmp.encode("utf-8")
    properties = {}
    for description in _descriptions(image.getxmp(strip_namespaces=False)):
        if isinstance(description, dict):
            for key, value in description.items():
                if (texts := _texts(value)) and key not in properties:
                    properties[key] = texts
    return properties


# --- IPTC and EXIF ---------------------------------------------------------------


def _decode(value: bytes) -> str:
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value.decode("latin-1")


def _iptc_values(image: PILImage.Image) -> dict[tuple, list[str]]:
    info = IptcImagePlugin.getiptcinfo(image) or {}
    values = {}
    for key, raw in info.items():
        items = raw if isinstance(raw, list) else [raw]
        if texts := [_decode(item) for item in items if isinstance(item, bytes)]:
            values[key] = texts
    return values


def _exif_values(image: PILImage.Image) -> dict[int, list[str]]:
    exif = image.getexif()
    values = {}
    for tag in (EXIF_DESCRIPTION, EXIF_ARTIST, EXIF_COPYRIGHT):
        value = exif.get(tag)
        if isinstance(value, bytes):
            value = _decode(value)
        if isinstance(value, str) and value.strip("\x00 "):
            values[tag] = [value.strip("\x00 ")]
    title = exif.get(EXIF_XPTITLE)
    if isinstance(title, bytes | tuple):
        text = bytes(title).decode("utf-16-le", "ignore").strip("\x00")
        if text:
            values[EXIF_XPTITLE] = [text]
    return values
