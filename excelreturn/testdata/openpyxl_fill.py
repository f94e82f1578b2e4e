"""Fill cells of an .xlsx with openpyxl, the way a bureau fills a return.

usage: openpyxl_fill.py SRC DST 'SHEET!CELL=VALUE' ...

VALUE is typed by a prefix: int:12, float:0.95, date:2024-12-16,
str:文字, none: (empties the cell); without a prefix it is a string.
Validations, styles and protection stay as openpyxl keeps them.
"""
import datetime
import sys

from openpyxl import load_workbook


def typed(value):
    kind, sep, rest = value.partition(":")
    if not sep:
        return value
    if kind == "int":
        return int(rest)
    if kind == "float":
        return float(rest)
    if kind == "date":
        return datetime.datetime.strptime(rest, "%Y-%m-%d")
    if kind == "str":
        return rest
    if kind == "none":
        return None
    return value


def main(src, dst, *assignments):
    wb = load_workbook(src)
    for a in assignments:
        target, _, value = a.partition("=")
        sheet, _, cell = target.rpartition("!")
        wb[sheet][cell].value = typed(value)
    wb.save(dst)


if __name__ == "__main__":
    main(*sys.argv[1:])
