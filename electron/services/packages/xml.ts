/**
 * A small pull tokenizer for the XML parts of an untrusted package. It knows only what OOXML parts
 * need and refuses the rest: no DOCTYPE (so no entity can be declared, expanded or fetched), only
 * the five predefined entities and numeric character references, bounded depth, attribute count and
 * name length, one pass over the text with indexOf and charCodeAt, no recursion, no object keyed by
 * a name taken from the file. The one exception to token-by-token reading is `plain`: a caller's sticky
 * expression for an element's most common spelling, made of literals and bounded character classes that
 * cannot match the same text two ways (so it runs in linear time); anything else is read by tokens.
 *
 * @example
 *   const x = new XmlReader(text);
 *   for (let t = x.next(); t !== XML_EOF; t = x.next()) if (t === XML_START && x.local === 'row') …
 */

export const XML_EOF = 0;
export const XML_START = 1;
export const XML_END = 2;
export const XML_TEXT = 3;
export type XmlToken = typeof XML_EOF | typeof XML_START | typeof XML_END | typeof XML_TEXT;

/** Malformed or refused XML: the caller names the part and turns it into a refusal. */
export class XmlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XmlError';
  }
}

/** Deeper than any part a spreadsheet program writes (a theme goes about 10 deep). */
const MAX_DEPTH = 128;
/** LibreOffice writes 17 on a sheetView; nothing legitimate comes close to this. */
const MAX_ATTRIBUTES = 100;
const SMALL_ATTRIBUTE_COUNT = 8;
const MAX_NAME = 200;

/** Characters XML 1.0 does not allow anywhere in a document (surrogates cannot survive UTF-8 decoding). */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const FORBIDDEN_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const EQ = 0x3d;
const QUOT = 0x22;
const APOS = 0x27;
const QUESTION = 0x3f;
const BANG = 0x21;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** Ends a name: space, `/`, `>`, `=`, or the end of the text (NaN). */
function endsName(c: number): boolean {
  return c !== c || isSpace(c) || c === SLASH || c === GT || c === EQ;
}

/**
 * Which namespaces a reader reads. An element of any other namespace (an extension, `mc:AlternateContent`,
 * or one a file made up) is skipped with everything inside it, as a spreadsheet program skips what it
 * does not know: its elements come with `local` '', so no reader of a part matches them.
 */
export interface XmlReaderOptions {
  readonly namespaces?: ReadonlySet<string>;
}

export class XmlReader {
  /** Qualified name of the element just started or ended. */
  name = '';
  /**
   * Its name without the namespace prefix; '' for an element outside the namespaces read (and
   * for everything inside one), when the reader was given `namespaces`.
   */
  local = '';
  /** The local name whatever the namespace: for finding extensions (x14:conditionalFormatting …) to refuse. */
  anyLocal = '';
  /**
   * The first element of a namespace read that sits inside one that is not, outside an extension list's
   * `ext` (`mc:Fallback/sheetData`): what programs show there differs (Excel takes mc:Choice, LibreOffice
   * mc:Fallback), so a reader refuses the part rather than pick one.
   */
  shadowed: string | undefined;
  /** Number of elements open around the current token (the started element included). */
  depth = 0;
  /** The decoded text of an XML_TEXT token. */
  text = '';
  /** Attributes of the element just started: qualified names and decoded values. */
  attrCount = 0;
  readonly attrNames: string[] = [];
  readonly attrValues: string[] = [];

  private pos = 0;
  /** Where the next `&`, `\r` and `<` are at or after the last question (-1: none): positions only grow. */
  private ampAt = -2;
  private crAt = -2;
  private ltAt = -2;
  private tabAt = -2;
  private lfAt = -2;
  private readonly stack: string[] = [];
  private pendingEnd = false;
  private rootSeen = false;
  private readonly namespaces: ReadonlySet<string> | undefined;
  /** Prefix → namespace in scope, and what each element's declarations replaced (undone at its end). */
  private readonly bound = new Map<string, string>();
  private readonly unbind: { depth: number; prefix: string; was: string | undefined }[] = [];
  /** Depth of the outermost element not read, and of the `ext` of an extension list around the token (0: none). */
  private foreignDepth = 0;
  private extDepth = 0;
  /** Depth of the element whose end was the last token: its scopes close before the next token. */
  private endedDepth = 0;
  /** Whether the default namespace in scope is read: most elements have no prefix. */
  private defaultRead = false;

