#!/usr/bin/env python3
"""Draws the Teams app icons (manifest/teams/color.png 192x192, outline.png 32x32) with the standard library only.

Teams requires: a full-colour 192x192 icon, and a 32x32 outline icon that is white on a transparent background.
The motif is a lightbulb (learning made visible). Re-run after changing the design; the PNGs are committed.
"""
import math
import os
import struct
import zlib

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "manifest", "teams")
GREEN = (0x2E, 0x7D, 0x5B)
WHITE = (0xFF, 0xFF, 0xFF)


def bulb_coverage(x, y, size):
    """How much of pixel (x, y) the bulb covers, 0..1, by 4x4 supersampling (smooth edges)."""
    hits = 0
    for sy in range(4):
        for sx in range(4):
            u = (x + (sx + 0.5) / 4) / size  # 0..1 across the icon
            v = (y + (sy + 0.5) / 4) / size
            glass = math.hypot(u - 0.5, v - 0.40) <= 0.25
            neck = 0.38 <= u <= 0.62 and 0.58 <= v <= 0.72
            base = 0.40 <= u <= 0.60 and 0.74 <= v <= 0.80
            tip = 0.44 <= u <= 0.56 and 0.82 <= v <= 0.86
            hits += glass or neck or base or tip
    return hits / 16


def png(path, size, pixel):
    rows = b"".join(b"\x00" + b"".join(bytes(pixel(x, y)) for x in range(size)) for y in range(size))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


def color_pixel(x, y):
    c = bulb_coverage(x, y, 192)
    return tuple(round(g * (1 - c) + w * c) for g, w in zip(GREEN, WHITE)) + (255,)


def outline_pixel(x, y):
    return WHITE + (round(255 * bulb_coverage(x, y, 32)),)


if __name__ == "__main__":
    png(os.path.join(ROOT, "color.png"), 192, color_pixel)
    png(os.path.join(ROOT, "outline.png"), 32, outline_pixel)
    print("wrote color.png (192x192) and outline.png (32x32, transparent)")
