/**
 * The text of a notice saved as .docx (Word, WPS, LibreOffice), one paragraph a line, read by mammoth.
 * Word's automatic numbering is not text: mammoth's extractRawText drops it, and a notice's task numbers
 * are often exactly that ("1." made by the list, not typed). Here they are put back as Word shows them:
 * the list's start, its format (1. / 一、 / (1)) and its count running on across the headings between
 * its items, read from word/numbering.xml. A paragraph is numbered by its own numPr or, as headings of
 * Word's 标题 1 and LibreOffice's outline numbering are, by its paragraph style's (word/styles.xml).
 * A table of projects (序号 | 项目名称 | 建设内容 | 牵头单位 …) becomes project cards, a card a row (notice.ts
 * cardLines), unless the notice's paragraphs number its tasks themselves; any other table reads as its paragraphs did.
 */
import mammoth from 'mammoth';
import { chineseCounting } from '../../../shared/numerals';
import { DEFAULT_LIMITS, inspectZip } from '../packages/package-format';
import { XML_END, XML_EOF, XML_START, XmlReader } from '../packages/xml';
import { cardLines, numbersItsTasks } from './notice';

/** The parts of mammoth's document model read here (mammoth ships no types for them). */
interface DocNode {
  readonly type: string;
  readonly value?: string;
  readonly children?: readonly DocNode[];
  readonly numbering?: { readonly isOrdered: boolean; readonly level: string } | null;
  /** A table cell's: mammoth drops the cells a vertical merge covers and counts them here. */
  readonly colSpan?: number;
  readonly rowSpan?: number;
}

interface Paragraph {
  readonly text: string;
  /** mammoth's numbering level: one object per list level, all mammoth tells of the list. */
  readonly list: object | null;
  /** The cell of an outermost table it stands in, by grid position; null outside tables. */
  readonly cell: { readonly table: Table; readonly row: number; readonly col: number } | null;
}

/** A table's cells by grid position, as Word draws them: merged cells cover the positions they span. */
interface Table {
  /** [row][col] → the cell's lines; a vertically merged cell's lines stand in every row it covers. */
  readonly grid: string[][][];
  /** The table's lines in reading order, as read where it is no list of projects. */
  readonly lines: string[];
}

function rawText(node: DocNode): string {
  if (node.type === 'text') return node.value ?? '';
  if (node.type === 'tab') return '\t';
  if (node.type === 'break') return ' ';
  return (node.children ?? []).map(rawText).join('');
}

function paragraphs(node: DocNode, out: Paragraph[], cell: Paragraph['cell'] = null): Paragraph[] {
  if (node.type === 'paragraph') {
    const n = node.numbering ?? null;
    out.push({ text: rawText(node).trim(), list: n && n.isOrdered ? n : null, cell });
    return out;
  }
  if (node.type === 'table' && cell === null) {
    // Positions by the grid: a cell starts at the first column no merge from the rows above still covers.
    const table: Table = { grid: [], lines: [] };
    const coveredUntil: number[] = [];
    (node.children ?? []).forEach((row, r) => {
      table.grid[r] ??= [];
      let col = 0;
      for (const c of row.children ?? []) {
        while ((coveredUntil[col] ?? -1) >= r) col++;
        const span = Math.max(1, c.colSpan ?? 1);
        const rows = Math.max(1, c.rowSpan ?? 1);
        const lines: string[] = [];
        for (let k = 0; k < rows; k++) (table.grid[r + k] ??= [])[col] = lines;
        for (let k = 0; k < span; k++) coveredUntil[col + k] = r + rows - 1;
        paragraphs(c, out, { table, row: r, col });
        col += span;
      }
    });
    return out;
  }
  for (const child of node.children ?? []) paragraphs(child, out, cell);
  return out;
}

// --- word/numbering.xml: what mammoth does not keep --------------------------------------------

interface Level {
  start: number;
  format: string;
  text: string;
}

interface Numbering {
  /** abstractNumId → ilvl → level */
  readonly abstracts: Map<string, Map<number, Level>>;
  /** numId → its abstractNumId and the starts it overrides */
  readonly nums: Map<string, { abstractId: string; starts: Map<number, number> }>;
  /** Paragraph styleId → the level that names it (w:lvl/w:pStyle): a style's level where its numPr gives none. */
  readonly styleLevels: Map<string, number>;
}

const val = (x: XmlReader) => x.prefixedAttr('val') ?? '';