  constructor(private readonly src: string, options: XmlReaderOptions = {}) {
    if (FORBIDDEN_CHAR.test(src)) throw new XmlError('含有 XML 不允许的控制字符');
    if (src.charCodeAt(0) === 0xfeff) this.pos = 1;
    this.namespaces = options.namespaces;
    this.defaultRead = this.namespaces === undefined;
  }

  /** The value of the unprefixed attribute `name` of the element just started. */
  attr(name: string): string | undefined {
    for (let i = 0; i < this.attrCount; i++) if (this.attrNames[i] === name) return this.attrValues[i];
    return undefined;
  }

  /**
   * The value of a prefixed attribute with this local name (`r:id`, whatever the prefix). Two of
   * them would let two programs pick different ones: refused.
   */
  prefixedAttr(local: string): string | undefined {
    let found: string | undefined;
    for (let i = 0; i < this.attrCount; i++) {
      const n = this.attrNames[i]!;
      const colon = n.indexOf(':');
      if (colon > 0 && n.slice(0, colon) !== 'xmlns' && n.slice(colon + 1) === local) {
        if (found !== undefined) throw new XmlError(`元素 ${this.name} 有两个 ${local} 属性`);
        found = this.attrValues[i];
      }
    }
    return found;
  }

  next(): XmlToken {
    if (this.endedDepth > 0) this.closeScopes();
    if (this.pendingEnd) {
      this.pendingEnd = false;
      this.depth = this.stack.length;
      this.stack.pop();
      this.endedDepth = this.depth;
      return XML_END;
    }
    const src = this.src;
    for (;;) {
      const start = this.pos;
      if (start >= src.length) {
        if (this.stack.length > 0) throw new XmlError(`元素 ${this.stack[this.stack.length - 1]} 没有结束`);
        if (!this.rootSeen) throw new XmlError('没有根元素');
        return XML_EOF;
      }
      if (src.charCodeAt(start) !== LT) {
        let end = this.nextLt(start);
        if (end < 0) end = src.length;
        this.pos = end;
        if (this.stack.length === 0) {
          for (let i = start; i < end; i++) if (!isSpace(src.charCodeAt(i))) throw new XmlError('根元素之外有文字');
          continue;
        }
        this.text = this.decoded(start, end, false);
        this.depth = this.stack.length;
        return XML_TEXT;
      }
      const c1 = src.charCodeAt(start + 1);
      if (c1 === QUESTION) {
        const end = src.indexOf('?>', start + 2);
        if (end < 0) throw new XmlError('处理指令没有结束');
        this.checkDeclaration(start, end);
        this.pos = end + 2;
        continue;
      }
      if (c1 === BANG) {
        if (src.startsWith('<!--', start)) {
          const end = src.indexOf('-->', start + 4);
          if (end < 0) throw new XmlError('注释没有结束');
          this.pos = end + 3;
          continue;
        }
        if (src.startsWith('<![CDATA[', start)) {
          if (this.stack.length === 0) throw new XmlError('根元素之外有 CDATA');
          const end = src.indexOf(']]>', start + 9);
          if (end < 0) throw new XmlError('CDATA 没有结束');
          this.pos = end + 3;
          this.text = normaliseLineEnds(src.slice(start + 9, end));
          this.depth = this.stack.length;
            return XML_TEXT;
        }
        // <!DOCTYPE …>, <!ENTITY …> and anything else of the kind: entities are how XML bombs and
        // external fetches get in, and no spreadsheet part needs one.
        throw new XmlError('含有不允许的 DOCTYPE 或实体声明');
      }
      if (c1 === SLASH) return this.endTag(start);
      return this.startTag(start);
    }
  }

