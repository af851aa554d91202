// What a browser does with an app's cookies, for the e2e suites and `npm run bench:next`: `Set-Cookie` lines
// parsed, a cookie jar for one origin that applies them as a browser does (a set replaces, `Max-Age` ≤ 0 or a
// past `Expires` deletes), and requests that send the jar and never follow redirects. Values are kept as the
// server wrote them, as a browser keeps them.

/**
 * A `Set-Cookie` line's name, value and attributes (lower-cased keys; `true` for a flag).
 * @param {string} line
 * @returns {{ name: string, value: string, attrs: Record<string, string | true> }}
 */
export function parseSetCookie(line) {
  const [pair, ...attributes] = line.split(';');
  const eq = pair.indexOf('=');
  /** @type {Record<string, string | true>} */
  const attrs = {};
  for (const a of attributes) {
    const i = a.indexOf('=');
    const key = (i === -1 ? a : a.slice(0, i)).trim().toLowerCase();
    attrs[key] = i === -1 ? true : a.slice(i + 1).trim();
  }
  return { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim(), attrs };
}

/** @param {Record<string, string | true>} attrs */
const deletes = (attrs) =>
  attrs['max-age'] !== undefined ? Number(attrs['max-age']) <= 0 : typeof attrs.expires === 'string' && Date.parse(attrs.expires) <= Date.now();

/** A browser's cookie jar for one origin: `cookies` maps names to values. */
export class Jar {
  /** @param {Iterable<[string, string]>} [entries] */
  constructor(entries = []) {
    this.cookies = new Map(entries);
  }

  /** Applies a response's `Set-Cookie` lines, in order. @param {string[]} lines */
  apply(lines) {
    for (const line of lines) {
      const { name, value, attrs } = parseSetCookie(line);
      if (deletes(attrs)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  /** The `Cookie` header the browser sends. */
  header() {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

/** @typedef {{ name: string, value: string }} Cookie */

/**
 * A jar given as `{ name, value }` entries, after a response's `Set-Cookie` lines.
 * @param {Cookie[]} jar
 * @param {string[]} lines
 * @returns {Cookie[]}
 */
export function applySetCookies(jar, lines) {
  const next = new Jar(jar.map(({ name, value }) => [name, value]));
  next.apply(lines);
  return [...next.cookies].map(([name, value]) => ({ name, value }));
}

/** A `Cookie` header from `{ name, value }` entries. @param {Cookie[]} jar */
export const cookieHeader = (jar) => jar.map(({ name, value }) => `${name}=${value}`).join('; ');

/**
 * One request, never following redirects: the jar's cookies sent (or `cookie`, a header as it is) beside any
 * extra `headers`, and the response's `Set-Cookie` lines applied to the jar. Returns the status, `Location`,
 * the `Set-Cookie` lines, the body as text and as JSON (when it is), and the response's headers.
 * @param {string} url
 * @param {{ jar?: Jar, cookie?: string, method?: string, body?: unknown, headers?: Record<string, string>, timeoutMs: number }} options
 */
export async function request(url, { jar, cookie, method = 'GET', body, headers: extra = {}, timeoutMs }) {
  /** @type {Record<string, string>} */
  const headers = { ...extra };
  const cookies = cookie ?? jar?.header();
  if (cookies) headers.cookie = cookies;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    redirect: 'manual',
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  const setCookie = response.headers.getSetCookie();
  jar?.apply(setCookie);
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, location: response.headers.get('location'), setCookie, text, json, headers: response.headers };
}
