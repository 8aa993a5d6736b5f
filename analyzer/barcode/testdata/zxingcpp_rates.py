#!/usr/bin/python3
"""Scores zxing-cpp (Debian's python3-zxing-cpp, with python3-pil) on a corpus laid out as
FOLDER/NAME.png|jpg|gif beside NAME.txt (the text the code holds): the shared ZXing corpus, or the
hard cases TestHardCases writes (MEDINVENTORY_WRITE_HARD=DIR). A baseline for the tables in the
commit messages, never a test dependency:

    /usr/bin/python3 analyzer/barcode/testdata/zxingcpp_rates.py DIR
"""
import os
import sys

import zxingcpp
from PIL import Image


def comparable(s):
    for sid in ("]d2", "]d1", "]Q3", "]Q1", "]C1", "]e0", "]E0"):
        if s.startswith(sid):
            s = s[len(sid):]
    return s.replace("\x1d", "")


def same(got, want):
    g, w = comparable(got), comparable(want)
    if g == w:
        return True
    if w.isdigit() and 8 <= len(w) <= 14:
        g = g[2:] if g.startswith("01") else g
        return g.isdigit() and g.lstrip("0") == w.lstrip("0")
    return False


def main(root):
    formats = (zxingcpp.BarcodeFormat.DataMatrix | zxingcpp.BarcodeFormat.QRCode |
               zxingcpp.BarcodeFormat.EAN13 | zxingcpp.BarcodeFormat.EAN8 |
               zxingcpp.BarcodeFormat.UPCA | zxingcpp.BarcodeFormat.Code128)
    print(f"{'folder':18} {'images':>6} {'zxing-cpp':>9} {'other':>6}")
    total = read = 0
    for folder in sorted(os.listdir(root)):
        d = os.path.join(root, folder)
        if not os.path.isdir(d):
            continue
        n = ok = other = 0
        for f in sorted(os.listdir(d)):
            base, ext = os.path.splitext(f)
            if ext not in (".png", ".jpg", ".gif"):
                continue
            txt = os.path.join(d, base + ".txt")
            want = open(txt, encoding="latin-1").read() if os.path.exists(txt) else ""
            n += 1
            res = zxingcpp.read_barcodes(Image.open(os.path.join(d, f)).convert("L"), formats=formats)
            hit = False
            for r in res:
                if want and same(r.text, want):
                    hit = True
                else:
                    other += 1
            ok += hit
        total, read = total + n, read + ok
        print(f"{folder:18} {n:6} {ok:9} {other:6}")
    print(f"{'total':18} {total:6} {read:9}")


if __name__ == "__main__":
    main(sys.argv[1])