  /**
   * The element at the reader's position, when it is written in the one plain form `re` spells out (a sticky
   * regular expression matching a whole element, its end included, of the default namespace: `<c r="A1"
   * t="s"><v>3</v></c>`); null, the reader unmoved, for anything else, which the caller then reads token by
   * token. A whole part is mostly such elements, and one native match each reads them several times faster
   * than its tokens before the JIT has warmed up, which a batch of small packages never lets it.
   * `re` must accept only what `next()` would read as the same elements with the same attributes and text:
   * no other attribute, no `&` or `<` inside attribute values, no `\r` and no element inside the text.
   */
  plain(re: RegExp): RegExpExecArray | null {
    if (this.pendingEnd) return null;
    if (this.endedDepth > 0) this.closeScopes();
    // Three levels at most are opened inside a plain element (a row, its cells, their values): within the depth limit too.
    if (!this.defaultRead || this.foreignDepth > 0 || this.extDepth > 0 || this.stack.length + 3 > MAX_DEPTH) return null;
    re.lastIndex = this.pos;
    const m = re.exec(this.src);
    if (m !== null) this.pos = re.lastIndex;
    return m;
  }

  private checkDeclaration(start: number, end: number): void {
    if (start !== 0 && !(start === 1 && this.src.charCodeAt(0) === 0xfeff)) return; // a processing instruction: ignored
    if (!this.src.startsWith('<?xml', start) || !endsName(this.src.charCodeAt(start + 5))) return;
    const decl = this.src.slice(start, end);
    const at = decl.indexOf('encoding');
    if (at < 0) return;
    const quote = decl.slice(at + 8).trimStart().slice(1).trimStart();
    const q = quote.charAt(0);
    const value = quote.slice(1, quote.indexOf(q, 1));
    if (value.toLowerCase() !== 'utf-8') throw new XmlError(`声明的编码 ${value} 不受支持(只接受 UTF-8)`);
  }

  private endTag(start: number): XmlToken {
    const src = this.src;
    let p = start + 2;
    while (!endsName(src.charCodeAt(p))) p++;
    const name = src.slice(start + 2, p);
    while (isSpace(src.charCodeAt(p))) p++;
    if (src.charCodeAt(p) !== GT) throw new XmlError(`结束标记 ${name} 不完整`);
    const open = this.stack.pop();
    if (open !== name) throw new XmlError(open === undefined ? `多余的结束标记 ${name}` : `元素 ${open} 的结束标记写成了 ${name}`);
    this.pos = p + 1;
    this.depth = this.stack.length + 1;
    this.setName(name);
    this.endedDepth = this.depth;
    return XML_END;
  }

  private startTag(start: number): XmlToken {
    const src = this.src;
    if (this.stack.length === 0 && this.rootSeen) throw new XmlError('有多个根元素');
    let p = start + 1;
    while (!endsName(src.charCodeAt(p))) p++;
    if (p === start + 1 || p - start - 1 > MAX_NAME) throw new XmlError('元素名无效');
    const name = src.slice(start + 1, p);
    let count = 0;
    let declares = false;
    let seen: Set<string> | undefined;
    for (;;) {
      const spaced = isSpace(src.charCodeAt(p));
      while (isSpace(src.charCodeAt(p))) p++;
      const c = src.charCodeAt(p);
      if (c === GT || (c === SLASH && src.charCodeAt(p + 1) === GT)) break;
      if (c !== c) throw new XmlError(`元素 ${name} 没有结束`);
      if (!spaced) throw new XmlError(`元素 ${name} 的属性之间缺少空格`);
      const nameStart = p;
      while (!endsName(src.charCodeAt(p))) p++;
      if (p === nameStart || p - nameStart > MAX_NAME) throw new XmlError(`元素 ${name} 的属性名无效`);
      const attrName = src.slice(nameStart, p);
      while (isSpace(src.charCodeAt(p))) p++;
      if (src.charCodeAt(p) !== EQ) throw new XmlError(`属性 ${attrName} 缺少值`);
      p++;
      while (isSpace(src.charCodeAt(p))) p++;
      const q = src.charCodeAt(p);
      if (q !== QUOT && q !== APOS) throw new XmlError(`属性 ${attrName} 的值缺少引号`);
      const valueEnd = src.indexOf(q === QUOT ? '"' : "'", p + 1);
      if (valueEnd < 0) throw new XmlError(`属性 ${attrName} 的值没有结束`);
      const lt = this.nextLt(p + 1);
      if (lt >= 0 && lt < valueEnd) throw new XmlError(`属性 ${attrName} 的值含有 <`);
      // A repeated attribute is where two readers can disagree on which one counts. Elements have a
      // few attributes; past that a set keeps the check linear.
      if (count < SMALL_ATTRIBUTE_COUNT) {
        for (let i = 0; i < count; i++) if (this.attrNames[i] === attrName) throw new XmlError(`元素 ${name} 的属性 ${attrName} 重复`);
      } else {
        seen ??= new Set(this.attrNames.slice(0, count));
        if (seen.has(attrName)) throw new XmlError(`元素 ${name} 的属性 ${attrName} 重复`);
        seen.add(attrName);
      }
      if (count >= MAX_ATTRIBUTES) throw new XmlError(`元素 ${name} 的属性过多`);
      if (attrName.charCodeAt(0) === 0x78 /* x */ && attrName.startsWith('xmlns')) declares = true;
      this.attrNames[count] = attrName;
      this.attrValues[count] = this.decoded(p + 1, valueEnd, true);
      count++;
      p = valueEnd + 1;
    }
    const selfClosing = src.charCodeAt(p) === SLASH;
    this.pos = p + (selfClosing ? 2 : 1);
    this.attrCount = count;
    if (this.stack.length >= MAX_DEPTH) throw new XmlError(`元素嵌套超过 ${MAX_DEPTH} 层`);
    this.stack.push(name);
    this.rootSeen = true;
    this.depth = this.stack.length;
    if (declares) this.declare(count);
    this.setName(name);
    this.pendingEnd = selfClosing;
    return XML_START;
  }

