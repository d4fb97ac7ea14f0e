import { format } from 'node:util';
import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

/**
 * Keys whose values never reach a log line, at any of the first levels of nesting. These paths only
 * matter for child-logger bindings: logged objects are cleaned by `redactSecrets` at any depth.
 */
const SECRET_KEYS = [
  'apiKey', 'api_key', 'apikey', 'openapikey', 'password', 'newPassword', 'currentPassword', 'passwordHash',
  'token', 'accessToken', 'refreshToken', 'secret', 'masterKey', 'authorization', 'cookie', 'set-cookie',
  'credentials', 'setupToken', 'Authorization', 'Cookie', 'Set-Cookie', 'x-api-key', 'X-Api-Key', 'clientSecret',
];

function redactPaths(depth: number): string[] {
  const paths: string[] = [];
  for (const key of SECRET_KEYS) {
    const leaf = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`;
    for (let d = 0; d <= depth; d++) {
      const prefix = '*.'.repeat(d);
      // Bracket paths (for keys like set-cookie) attach without the dot: *["set-cookie"].
      paths.push(leaf.startsWith('[') ? `${prefix.slice(0, -1)}${leaf}` : `${prefix}${leaf}`);
    }
  }
  return paths;
}

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
  return pino(
    {
      level: opts.level ?? 'info',
      name: opts.name ?? 'smartship',
      redact: { paths: redactPaths(4), censor: '[Redacted]' },
      serializers: {
        err: (err: unknown) => (err instanceof Error ? serializeError(err) : redactSecrets(err)),
      },
      formatters: {
        // The `err` key stays an Error for its serializer (which redacts too); everything else is cleaned here.
        log: (obj) => Object.fromEntries(Object.entries(obj).map(([key, value]) => [key, key === 'err' && value instanceof Error ? value : isSecretKey(key) && value != null ? '[Redacted]' : redactSecrets(value)])),
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
}
