/**
 * A strict, small XML reader for 11st answers. 11st documents are elements and text only, so this
 * reads exactly that: local element names (the `ns2:` prefix dropped), leaves as trimmed text with the
 * XML entities decoded, repeated elements (and those named in `lists`) as arrays. Attributes,
 * the declaration, comments and processing instructions are skipped; CDATA is text; a DOCTYPE is
 * refused (no entity expansion). Anything not well-formed throws XmlError.
 *
 * Why not fast-xml-parser here: on a 3,000-row order list (≈6.5 MB, 165,000 elements) it takes about
 * a second of CPU, blocking the event loop for that long on every call; this reader takes about a
 * quarter of that (bench/xml.ts, docs/performance.md). The sandbox tests still check the wire format
 * with fast-xml-parser, and a test compares both readers on every fixture.
 */
export class XmlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XmlError';
  }
}

export type XmlNode = { [name: string]: XmlValue };
export type XmlValue = string | XmlNode | XmlValue[];

interface Frame {
  qname: string;
  local: string;
  node: XmlNode | undefined;
  text: string;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(text: string, at: number): string {
  if (!text.includes('&')) return text;
  return text.replace(/&([^;&\s]{0,10});?/g, (whole, name: string) => {
    if (!whole.endsWith(';')) throw new XmlError(`a bare "&" in text near offset ${at}`);
    if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(parseInt(name.slice(1), 10));
    const known = ENTITIES[name];
    if (known === undefined) throw new XmlError(`unknown entity &${name}; near offset ${at}`);
    return known;
  });
}

const localName = (qname: string) => qname.slice(qname.indexOf(':') + 1);

// A value is never an array itself, so an array under a name is always a list this reader made.
function addChild(parent: XmlNode, name: string, value: XmlValue, lists: ReadonlySet<string>): void {
  const existing = parent[name];
  if (Array.isArray(existing)) existing.push(value);
  else if (existing !== undefined) parent[name] = [existing, value];
  else parent[name] = lists.has(name) ? [value] : value;
}

/** Reads one XML document into `{ rootLocalName: value }`. */
export function readXml(text: string, lists: ReadonlySet<string> = new Set()): XmlNode {
  const stack: Frame[] = [];
  let root: XmlNode | undefined;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const lt = text.indexOf('<', i);
    const end = lt < 0 ? n : lt;
    if (end > i) {
      const segment = text.slice(i, end);
      const top = stack[stack.length - 1];
      if (top) top.text += decodeEntities(segment, i);
      else if (segment.trim() !== '') throw new XmlError(`text outside the root element near offset ${i}`);
    }
    if (lt < 0) break;
    if (text.startsWith('<?', lt)) {
      const close = text.indexOf('?>', lt + 2);
      if (close < 0) throw new XmlError('unterminated processing instruction');
      i = close + 2;
      continue;
    }
    if (text.startsWith('<!--', lt)) {
      const close = text.indexOf('-->', lt + 4);
      if (close < 0) throw new XmlError('unterminated comment');
      i = close + 3;
      continue;
    }
    if (text.startsWith('<![CDATA[', lt)) {
      const close = text.indexOf(']]>', lt + 9);
      const top = stack[stack.length - 1];
      if (close < 0 || !top) throw new XmlError('CDATA outside an element or unterminated');
      top.text += text.slice(lt + 9, close);
      i = close + 3;
      continue;
    }
    if (text.startsWith('<!', lt)) throw new XmlError('DOCTYPE and other declarations are not accepted');
    const gt = findTagEnd(text, lt);
    if (text[lt + 1] === '/') {
      const qname = text.slice(lt + 2, gt).trim();
      const frame = stack.pop();
      if (!frame) throw new XmlError(`closing tag </${qname}> without an open element`);
      if (frame.qname !== qname) throw new XmlError(`closing tag </${qname}> does not match <${frame.qname}>`);
      close(frame);
      i = gt + 1;
      continue;
    }
    const selfClosing = text[gt - 1] === '/';
    const inner = text.slice(lt + 1, selfClosing ? gt - 1 : gt);
    const qname = /^[^\s/>]+/.exec(inner)?.[0];
    if (!qname || !/^[A-Za-z_][\w.:-]*$/.test(qname)) throw new XmlError(`bad element name near offset ${lt}`);
    if (stack.length === 0 && root !== undefined) throw new XmlError('more than one root element');
    const frame: Frame = { qname, local: localName(qname), node: undefined, text: '' };
    if (selfClosing) close(frame);
    else stack.push(frame);
    i = gt + 1;
  }
  if (stack.length > 0) throw new XmlError(`the document ends inside <${stack[stack.length - 1]!.qname}>`);
  if (root === undefined) throw new XmlError('no root element');
  return root;

  function close(frame: Frame): void {
    const value: XmlValue = frame.node ?? frame.text.trim();
    const parent = stack[stack.length - 1];
    if (parent) addChild((parent.node ??= {}), frame.local, value, lists);
    else root = { [frame.local]: value };
  }
}

/** The `>` that ends the tag starting at `lt`, skipping quoted attribute values. */
function findTagEnd(text: string, lt: number): number {
  let quote: string | undefined;
  for (let j = lt + 1; j < text.length; j++) {
    const c = text[j];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') return j;
    else if (c === '<') break;
  }
  throw new XmlError(`unterminated tag near offset ${lt}`);
}
