#!/usr/bin/env python3
"""Builds NotoSansSCCommon_{400Regular,700Bold}.ttf from the full Noto Sans SC faces next to this file.

The common faces hold the glyphs of GB 2312 (6,763 hanzi, its symbols and kana) plus ASCII,
Latin-1, general punctuation, CJK symbols and full-width forms, with the same outlines and
advance widths as the full faces. PDFsharp copies a face's whole hmtx and loca into every
subset it embeds, so a PDF drawn with a 7,000-glyph face deflates about a quarter of what one
drawn with the 30,898-glyph face does (docs/decisions/0054). A document with any character the
common face lacks is drawn with the full face (Infrastructure/Pdf/PdfFonts).

Run with Debian's fontTools (apt-get install python3-fonttools; 4.38 made the committed files):
    python3 InfoPortal/Assets/Fonts/make-common.py
"""
import os
import struct
from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.ttLib.tables.DefaultTable import DefaultTable

HERE = os.path.dirname(os.path.abspath(__file__))


def gb2312():
    chars = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes([hi, lo]).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    return chars


def ranges():
    spans = [
        (0x20, 0x7E),      # ASCII
        (0xA0, 0xFF),      # Latin-1
        (0x2000, 0x206F),  # general punctuation
        (0x2100, 0x214F),  # letterlike symbols (№, ℃)
        (0x2150, 0x218F),  # number forms (Ⅻ)
        (0x2190, 0x21FF),  # arrows
        (0x2460, 0x24FF),  # enclosed alphanumerics (①)
        (0x2500, 0x257F),  # box drawing
        (0x25A0, 0x25FF),  # geometric shapes (■ □ ○)
        (0x3000, 0x303F),  # CJK symbols and punctuation
        (0x3200, 0x32FF),  # enclosed CJK (㈠)
        (0xFE30, 0xFE4F),  # CJK compatibility forms
        (0xFF00, 0xFFEF),  # full-width forms
    ]
    return {c for a, b in spans for c in range(a, b + 1)}


def compact_cmap(mapping, glyph_ids):
    """A cmap with one format 4 subtable of few segments.

    PDFsharp finds a character's glyph by walking the format 4 segments one by one. GB 2312's
    hanzi are scattered over the CJK block, so the subsetter's cmap had 3,653 segments (the full
    face has 244) and the walk was a sixth of a render. Here runs closer than `gap` code points
    share a segment whose glyph array holds 0 (no glyph) for the characters in between.
    """
    codes = sorted(c for c in mapping if c < 0xFFFF)
    for gap in (4096, 2048, 1024, 512, 256, 128, 64, 32, 16, 8, 1):
        segments = []
        for code in codes:
            if segments and code - segments[-1][1] <= gap:
                segments[-1][1] = code
            else:
                segments.append([code, code])
        entries = sum(end - start + 1 for start, end in segments)
        count = len(segments) + 1
        length = 16 + 8 * count + 2 * entries
        if length <= 0xFFFF:
            break
    segments.append([0xFFFF, 0xFFFF])
    count = len(segments)
    log2 = count.bit_length() - 1
    search_range = 2 * (1 << log2)
    ends, starts, deltas, offsets, array = [], [], [], [], []
    for i, (start, end) in enumerate(segments):
        starts.append(start)
        ends.append(end)
        if start == 0xFFFF:
            deltas.append(1)
            offsets.append(0)
            continue
        deltas.append(0)
        offsets.append(2 * (count - i) + 2 * len(array))
        array.extend(glyph_ids[mapping[c]] if c in mapping else 0 for c in range(start, end + 1))
    body = struct.pack(f">{count}H", *ends) + b"\0\0" + struct.pack(f">{count}H", *starts)
    body += struct.pack(f">{count}h", *deltas) + struct.pack(f">{count}H", *offsets)
    body += struct.pack(f">{len(array)}H", *array)
    subtable = struct.pack(">7H", 4, 14 + len(body), 0, 2 * count, search_range, log2, 2 * count - search_range) + body
    assert len(subtable) <= 0xFFFF
    header = struct.pack(">HH", 0, 2) + struct.pack(">HHI", 0, 3, 20) + struct.pack(">HHI", 3, 1, 20)
    table = DefaultTable("cmap")
    table.data = header + subtable
    return table, count


def build(source, target):
    # The source's modification time is kept, so a rerun writes the same bytes.
    font = TTFont(os.path.join(HERE, source), recalcTimestamp=False)
    wanted = (gb2312() | ranges()) & set(font.getBestCmap())
    options = subset.Options()
    options.layout_features = []
    options.hinting = False
    options.notdef_outline = True
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.drop_tables += ["BASE", "GDEF", "GPOS", "GSUB", "STAT", "vhea", "vmtx", "gasp"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=wanted)
    subsetter.subset(font)
    for record in font["name"].names:
        text = record.toUnicode()
        if record.nameID in (1, 4, 16):
            record.string = text.replace("Noto Sans SC", "Noto Sans SC Common")
        elif record.nameID in (3, 6):
            record.string = text.replace("NotoSansSC-", "NotoSansSCCommon-")
    mapping = font.getBestCmap()
    glyph_ids = {name: gid for gid, name in enumerate(font.getGlyphOrder())}
    font["cmap"], segments = compact_cmap(mapping, glyph_ids)
    path = os.path.join(HERE, target)
    font.save(path)
    check = TTFont(path)
    ids = {name: gid for gid, name in enumerate(check.getGlyphOrder())}
    wanted_ids = {code: glyph_ids[name] for code, name in mapping.items()}
    assert {code: ids[name] for code, name in check.getBestCmap().items()} == wanted_ids, "the compact cmap maps differently"
    print(f"{target}: cmap format 4 with {segments} segments")
    print(f"{target}: {len(wanted)} characters, {font['maxp'].numGlyphs} glyphs, "
          f"{os.path.getsize(path):,} bytes")


build("NotoSansSC_400Regular.ttf", "NotoSansSCCommon_400Regular.ttf")
build("NotoSansSC_700Bold.ttf", "NotoSansSCCommon_700Bold.ttf")
