// How long does reading one 3,000-row 11st order list take: fast-xml-parser (validate + parse, as the
// codec did first) against the codec's own reader? Same text, same machine, one run.
//   npx tsx bench/xml.ts
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { readXml } from '../src/marketplaces/elevenst/xml.ts';

const lists = new Set(['order']);
const row = (i: number) =>
  `<ns2:order>${Array.from({ length: 55 }, (_, k) => {
    const name = `f${String(k).padStart(2, '0')}`;
    const value = k % 5 === 0 ? '경기도 성남시 분당구 판교역로 235 (똠햏빌딩)' : k % 7 === 0 ? 'null' : String(20261126100000000 + i);
    return `<${name}>${value}</${name}>`;
  }).join('')}</ns2:order>`;
const text = `<?xml version="1.0" encoding="euc-kr" standalone="yes"?><ns2:orders xmlns:ns2="http://skt.tmall.business.openapi.spring.service.client.domain/">${Array.from({ length: 3000 }, (_, i) => row(i)).join('')}</ns2:orders>`;
const fxp = new XMLParser({ removeNSPrefix: true, ignoreAttributes: true, ignoreDeclaration: true, ignorePiTags: true, parseTagValue: false, trimValues: true, isArray: (n) => lists.has(n) });

function time(fn: () => unknown, runs = 5): number {
  fn(); // warm up
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    samples.push(performance.now() - t);
  }
  return samples.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

const a = time(() => {
  XMLValidator.validate(text);
  return fxp.parse(text);
});
const b = time(() => readXml(text, lists));
console.log(`3,000 rows × 55 fields, ${(text.length / 2 ** 20).toFixed(1)} M characters; median of 5`);
console.log(`fast-xml-parser validate + parse  ${a.toFixed(0)} ms`);
console.log(`codec reader (xml.ts)             ${b.toFixed(0)} ms   ${(a / b).toFixed(1)}× faster`);
