import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { decodeBody } from '../../src/marketplaces/elevenst/codec.ts';
import { readXml, XmlError } from '../../src/marketplaces/elevenst/xml.ts';

const fixtures = join(import.meta.dirname, '../fixtures/elevenst');
const lists = new Set(['order', 'product', 'ProductStock', 'productComponent']);
// The reference: fast-xml-parser with the options the codec used before this reader.
const reference = new XMLParser({ removeNSPrefix: true, ignoreAttributes: true, ignoreDeclaration: true, ignorePiTags: true, parseTagValue: false, trimValues: true, isArray: (name) => lists.has(name) });

describe('11st XML reader', () => {
  const files = readdirSync(fixtures).filter((f) => f.endsWith('.xml'));
  const malformed = files.filter((f) => f.startsWith('malformed'));

  it.each(files.filter((f) => !malformed.includes(f)))('reads %s exactly as fast-xml-parser does', (file) => {
    const text = decodeBody(readFileSync(join(fixtures, file)));
    expect(readXml(text, lists)).toEqual(reference.parse(text));
  });

  it.each(malformed)('refuses the malformed fixture %s', (file) => {
    expect(() => readXml(decodeBody(readFileSync(join(fixtures, file))), lists)).toThrow(XmlError);
  });

  it('keeps 17-digit ids and Hangul as text, drops the ns2 prefix, lists single rows', () => {
    const doc = readXml('<?xml version="1.0" encoding="euc-kr"?><ns2:orders xmlns:ns2="x"><ns2:order><ordNo>20261126100000002</ordNo><rcvrNm>똠햏뷁샾</rcvrNm><memo/></ns2:order></ns2:orders>', lists);
    expect(doc).toEqual({ orders: { order: [{ ordNo: '20261126100000002', rcvrNm: '똠햏뷁샾', memo: '' }] } });
  });

  it('decodes entities and keeps CDATA literal', () => {
    expect(readXml('<a><b>A &amp; B &lt;1&gt; &#54620;&#xAE00;</b><c><![CDATA[x &amp; <y>]]></c></a>')).toEqual({ a: { b: 'A & B <1> 한글', c: 'x &amp; <y>' } });
  });

  it.each([
    ['a document cut mid-element', '<ns2:orders><ns2:order><ordNo>2026'],
    ['a mismatched closing tag', '<a><b>1</c></a>'],
    ['text outside the root', '<a>1</a>trailing'],
    ['two roots', '<a>1</a><b>2</b>'],
    ['a bare ampersand', '<a>A & B</a>'],
    ['an unknown entity', '<a>&nbsp;</a>'],
    ['a DOCTYPE', '<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>'],
    ['no root at all', '   '],
    ['an HTML error page', '<html><body><h1>502 Bad Gateway</h1><hr></body></html>'],
  ])('refuses %s', (_what, text) => {
    expect(() => readXml(text)).toThrow(XmlError);
  });
});
