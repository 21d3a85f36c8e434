/**
 * The XML tokenizer of untrusted package parts (electron/services/packages/xml.ts): what it refuses, what it
 * decodes, and that hostile input costs time in proportion to its size.
 */
import { describe, expect, it } from 'vitest';
import { XML_END, XML_EOF, XML_START, XML_TEXT, XmlError, XmlReader } from '../../electron/services/packages/xml';

/** Every token as text: `<name a=v>`, `</name>`, `"text"`. */
function tokens(xml: string): string[] {
  const x = new XmlReader(xml);
  const out: string[] = [];
  for (let t = x.next(); t !== XML_EOF; t = x.next()) {
    if (t === XML_START) out.push(`<${x.name}${Array.from({ length: x.attrCount }, (_v, i) => ` ${x.attrNames[i]}=${x.attrValues[i]}`).join('')}>`);
    else if (t === XML_END) out.push(`</${x.name}>`);
    else if (t === XML_TEXT) out.push(JSON.stringify(x.text));
  }
  return out;
}

function refused(xml: string): string {
  try {
    tokens(xml);
  } catch (err) {
    expect(err).toBeInstanceOf(XmlError);
    return (err as Error).message;
  }
  throw new Error('accepted, but should have been refused');
}

describe('what the tokenizer refuses', () => {
  it('any DOCTYPE or entity declaration (billion laughs, external entities)', () => {
    expect(refused('<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><sst>&b;</sst>')).toContain('DOCTYPE');
    expect(refused('<!DOCTYPE x SYSTEM "file:///etc/passwd"><x/>')).toContain('DOCTYPE');
    expect(refused('<x><!ENTITY e "x"></x>')).toContain('DOCTYPE');
  });

  it('entities other than the five predefined ones, and references to characters XML does not allow', () => {
    expect(refused('<t>&nbsp;</t>')).toContain('&nbsp;');
    expect(refused('<t>a & b</t>')).toContain('未定义的实体');
    expect(refused('<t>&#0;</t>')).toContain('不是 XML 允许的字符');
    expect(refused('<t>&#xD800;</t>')).toContain('不是 XML 允许的字符');
    expect(refused('<t>&#x110000;</t>')).toContain('不是 XML 允许的字符');
    expect(refused('<t a="&foo;"/>')).toContain('&foo;');
  });

  it('control characters, even raw', () => {
    expect(refused('<t>a\u0001b</t>')).toContain('控制字符');
    expect(refused('<t>\uFFFE</t>')).toContain('控制字符');
  });

  it('malformed markup', () => {
    expect(refused('<a><b></a></b>')).toContain('结束标记');
    expect(refused('<a>')).toContain('没有结束');
    expect(refused('<a/><b/>')).toContain('多个根元素');
    expect(refused('x<a/>')).toContain('根元素之外');
    expect(refused('<a x="1" x="2"/>')).toContain('重复');
    expect(refused('<a x="1<2"/>')).toContain('<');
    expect(refused('<a x=1/>')).toContain('引号');
    expect(refused('<a x="1"y="2"/>')).toContain('空格');
    expect(refused('')).toContain('没有根元素');
    expect(refused('<a><!-- never closed</a>')).toContain('注释');
  });

  it('an encoding other than UTF-8', () => {
    expect(refused('<?xml version="1.0" encoding="UTF-16"?><a/>')).toContain('UTF-16');
    expect(tokens('<?xml version="1.0" encoding="utf-8" standalone="yes"?><a/>')).toEqual(['<a>', '</a>']);
  });

  it('nesting deeper than 128, more than 100 attributes', () => {
    expect(tokens(`${'<e>'.repeat(128)}${'</e>'.repeat(128)}`)).toHaveLength(256);
    expect(refused(`${'<e>'.repeat(129)}${'</e>'.repeat(129)}`)).toContain('嵌套超过 128 层');
    expect(refused(`<a ${Array.from({ length: 101 }, (_v, i) => `a${i}="1"`).join(' ')}/>`)).toContain('属性过多');
  });
});

describe('what it reads', () => {
  it('the predefined entities and numeric references, once (&amp;lt; stays &lt;)', () => {
    expect(tokens('<t a="&quot;&lt;&#x41;&#66;">&amp;lt; &#38;lt; &apos;&gt;&#x1F600;</t>')).toEqual(['<t a="<AB>', '"&lt; &lt; \'>😀"', '</t>']);
  });

  it('line ends as XML reads them: \\r\\n and \\r in text as \\n, tabs and line ends in attributes as spaces', () => {
    expect(tokens('<t a="x\ty\r\nz">a\r\nb\rc&#13;</t>')).toEqual(['<t a=x y z>', '"a\\nb\\nc\\r"', '</t>']);
  });

  it('CDATA as text, comments and processing instructions skipped, a byte order mark ignored', () => {
    expect(tokens('\uFEFF<?xml version="1.0"?><!-- c --><a><![CDATA[<b>&amp;]]><?pi x?></a>')).toEqual(['<a>', '"<b>&amp;"', '</a>']);
  });

  it('prefixed names and attributes: local names, and one prefixed attribute per local name', () => {
    const x = new XmlReader('<x:sheet xmlns:r="urn:r" name="a" r:id="rId1"/>');
    expect(x.next()).toBe(XML_START);
    expect([x.name, x.local, x.attr('name'), x.attr('id'), x.prefixedAttr('id')]).toEqual(['x:sheet', 'sheet', 'a', undefined, 'rId1']);
    const two = new XmlReader('<sheet r:id="rId1" q:id="rId2"/>');
    two.next();
    expect(() => two.prefixedAttr('id')).toThrow(XmlError);
  });
});

describe('time in proportion to size', () => {
  const timed = (xml: string) => {
    const t0 = performance.now();
    tokens(xml);
    return performance.now() - t0;
  };

  it('200,000 text nodes, 200,000 elements with attributes, 2 MB of entities: each in seconds (a quadratic scan would take minutes)', () => {
    // Each would take minutes if every text looked for the next `&` to the end of the part.
    expect(timed(`<r>${'<a>text</a>'.repeat(200_000)}</r>`)).toBeLessThan(5_000);
    expect(timed(`<r>${'<a x="1" y="2" z="3"/>'.repeat(200_000)}</r>`)).toBeLessThan(5_000);
    expect(timed(`<r><t>${'&quot;&#x41;'.repeat(200_000)}</t></r>`)).toBeLessThan(5_000);
    expect(timed(`<r>${'<a>&lt;</a>\r\n'.repeat(100_000)}</r>`)).toBeLessThan(5_000);
    // 100 attributes of equal length on each of 10,000 elements: checked for repeats in linear time.
    const wide = `<a ${Array.from({ length: 100 }, (_v, i) => `n${String(i).padStart(3, '0')}="1"`).join(' ')}/>`;
    expect(timed(`<r>${wide.repeat(10_000)}</r>`)).toBeLessThan(5_000);
  });
});
