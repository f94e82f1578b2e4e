"""Print what openpyxl sees in an .xlsx as JSON: sheets in order with their
state, protection, data validations and frozen panes.

usage: openpyxl_inspect.py SRC
"""
import json
import sys

from openpyxl import load_workbook


def main(src):
    wb = load_workbook(src)
    sheets = []
    for ws in wb.worksheets:
        sheets.append({
            "name": ws.title,
            "state": ws.sheet_state,
            "protected": bool(ws.protection.sheet),
            "password": bool(ws.protection.password),
            "freeze": ws.freeze_panes,
            "validations": [
                {
                    "sqref": str(dv.sqref),
                    "type": dv.type,
                    "operator": dv.operator,
                    "formula1": dv.formula1,
                    "formula2": dv.formula2,
                    "prompt_title": dv.promptTitle,
                    "error": dv.error,
                }
                for dv in ws.data_validations.dataValidation
            ],
        })
    print(json.dumps({
        "sheets": sheets,
        "active": wb.active.title,
        "lock_structure": bool(wb.security and wb.security.lockStructure),
    }, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1])
