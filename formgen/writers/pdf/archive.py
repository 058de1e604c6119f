"""What makes a PDF archival (PDF/A-2a) and identifiable as accessible (PDF/UA-1): XMP metadata
consistent with the document information dictionary, and an sRGB output intent.

PDF/A-2 level a, not u: formgen's PDFs are tagged throughout (every piece of
content is in the structure tree or an artifact) and map every glyph to
Unicode, which is what level a adds to u; declaring it lets archives check it.
The sRGB profile (``sRGB.icc``) was generated once with LittleCMS 2 through
Pillow (``ImageCms.createProfile("sRGB")``): LittleCMS marks its built-in
profile "No copyright, use freely".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from importlib.resources import files
from typing import TYPE_CHECKING

from ... import __version__
from .embed import compressed
from .syntax import name, ref, text

if TYPE_CHECKING:
    from .stream import PdfStream

PRODUCER = f"formgen {__version__}"
SRGB = "sRGB IEC61966-2.1"

_XML_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def escape(value: str) -> str:
    """``value`` as XML character data (xml.sax.saxutils.escape, whose import pulls in urllib and
    ssl: 11 ms of every build's start)."""
    return value.translate(_XML_TEXT)


@dataclass(frozen=True)
class DocumentInfo:
    title: str
    author: str
    subject: str
    keywords: list[str]
    language: str
    when: datetime


def info_dictionary(info: DocumentInfo) -> bytes:
    """The document information dictionary, the same as the XMP's."""
    date = info.when.strftime("D:%Y%m%d%H%M%S+00'00'")
    values = {
        "/Title": info.title,
        "/Author": info.author,
        "/Subject": info.subject,
        "/Keywords": ", ".join(info.keywords),
        "/Creator": "formgen",
        "/Producer": PRODUCER,
        "/CreationDate": date,
        "/ModDate": date,
    }
    return b"<<" + b"".join(name(key[1:]) + text(value) for key, value in values.items()) + b">>"


def xmp(info: DocumentInfo) -> bytes:
    """The XMP packet: the same title, author, subject, keywords and dates as the Info dictionary,
    the language, and the PDF/A-2a and PDF/UA-1 identification (with the extension schema PDF/A
    asks for pdfuaid, which is not one of its predefined schemas)."""
    when = info.when.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    title, author, subject = (escape(info.title), escape(info.author), escape(info.subject))
    keywords = escape(", ".join(info.keywords))
    lang = escape(info.language)
    packet = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about=""
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
 xmlns:xmp="http://ns.adobe.com/xap/1.0/"
 xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"
 xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/"
 xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
 xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"
 xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{subject}</rdf:li></rdf:Alt></dc:description>
<dc:language><rdf:Bag><rdf:li>{lang}</rdf:li></rdf:Bag></dc:language>
<dc:format>application/pdf</dc:format>
<pdf:Producer>{escape(PRODUCER)}</pdf:Producer>
<pdf:Keywords>{keywords}</pdf:Keywords>
<xmp:CreatorTool>formgen</xmp:CreatorTool>
<xmp:CreateDate>{when}</xmp:CreateDate>
<xmp:ModifyDate>{when}</xmp:ModifyDate>
<xmp:MetadataDate>{when}</xmp:MetadataDate>
<pdfaid:part>2</pdfaid:part>
<pdfaid:conformance>A</pdfaid:conformance>
<pdfuaid:part>1</pdfuaid:part>
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
<pdfaProperty:name>part</pdfaProperty:name>
<pdfaProperty:valueType>Integer</pdfaProperty:valueType>
<pdfaProperty:category>internal</pdfaProperty:category>
<pdfaProperty:description>Indicates, which part of ISO 14289 standard is followed</pdfaProperty:description>
</rdf:li></rdf:Seq></pdfaSchema:property>
</rdf:li></rdf:Bag></pdfaExtension:schemas>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    return packet.encode("utf-8")


def metadata_stream(out: PdfStream, info: DocumentInfo) -> int:
    """The XMP as the catalog's Metadata stream (PDF/A: not compressed, so it can be found)."""
    number = out.reserve()
    out.put_stream(number, b"/Type/Metadata/Subtype/XML", xmp(info))
    return number


def output_intent(out: PdfStream) -> int:
    """The sRGB output intent every colour of the document is meant in."""
    profile, intent = out.reserve(), out.reserve()
    out.put_stream(
        profile, b"/Filter/FlateDecode/N 3", compressed(files(__package__).joinpath("sRGB.icc").read_bytes())
    )
    out.put(
        intent,
        b"<</Type/OutputIntent/S/GTS_PDFA1/OutputConditionIdentifier %s/Info %s/RegistryName %s/DestOutputProfile %s>>"
        % (text(SRGB), text(SRGB), text("http://www.color.org"), ref(profile)),
    )
    return intent
