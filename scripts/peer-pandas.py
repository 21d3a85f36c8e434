"""A clerk's script, the peer `npm run bench` measures `ledger import` against (docs/performance.md).

What an office clerk would write to gather the report packages of a USB drive without our program:
read each package's visible sheets with pandas.read_excel (openpyxl), take the unit and the period
from the cover, concatenate the data rows and group them by unit and period. No signature is
checked and nothing is stored: it is the least a script does to see the numbers.

    /usr/bin/python3 scripts/peer-pandas.py FOLDER_OR_FILES... [--list FILE]

Prints one JSON line: {"files", "rows", "groups", "seconds"} (seconds inside Python, after imports).
"""
import json
import os
import sys
import time

import openpyxl  # noqa: F401  (pandas' engine; imported here so its import is not timed per file)
import pandas as pd


def files_of(args):
    out = []
    it = iter(args)
    for a in it:
        if a == '--list':
            with open(next(it), encoding='utf-8') as f:
                out.extend(line.strip() for line in f if line.strip())
        elif os.path.isdir(a):
            out.extend(os.path.join(a, n) for n in sorted(os.listdir(a)) if n.lower().endswith('.xlsx'))
        else:
            out.append(a)
    return out


def main():
    files = files_of(sys.argv[1:])
    start = time.perf_counter()
    frames = []
    for path in files:
        with pd.ExcelFile(path, engine='openpyxl') as book:
            visible = [ws.title for ws in book.book.worksheets if ws.sheet_state == 'visible']
            sheets = pd.read_excel(book, sheet_name=visible, header=None)
        cover = sheets[visible[0]]
        fields = dict(zip(cover[0], cover[1]))
        data = sheets[visible[1]]
        data.columns = data.iloc[0]
        data = data.iloc[1:].assign(单位=fields.get('单位'), 报送期=fields.get('报送期'))
        frames.append(data)
    table = pd.concat(frames, ignore_index=True)
    # The figures of every kind share one column; only the 累计完成 ones add up (a rate or a growth does not).
    value = pd.to_numeric(table['进展情况'], errors='coerce')
    table['累计'] = value.where(table['填报口径'] == '累计完成')
    groups = table.groupby(['单位', '报送期']).agg(指标=('指标', 'count'), 累计=('累计', 'sum'))
    seconds = time.perf_counter() - start
    print(json.dumps({'files': len(files), 'rows': int(len(table)), 'groups': int(len(groups)), 'seconds': round(seconds, 3)}))


if __name__ == '__main__':
    main()