function readNumbering(xml: string): Numbering {
  const abstracts = new Map<string, Map<number, Level>>();
  const nums = new Map<string, { abstractId: string; starts: Map<number, number> }>();
  const styleLevels = new Map<string, number>();
  const x = new XmlReader(xml);
  let levels: Map<number, Level> | null = null;
  let level: Level | null = null;
  let ilvl = 0;
  let num: { abstractId: string; starts: Map<number, number> } | null = null;
  let overrideLevel = -1;
  for (let t = x.next(); t !== XML_EOF; t = x.next()) {
    if (t !== XML_START) continue;
    switch (x.local) {
      case 'abstractNum':
        levels = new Map();
        abstracts.set(x.prefixedAttr('abstractNumId') ?? '', levels);
        num = null;
        break;
      case 'num':
        num = { abstractId: '', starts: new Map() };
        nums.set(x.prefixedAttr('numId') ?? '', num);
        levels = null;
        break;
      case 'lvl':
        if (levels) {
          level = { start: 1, format: 'decimal', text: '' };
          ilvl = Number(x.prefixedAttr('ilvl') ?? 0);
          levels.set(ilvl, level);
        }
        break;
      case 'pStyle':
        if (level && levels) styleLevels.set(val(x), ilvl);
        break;
      case 'start':
        if (level && levels) level.start = Number(val(x)) || 0;
        break;
      case 'numFmt':
        if (level && levels) level.format = val(x);
        break;
      case 'lvlText':
        if (level && levels) level.text = val(x);
        break;
      case 'abstractNumId':
        if (num) num.abstractId = val(x);
        break;
      case 'lvlOverride':
        overrideLevel = Number(x.prefixedAttr('ilvl') ?? -1);
        break;
      case 'startOverride':
        if (num && overrideLevel >= 0) num.starts.set(overrideLevel, Number(val(x)) || 0);
        break;
    }
  }
  return { abstracts, nums, styleLevels };
}

/** A paragraph's (or a paragraph style's) numPr: either part may be missing. */
interface NumPr {
  numId?: string;
  ilvl?: number;
}

interface ParagraphStyle extends NumPr {
  basedOn?: string;
}

/** The numPr and parent of every paragraph style of word/styles.xml. */
function readStyles(xml: string): Map<string, ParagraphStyle> {
  const styles = new Map<string, ParagraphStyle>();
  const x = new XmlReader(xml);
  let style: ParagraphStyle | null = null;
  for (let t = x.next(); t !== XML_EOF; t = x.next()) {
    if (t !== XML_START) continue;
    if (x.local === 'style') {
      style = x.prefixedAttr('type') === 'paragraph' ? {} : null;
      if (style) styles.set(x.prefixedAttr('styleId') ?? '', style);
    } else if (style) {
      if (x.local === 'basedOn') style.basedOn = val(x);
      else if (x.local === 'numId') style.numId = val(x);
      else if (x.local === 'ilvl') style.ilvl = Number(val(x)) || 0;
    }
  }
  return styles;
}

/**
 * The list a paragraph of style `styleId` belongs to through its style (or the styles it is based on), as
 * Word resolves it: the nearest numId, the style's own ilvl or else the level naming the style; null for none.
 */
function styleNumbering(styleId: string, styles: ReadonlyMap<string, ParagraphStyle>, numbering: Numbering): { numId: string; ilvl: number } | null {
  let ilvl: number | undefined;
  const seen = new Set<string>();
  for (let id: string | undefined = styleId; id !== undefined && !seen.has(id); id = styles.get(id)?.basedOn) {
    seen.add(id);
    const s = styles.get(id);
    if (!s) break;
    ilvl ??= s.ilvl;
    if (s.numId !== undefined) return s.numId === '0' ? null : { numId: s.numId, ilvl: ilvl ?? numbering.styleLevels.get(styleId) ?? 0 };
  }
  return null;
}

/**
 * Every paragraph of word/document.xml in document order, with the list it is numbered in (its own numPr,
 * else its style's; numId 0 turns a style's numbering off), or null.
 */
function paragraphNumbering(xml: string, styles: ReadonlyMap<string, ParagraphStyle>, numbering: Numbering): ({ numId: string; ilvl: number } | null)[] {
  const out: ({ numId: string; ilvl: number } | null)[] = [];
  let own: NumPr = {};
  let style: string | null = null;
  const flush = () => {
    const byStyle = style === null ? null : styleNumbering(style, styles, numbering);
    const numId = own.numId ?? byStyle?.numId;
    out[out.length - 1] = numId === undefined || numId === '0' ? null : { numId, ilvl: own.ilvl ?? byStyle?.ilvl ?? 0 };
  };
  const x = new XmlReader(xml);
  // A tracked change keeps the paragraph's earlier properties (w:pPrChange): not what Word shows now.
  let earlier = 0;
  for (let t = x.next(); t !== XML_EOF; t = x.next()) {
    if (t === XML_END) {
      if (x.local === 'pPrChange') earlier--;
      continue;
    }
    if (t !== XML_START) continue;
    if (x.local === 'pPrChange') earlier++;
    if (earlier > 0) continue;
    switch (x.local) {
      case 'p':
        if (out.length > 0) flush();
        out.push(null);
        own = {};
        style = null;
        break;
      case 'pStyle':
        style = val(x);
        break;
      case 'numId':
        own.numId = val(x);
        break;
      case 'ilvl':
        own.ilvl = Number(val(x)) || 0;
        break;
    }
  }
  if (out.length > 0) flush();
  return out;
}