  /** The element's own `xmlns` declarations, in scope until its end. */
  private declare(count: number): void {
    for (let i = 0; i < count; i++) {
      const n = this.attrNames[i]!;
      if (n.charCodeAt(0) !== 0x78 /* x */ || !n.startsWith('xmlns') || (n.length > 5 && n.charCodeAt(5) !== 0x3a)) continue;
      const prefix = n.length > 5 ? n.slice(6) : '';
      this.unbind.push({ depth: this.depth, prefix, was: this.bound.get(prefix) });
      this.bound.set(prefix, this.attrValues[i]!);
      if (prefix === '') this.setDefault(this.attrValues[i]!);
    }
  }

  private setDefault(ns: string): void {
    this.defaultRead = this.namespaces?.has(ns) ?? true;
  }


  /** After an element's end: its declarations go out of scope, and so does being inside it. */
  private closeScopes(): void {
    const depth = this.endedDepth;
    this.endedDepth = 0;
    while (this.unbind.length > 0 && this.unbind[this.unbind.length - 1]!.depth === depth) {
      const u = this.unbind.pop()!;
      if (u.was === undefined) this.bound.delete(u.prefix);
      else this.bound.set(u.prefix, u.was);
      if (u.prefix === '') this.setDefault(u.was ?? '');
    }
    if (this.foreignDepth === depth) this.foreignDepth = 0;
    if (this.extDepth === depth) this.extDepth = 0;
  }

  private nextLt(from: number): number {
    if (this.ltAt !== -1 && this.ltAt < from) this.ltAt = this.src.indexOf('<', from);
    return this.ltAt;
  }

  /** Text or an attribute value between start and end, references and line ends decoded. */
  private decoded(start: number, end: number, attribute: boolean): string {
    const src = this.src;
    if (this.ampAt !== -1 && this.ampAt < start) this.ampAt = src.indexOf('&', start);
    if (this.crAt !== -1 && this.crAt < start) this.crAt = src.indexOf('\r', start);
    const amp = this.ampAt >= 0 && this.ampAt < end;
    const cr = this.crAt >= 0 && this.crAt < end;
    let raw = src.slice(start, end);
    if (cr) raw = normaliseLineEnds(raw);
    if (attribute) {
      if (this.tabAt !== -1 && this.tabAt < start) this.tabAt = src.indexOf('\t', start);
      if (this.lfAt !== -1 && this.lfAt < start) this.lfAt = src.indexOf('\n', start);
      // XML 1.0 §3.3.3: tabs and line ends in an attribute value are read as spaces.
      if (cr || (this.tabAt >= 0 && this.tabAt < end) || (this.lfAt >= 0 && this.lfAt < end)) raw = raw.replace(/[\t\n]/g, ' ');
    }
    return amp ? decodeReferences(raw) : raw;
  }

