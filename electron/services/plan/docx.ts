/**
 * The text of a notice saved as .docx (Word, WPS, LibreOffice), one paragraph a line, read by mammoth.
 * Word's automatic numbering is not text: mammoth's extractRawText drops it, and a notice's task numbers
 * are often exactly that ("1." made by the list, not typed). Here they are put back as Word shows them:
 * the list's start, its format (1. / 一、 / (1)) and its count running on across the headings between
 * its items, read from word/numbering.xml.
 */
import mammoth from 'mammoth';
import { DEFAULT_LIMITS, inspectZip } from '../packages/package-format';
import { XML_EOF, XML_START, XmlReader } from '../packages/xml';

/** The parts of mammoth's document model read here (mammoth ships no types for them). */
interface DocNode {
  readonly type: string;
  readonly value?: string;
  readonly children?: readonly DocNode[];
  readonly numbering?: { readonly isOrdered: boolean; readonly level: string } | null;
}

interface Paragraph {
  readonly text: string;
  readonly numbered: boolean;
  /** mammoth's numbering level: one object per list level, all mammoth tells of the list. */
  readonly list: object | null;
  readonly level: number;
}

function rawText(node: DocNode): string {
  if (node.type === 'text') return node.value ?? '';
  if (node.type === 'tab') return '\t';
  if (node.type === 'break') return ' ';
  return (node.children ?? []).map(rawText).join('');
}

function paragraphs(node: DocNode, out: Paragraph[]): Paragraph[] {
  if (node.type === 'paragraph') {
    const n = node.numbering ?? null;
    out.push({ text: rawText(node).trim(), numbered: n !== null, list: n && n.isOrdered ? n : null, level: n ? Number(n.level) || 0 : 0 });
    return out;
  }
  for (const child of node.children ?? []) paragraphs(child, out);
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
}

const val = (x: XmlReader) => x.prefixedAttr('val') ?? '';

function readNumbering(xml: string): Numbering {
  const abstracts = new Map<string, Map<number, Level>>();
  const nums = new Map<string, { abstractId: string; starts: Map<number, number> }>();
  const x = new XmlReader(xml);
  let levels: Map<number, Level> | null = null;
  let level: Level | null = null;
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
          levels.set(Number(x.prefixedAttr('ilvl') ?? 0), level);
        }
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
  return { abstracts, nums };
}

/** numId and level of each paragraph of word/document.xml that has them, in document order. */
function numberedInDocument(xml: string): { numId: string; ilvl: number }[] {
  const out: { numId: string; ilvl: number }[] = [];
  const x = new XmlReader(xml);
  let ilvl = 0;
  for (let t = x.next(); t !== XML_EOF; t = x.next()) {
    if (t !== XML_START) continue;
    if (x.local === 'numPr') ilvl = 0;
    else if (x.local === 'ilvl') ilvl = Number(val(x)) || 0;
    else if (x.local === 'numId' && val(x) !== '0') out.push({ numId: val(x), ilvl });
  }
  return out;
}

const CN = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
/** 1…99 in Chinese counting (一、十一、二十三), as Word's chineseCounting formats. */
function chinese(n: number): string {
  if (n < 10) return CN[n]!;
  const tens = Math.floor(n / 10);
  return `${tens === 1 ? '' : CN[tens]}十${n % 10 ? CN[n % 10] : ''}`;
}

function formatCount(n: number, format: string): string {
  if (/^chinese|^ideograph|^japaneseCounting|^taiwaneseCounting/.test(format)) return format === 'ideographDigital' ? [...String(n)].map((d) => CN[Number(d)]).join('') : chinese(n);
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
 * The lines of a .docx with its automatic numbers restored. Where the numbering part cannot be matched
 * paragraph for paragraph with what mammoth read (numbering from a paragraph style), each ordered list
 * is counted from 1 as "N.".
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
  const numberedParas = paras.filter((p) => p.numbered);

  let printed: string[] | null = null;
  const numberingXml = parts.get('word/numbering.xml');
  const documentXml = parts.get('word/document.xml');
  if (numberingXml && documentXml && numberedParas.length > 0) {
    const items = numberedInDocument(documentXml.toString('utf8'));
    if (items.length === numberedParas.length) printed = labels(readNumbering(numberingXml.toString('utf8')), items);
  }

  const counts = new Map<object, number>();
  let k = 0;
  const lines: string[] = [];
  for (const p of paras) {
    let label = '';
    if (p.numbered) {
      const word = printed?.[k];
      k++;
      if (word !== undefined) label = word;
      else if (p.list) {
        const n = (counts.get(p.list) ?? 0) + 1;
        counts.set(p.list, n);
        label = `${n}.`;
      }
    }
    if (p.text !== '' || label !== '') lines.push(label + p.text);
  }
  return lines;
}
