import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../shared/canonical';

describe('canonicalJson (RFC 8785 for our value space)', () => {
  it('reproduces the RFC 8785 §3.2.2 example', () => {
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],' +
        ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}',
    ) as unknown;
    expect(canonicalJson(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('sorts member names by UTF-16 code units, as RFC 8785 §3.2.3 does', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    // U+1F600 is the surrogate pair D83D DE00, so it sorts before U+FB33 (code point order would not).
    expect(canonicalJson(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","ö":"Latin Small Letter O With Diaeresis",' +
        '"€":"Euro Sign","😀":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('is the same text whatever order the keys were inserted in, with no whitespace', () => {
    expect(canonicalJson({ b: [1, { d: 2, c: 3 }], a: '市人社局' })).toBe('{"a":"市人社局","b":[1,{"c":3,"d":2}]}');
    expect(canonicalJson({ a: '市人社局', b: [1, { c: 3, d: 2 }] })).toBe(canonicalJson({ b: [1, { d: 2, c: 3 }], a: '市人社局' }));
  });

  it('writes -0 as 0 and drops undefined properties', () => {
    expect(canonicalJson({ x: -0, y: undefined, z: null })).toBe('{"x":0,"z":null}');
    expect(canonicalJson(Object.assign(Object.create(null) as object, { k: 1 }))).toBe('{"k":1}');
  });

  it('refuses what has no single JSON text', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(TypeError);
    expect(() => canonicalJson({ a: Number.POSITIVE_INFINITY })).toThrow(/有限数值/);
    expect(() => canonicalJson([1, undefined])).toThrow(TypeError);
    expect(() => canonicalJson({ when: new Date(0) })).toThrow(/普通对象/);
    expect(() => canonicalJson(new Map())).toThrow(TypeError);
    expect(() => canonicalJson(10n)).toThrow(TypeError);
    expect(() => canonicalJson(() => 1)).toThrow(TypeError);
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(() => canonicalJson(loop)).toThrow(/循环引用/);
  });

  it('allows the same object twice when it is not a cycle', () => {
    const shared = { n: 1 };
    expect(canonicalJson({ a: shared, b: [shared] })).toBe('{"a":{"n":1},"b":[{"n":1}]}');
  });

  it('escapes lone surrogates so the text stays well-formed', () => {
    expect(canonicalJson('a\ud800b')).toBe('"a\\ud800b"');
  });
});