const CN = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

function formatCount(n: number, format: string): string {
  if (/^chinese|^ideograph|^japaneseCounting|^taiwaneseCounting/.test(format)) return format === 'ideographDigital' ? [...String(n)].map((d) => CN[Number(d)]).join('') : chineseCounting(n);
  if (format === 'upperLetter' || format === 'lowerLetter') {
    const letter = String.fromCharCode(64 + ((n - 1) % 26) + 1);
    return format === 'upperLetter' ? letter : letter.toLowerCase();
  }
  if (format === 'none' || format === 'bullet') return '';
  return String(n);
}

/**
 * Each numbered paragraph's label as Word draws it ("3.", "一、", "(2)"), counting per list as Word
 * does: from the list's start, on across paragraphs between its items, a level restarting its sublevels.
 */
function labels(numbering: Numbering, items: readonly { numId: string; ilvl: number }[]): string[] {
  const counts = new Map<string, number[]>();
  return items.map(({ numId, ilvl }) => {
    const num = numbering.nums.get(numId);
    const levels = num ? numbering.abstracts.get(num.abstractId) : undefined;
    const level = levels?.get(ilvl);
    if (!num || !levels || !level) return '';
    const startOf = (l: number) => num.starts.get(l) ?? levels.get(l)?.start ?? 1;
    const c = counts.get(numId) ?? [];
    c[ilvl] = c[ilvl] === undefined ? startOf(ilvl) : c[ilvl]! + 1;
    c.length = ilvl + 1;
    counts.set(numId, c);
    return level.text.replace(/%([1-9])/g, (_, d: string) => {
      const l = Number(d) - 1;
      return formatCount(c[l] ?? startOf(l), levels.get(l)?.format ?? 'decimal');
    });
  });
}

/**
 * The lines of a .docx with its automatic numbers restored. Where word/document.xml cannot be matched
 * paragraph for paragraph with what mammoth read, each list mammoth saw is counted from 1 as "N.".
 * Throws what inspectZip refuses; the caller words it for the person.
 */
export async function docxLines(bytes: Buffer): Promise<string[]> {
  // Every entry's real size is checked before mammoth (JSZip) inflates anything: a zip bomb stops here.
  const parts = inspectZip(bytes, DEFAULT_LIMITS);
  let root: DocNode | null = null;
  await mammoth.convertToHtml({ buffer: bytes }, {
    transformDocument: (doc: DocNode) => {
      root = doc;
      return doc;
    },
  });
  if (root === null) return [];
  const paras = paragraphs(root, []);

  // Each paragraph's label as Word draws it, by position; null where the two readings do not line up.
  let printed: (string | null)[] | null = null;
  const numberingXml = parts.get('word/numbering.xml');
  const documentXml = parts.get('word/document.xml');
  if (numberingXml && documentXml) {
    const numbering = readNumbering(numberingXml.toString('utf8'));
    const stylesXml = parts.get('word/styles.xml');
    const styles = stylesXml ? readStyles(stylesXml.toString('utf8')) : new Map<string, ParagraphStyle>();
    const inDocument = paragraphNumbering(documentXml.toString('utf8'), styles, numbering);
    if (inDocument.length === paras.length) {
      const items = inDocument.filter((n) => n !== null);
      const words = labels(numbering, items);
      let k = 0;
      printed = inDocument.map((n) => (n === null ? null : words[k++]!));
    }
  }

  const counts = new Map<object, number>();
  const out: (string | Table)[] = [];
  paras.forEach((p, k) => {
    let label = '';
    if (printed) label = printed[k] ?? '';
    else if (p.list) {
      const n = (counts.get(p.list) ?? 0) + 1;
      counts.set(p.list, n);
      label = `${n}.`;
    }
    const line = p.text !== '' || label !== '' ? label + p.text : null;
    if (!p.cell) {
      if (line !== null) out.push(line);
      return;
    }
    const { table } = p.cell;
    // A table's paragraphs come one after another (paragraphs() reads it whole): it is placed once, at its first.
    if (out.at(-1) !== table) out.push(table);
    if (line === null) return;
    table.grid[p.cell.row]![p.cell.col]!.push(line);
    table.lines.push(line);
  });
  // A table of projects (序号, 项目名称, 牵头单位 … as its header) is read as project cards, a card a row, where
  // the notice's own paragraphs number no tasks; beside numbered tasks it is an appendix, read as before.
  const cards = !numbersItsTasks(out.filter((x): x is string => typeof x === 'string'));
  return out.flatMap((x) => (typeof x === 'string' ? [x] : (cards ? cardLines(x.grid.map((row) => Array.from(row, (c) => c ?? []))) : null) ?? x.lines));
}