  private setName(name: string): void {
    this.name = name;
    const colon = name.indexOf(':');
    const local = colon < 0 ? name : name.slice(colon + 1);
    // Most elements have no prefix: whether the default namespace is read is kept at hand.
    const isRead = colon < 0 ? this.defaultRead : this.namespaces?.has(this.bound.get(name.slice(0, colon)) ?? '') ?? true;
    this.anyLocal = local;
    if (this.namespaces === undefined) {
      this.local = local;
      return;
    }
    const depth = this.depth;
    if (this.foreignDepth === 0 && !isRead) this.foreignDepth = depth;
    if (this.foreignDepth > 0) {
      if (isRead && this.extDepth === 0 && this.shadowed === undefined) this.shadowed = `${this.stack[this.stack.length - 2]}/${name}`;
      this.local = '';
      return;
    }
    // Inside an extension list, Excel's extensions hold elements of the main namespace (x14:dxf/font): not shown by themselves.
    if (this.extDepth === 0 && local === 'ext') this.extDepth = depth;
    this.local = local;
  }
}

/** The text of an element read by `plain`, decoded as `next()` decodes it (a plain match holds no `\r`). */
export function plainText(raw: string): string {
  return raw.includes('&') ? decodeReferences(raw) : raw;
}

function normaliseLineEnds(s: string): string {
  return s.includes('\r') ? s.replace(/\r\n?/g, '\n') : s;
}

/** One pass: JSON text (the signature sheet) is full of &quot;, so this is a hot loop. */
function decodeReferences(s: string): string {
  // The signature sheet's JSON as a rule holds no reference but &quot;: one native replace, then the loop only
  // for a text that still has an `&` (another reference, or a malformed one to refuse).
  const quoted = s.replaceAll('&quot;', '"');
  if (!quoted.includes('&')) return quoted;
  let out = '';
  let from = 0;
  for (let amp = s.indexOf('&'); amp >= 0; amp = s.indexOf('&', from)) {
    out += s.slice(from, amp);
    const c = s.charCodeAt(amp + 1);
    let len = 0;
    if (c === 0x71 /* q */ && s.startsWith('quot;', amp + 1)) {
      out += '"';
      len = 6;
    } else if (c === 0x61 /* a */ && s.startsWith('amp;', amp + 1)) {
      out += '&';
      len = 5;
    } else if (c === 0x61 && s.startsWith('apos;', amp + 1)) {
      out += "'";
      len = 6;
    } else if (c === 0x6c /* l */ && s.startsWith('lt;', amp + 1)) {
      out += '<';
      len = 4;
    } else if (c === 0x67 /* g */ && s.startsWith('gt;', amp + 1)) {
      out += '>';
      len = 4;
    } else if (c === 0x23 /* # */) {
      const semi = s.indexOf(';', amp + 2);
      const hex = s.charCodeAt(amp + 2) === 0x78;
      const digits = semi < 0 ? '' : s.slice(amp + (hex ? 3 : 2), semi);
      if (digits.length === 0 || digits.length > 7 || !(hex ? /^[0-9A-Fa-f]+$/ : /^[0-9]+$/).test(digits)) {
        throw new XmlError(`字符引用 ${s.slice(amp, amp + 12)} 无效`);
      }
      const cp = parseInt(digits, hex ? 16 : 10);
      if (!isXmlChar(cp)) throw new XmlError(`字符引用 ${s.slice(amp, semi + 1)} 不是 XML 允许的字符`);
      out += String.fromCodePoint(cp);
      len = semi + 1 - amp;
    } else {
      // No DOCTYPE, so no other entity can have been declared.
      throw new XmlError(`未定义的实体 ${s.slice(amp, amp + 12)}`);
    }
    from = amp + len;
  }
  return out + s.slice(from);
}

function isXmlChar(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}
