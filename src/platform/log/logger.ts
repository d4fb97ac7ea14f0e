import { IncomingMessage, ServerResponse } from 'node:http';
import { format } from 'node:util';
import { pino, type Bindings, type Logger, type DestinationStream } from 'pino';

export type { Logger };

// A key is secret when, lower-cased without - and _, it ends with one of these: X-Api-Key, clientSecret, Set-Cookie, csrfToken…
const SECRET_KEY = /(apikeys?|passwords?|passwordhash|passwd|passphrase|pwd|secrets?|tokens?|authorization|cookies?|credentials?|privatekey|masterkey|sessionid)$/;

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key.toLowerCase().replace(/[-_]/g, ''));
}

const SECRET_IN_TEXT =
  /(openapikey|authorization|api[_-]?key|passw(?:or)?d|client[_-]?secret|token|session[_-]?id)(["'\\\s:=]+)((?:bearer|basic|digest)\s+)?[^\s"',;&\\]+/gi;
// A cookie header holds several name=value pairs: everything up to the end of the quote or line goes.
const COOKIE_IN_TEXT = /((?:set-)?cookie)(["'\\\s:=]+)[^"'\\\r\n]+/gi;
const BEARER_IN_TEXT = /\b(bearer)\s+[\w.~+/=-]+/gi;

/** Scrubs secrets written inline in free text (URLs, error messages): `apiKey=abc` → `apiKey=[Redacted]`. */
export function scrubText(text: string): string {
  return text
    .replace(COOKIE_IN_TEXT, (_m, name: string, sep: string) => `${name}${sep}[Redacted]`)
    .replace(SECRET_IN_TEXT, (_m, name: string, sep: string, scheme: string | undefined) => `${name}${sep}${scheme ?? ''}[Redacted]`)
    .replace(BEARER_IN_TEXT, (_m, scheme: string) => `${scheme} [Redacted]`);
}

function serializeError(err: Error): unknown {
  return redactSecrets(pino.stdSerializers.err(err));
}

/** A fastify request (or a bare IncomingMessage) as its log line shows it; anything else is cleaned like any value. */
function serializeRequest(req: unknown): unknown {
  if (!isHttpObject(req)) return redactSecrets(req);
  const r = req as { method?: string; url?: string; host?: string; ip?: string; socket?: { remoteAddress?: string; remotePort?: number } };
  return {
    method: r.method,
    // A mall-style query (?openapikey=…) or a token link may carry a secret.
    url: typeof r.url === 'string' ? scrubText(r.url) : r.url,
    host: r.host,
    remoteAddress: r.ip ?? r.socket?.remoteAddress,
    remotePort: r.socket?.remotePort,
  };
}

/** A fastify reply (or a bare ServerResponse) as its status code; anything else is cleaned like any value. */
function serializeReply(res: unknown): unknown {
  return isHttpObject(res) ? { statusCode: (res as { statusCode?: number }).statusCode } : redactSecrets(res);
}

/** fastify's Request and Reply hold the node object as `raw`; node's own have a socket. */
function isHttpObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && ('raw' in value || value instanceof IncomingMessage || value instanceof ServerResponse);
}

const SERIALIZED = new Set(['err', 'req', 'res']);

/**
 * A copy of a value to log with secret-named keys censored at any depth (any letter case) and
 * secrets scrubbed from every string; errors anywhere are serialized the same way.
 */
export function redactSecrets(value: unknown, path: object[] = []): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (value === null || typeof value !== 'object') return value;
  if (path.includes(value)) return '[Circular]';
  if (path.length >= 16) return '[Too deep]';
  if (value instanceof Error) return serializeError(value);
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return redactSecrets(toJSON.call(value), path); // Date, URL, Buffer…
  const inner = [...path, value];
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, inner));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = isSecretKey(key) && item !== undefined && item !== null ? '[Redacted]' : redactSecrets(item, inner);
  return out;
}

export function createLogger(opts: { level?: string; name?: string; destination?: DestinationStream } = {}): Logger {
  const logger = pino(
    {
      level: opts.level ?? 'info',
      name: opts.name ?? 'smartship',
      // These also replace fastify's req/res serializers (fastify puts the instance's own last).
      serializers: {
        err: (err: unknown) => (err instanceof Error ? serializeError(err) : redactSecrets(err)),
        req: serializeRequest,
        res: serializeReply,
      },
      formatters: {
        // pino calls this before the serializers: `err`, `req` and `res` reach theirs as they are (each
        // redacts too), everything else is cleaned here.
        log: (obj) => Object.fromEntries(Object.entries(obj).map(([key, value]) => [key, SERIALIZED.has(key) ? value : isSecretKey(key) && value != null ? '[Redacted]' : redactSecrets(value)])),
      },
      hooks: {
        // Messages are free text: scrub what looks like "key=secret", after filling in %s placeholders,
        // and write the message of a logged error ourselves (pino would copy err.message unscrubbed).
        logMethod(args, method) {
          const out: unknown[] = [...args];
          const at = typeof out[0] === 'string' ? 0 : typeof out[1] === 'string' ? 1 : -1;
          if (at >= 0) {
            const template = out[at] as string;
            const rest = out.slice(at + 1);
            out.splice(at, out.length - at, ...(rest.length > 0 && /%[sdifjoOc]/.test(template) ? [scrubText(format(template, ...rest))] : [scrubText(template), ...rest]));
          } else if (out[0] instanceof Error) {
            out.splice(1, out.length - 1, scrubText(out[0].message));
          } else if (typeof out[0] === 'object' && out[0] !== null && (out[0] as { err?: unknown }).err instanceof Error && !('msg' in out[0])) {
            out.splice(1, out.length - 1, scrubText(((out[0] as { err: Error }).err).message));
          }
          method.apply(this, out as Parameters<typeof method>);
        },
      },
    },
    opts.destination,
  );
  // Child-logger bindings (connectionId, reqId… or a careless apiKey) are cleaned on the way in: pino
  // applies `formatters.bindings` to the root's bindings only, never to a child's. Children inherit
  // these methods from the root (pino makes each child with Object.create), fastify's request loggers too.
  const { child, setBindings } = logger;
  logger.child = function (this: Logger, bindings, options) {
    return child.call(this, redactSecrets(bindings) as Bindings, options);
  } as Logger['child'];
  logger.setBindings = function (this: Logger, bindings: Bindings) {
    setBindings.call(this, redactSecrets(bindings) as Bindings);
  };
  return logger;
}
