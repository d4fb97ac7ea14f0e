import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

/** Keys whose values never reach a log line, at any of the first levels of nesting. */
const SECRET_KEYS = [
  'apiKey', 'api_key', 'apikey', 'openapikey', 'password', 'newPassword', 'currentPassword', 'passwordHash',
  'token', 'accessToken', 'refreshToken', 'secret', 'masterKey', 'authorization', 'cookie', 'set-cookie',
  'credentials', 'setupToken',
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

const SECRET_IN_TEXT = /(openapikey|authorization|api[_-]?key|password|token|cookie)(["'\s:=]+)([^\s"',;&]+)/gi;

/** Scrubs secrets written inline in free text (URLs, error messages): `apiKey=abc` → `apiKey=[Redacted]`. */
export function scrubText(text: string): string {
  return text.replace(SECRET_IN_TEXT, (_m, name: string, sep: string) => `${name}${sep}[Redacted]`);
}

export function createLogger(opts: { level?: string; name?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: opts.level ?? 'info',
      name: opts.name ?? 'smartship',
      redact: { paths: redactPaths(4), censor: '[Redacted]' },
      serializers: {
        err: (err: Error) => {
          const out = pino.stdSerializers.err(err);
          out.message = scrubText(out.message);
          if (out.stack) out.stack = scrubText(out.stack);
          return out;
        },
      },
      hooks: {
        // Messages are free text; scrub what looks like "key=secret" in them too.
        logMethod(args, method) {
          const scrubbed = args.map((a) => (typeof a === 'string' ? scrubText(a) : a)) as typeof args;
          method.apply(this, scrubbed);
        },
      },
    },
    opts.destination,
  );
}
