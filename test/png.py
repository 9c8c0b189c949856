#!/usr/bin/env python3
"""test/png.py - what test/report.sh checks of a browser's screenshot,
with nothing but the standard library (Debian's python3 has no PIL).

  png.py stats FILE.png [RRGGBB]
      prints "WIDTH HEIGHT COLOURS INKED COUNT": the distinct colours,
      the per mille of pixels that are not white (a blank page has one
      colour and nothing inked), and how many pixels have exactly the
      colour RRGGBB (a chart's bars are filled with their series'
      colour; 0 without it)
  png.py crop FILE.png X Y W H OUT.png
      writes that part of the image (to look at a chart closely)

Reads 8-bit RGB or RGBA PNGs, not interlaced: what Chromium writes.
"""
import struct
import sys
import zlib


def read(path):
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit("%s: not a PNG" % path)
    pos, idat = 8, b""
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, lace = struct.unpack(">IIBBBBB", body)
            if depth != 8 or ctype not in (2, 6) or lace:
                sys.exit("%s: not 8-bit RGB(A), non-interlaced" % path)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pr) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


def write(path, w, h, bpp, rows):
    raw = b"".join(b"\x00" + r for r in rows)

    def chunk(kind, body):
        return (struct.pack(">I", len(body)) + kind + body +
                struct.pack(">I", zlib.crc32(kind + body) & 0xffffffff))
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2 if bpp == 3 else 6, 0, 0, 0)
    open(path, "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) +
                           chunk(b"IDAT", zlib.compress(raw)) +
                           chunk(b"IEND", b""))


def main():
    if len(sys.argv) in (3, 4) and sys.argv[1] == "stats":
        w, h, bpp, rows = read(sys.argv[2])
        want = bytes.fromhex(sys.argv[3]) if len(sys.argv) == 4 else None
        colours, inked, count = set(), 0, 0
        for r in rows:
            for x in range(0, w * bpp, bpp):
                px = r[x:x + 3]
                colours.add(px)
                inked += px != b"\xff\xff\xff"
                count += px == want
        print(w, h, len(colours), inked * 1000 // (w * h), count)
    elif len(sys.argv) == 8 and sys.argv[1] == "crop":
        w, h, bpp, rows = read(sys.argv[2])
        x, y, cw, ch = (int(v) for v in sys.argv[3:7])
        cw, ch = min(cw, w - x), min(ch, h - y)
        part = [r[x * bpp:(x + cw) * bpp] for r in rows[y:y + ch]]
        write(sys.argv[7], cw, ch, bpp, part)
    else:
        sys.exit(__doc__)


main()
