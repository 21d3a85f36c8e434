"""Edits a workbook as a person's script would, with openpyxl, then saves it: the round-trip tests of the
责任分解表 use it. Usage: openpyxl-edit.py IN.xlsx OUT.xlsx OPS.json, where OPS is a list of
  ["set", sheet, cell, value]        value null clears the cell; a number stays a number
  ["format", sheet, cell, numFmt]    e.g. "0%": 0.95 then shows 95%
  ["date", sheet, cell, "YYYY-MM-DD"] a date cell
  ["replace", sheet, old, new]       in every text cell of the sheet, as Find & Replace does
  ["rename", old, new]               a sheet
  ["delete-row", sheet, text]        the first row holding a cell whose text is exactly `text`, as a person deletes a row
  ["merge", sheet, range]            cells merged as Excel merges them: only the top-left keeps its value
  ["copy_sheet", sheet, new]         a copy of the sheet, as 移动或复制工作表 makes it, placed last
  ["sheet_state", sheet, state]      "hidden" or "visible"
  ["hide_row", sheet, row]           a row hidden (右键 → 隐藏)
  ["hide_col", sheet, letter]        a column hidden
  ["insert_rows", sheet, row, n]     n blank rows inserted before the row
  ["numfmt_id", sheet, cell, id]     a built-in number format by id alone, as a Chinese Excel saves 31
                                     (yyyy"年"m"月"d"日"), which openpyxl otherwise writes as a custom format
"""
import datetime
import json
import sys

import openpyxl
from openpyxl.styles.numbers import BUILTIN_FORMATS_REVERSE

src, dst, ops_file = sys.argv[1:4]
wb = openpyxl.load_workbook(src)
with open(ops_file, encoding="utf-8") as f:
    ops = json.load(f)
for op in ops:
    kind = op[0]
    if kind == "set":
        wb[op[1]][op[2]].value = op[3]
    elif kind == "format":
        wb[op[1]][op[2]].number_format = op[3]
    elif kind == "date":
        wb[op[1]][op[2]].value = datetime.datetime.strptime(op[3], "%Y-%m-%d")
    elif kind == "replace":
        for row in wb[op[1]].iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and op[2] in cell.value:
                    cell.value = cell.value.replace(op[2], op[3])
    elif kind == "rename":
        wb[op[1]].title = op[2]
    elif kind == "delete-row":
        ws = wb[op[1]]
        row = next(c.row for r in ws.iter_rows() for c in r if c.value == op[2])
        ws.delete_rows(row)
    elif kind == "merge":
        wb[op[1]].merge_cells(op[2])
    elif kind == "copy_sheet":
        wb.copy_worksheet(wb[op[1]]).title = op[2]
    elif kind == "sheet_state":
        wb[op[1]].sheet_state = op[2]
    elif kind == "hide_row":
        wb[op[1]].row_dimensions[op[2]].hidden = True
    elif kind == "hide_col":
        wb[op[1]].column_dimensions[op[2]].hidden = True
    elif kind == "insert_rows":
        wb[op[1]].insert_rows(op[2], op[3])
    elif kind == "numfmt_id":
        # openpyxl writes a format by its id when it knows the code as a built-in one.
        code = "builtin-%d" % op[3]
        BUILTIN_FORMATS_REVERSE[code] = op[3]
        wb[op[1]][op[2]].number_format = code
    else:
        raise SystemExit("unknown op " + kind)
wb.save(dst)
