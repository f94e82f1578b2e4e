"""Load an .xlsx with openpyxl and save it again unchanged.

usage: openpyxl_roundtrip.py SRC DST

openpyxl rewrites every part it understands (shared strings instead of
inline strings, its own styles table, validations, protection), so this is
what a workbook looks like after a script or a tool built on openpyxl has
touched it.
"""
import sys

from openpyxl import load_workbook


def main(src, dst):
    wb = load_workbook(src)
    wb.save(dst)


if __name__ == "__main__":
    main(*sys.argv[1:3])
