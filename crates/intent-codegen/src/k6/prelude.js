// What the expressions of the spec mean, as `intent run` evaluates them (crates/intent-runner,
// eval.rs): an absent field is `undefined`, reading a field of it is absent too, equality is
// structural, and an expression that cannot be evaluated throws, which fails its check.
const I = {
  fail(message) {
    throw new Error(message);
  },
  show(v) {
    return v === undefined ? 'absent' : JSON.stringify(v);
  },
  isObject(v) {
    return v !== null && typeof v === 'object' && !Array.isArray(v);
  },
  // A check holds when its expression is true; one that throws does not hold.
  holds(f) {
    try {
      return f() === true;
    } catch (e) {
      return false;
    }
  },
  truth(v) {
    return typeof v === 'boolean' ? v : I.fail(`expected true or false, found ${I.show(v)}`);
  },
  num(v) {
    return typeof v === 'number' ? v : I.fail(`expected a number, found ${I.show(v)}`);
  },
  str(v, f) {
    return typeof v === 'string' ? v : I.fail(`\`${f}\` expects a string argument`);
  },
  field(v, k) {
    if (v === undefined || v === null) return undefined;
    if (I.isObject(v)) return Object.prototype.hasOwnProperty.call(v, k) ? v[k] : undefined;
    return I.fail(`${I.show(v)} has no field \`${k}\``);
  },
  index(v, i) {
    if (v === undefined || v === null) return undefined;
    if (Array.isArray(v) && typeof i === 'number') return i >= 0 && i < v.length ? v[Math.trunc(i)] : undefined;
    if (I.isObject(v) && typeof i === 'string') return I.field(v, i);
    return I.fail(`cannot index ${I.show(v)} with ${I.show(i)}`);
  },
  // The body as JSON, or as text when it is not JSON.
  body(r) {
    try {
      return r.json();
    } catch (e) {
      return r.body;
    }
  },
  size(r) {
    return typeof r.body === 'string' ? r.body.length : 0;
  },
  // Header names are case-insensitive; a header that was not sent is absent.
  header(r, name) {
    const want = I.str(name, 'header').toLowerCase();
    for (const k in r.headers) if (k.toLowerCase() === want) return r.headers[k];
    return undefined;
  },
  headers(r) {
    const out = {};
    for (const k in r.headers) out[k.toLowerCase()] = r.headers[k];
    return out;
  },
  eq(a, b) {
    if ((a === undefined || a === null) && (b === undefined || b === null)) return true;
    if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => I.eq(x, b[i]));
    if (I.isObject(a) && I.isObject(b)) {
      const keys = Object.keys(a);
      return keys.length === Object.keys(b).length && keys.every((k) => k in b && I.eq(a[k], b[k]));
    }
    return a === b;
  },
  cmp(a, b) {
    if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
    if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
    return I.fail(`cannot order ${I.show(a)} and ${I.show(b)}`);
  },
  isIn(a, b) {
    if (Array.isArray(b)) return b.some((x) => I.eq(a, x));
    if (typeof b === 'string') return typeof a === 'string' && b.includes(a);
    if (I.isObject(b)) return typeof a === 'string' && a in b;
    return I.fail(`\`in\` needs a list, a range or a string, found ${I.show(b)}`);
  },
  inRange(a, lo, hi) {
    return I.cmp(a, lo) >= 0 && I.cmp(a, hi) <= 0;
  },
  contains(a, b) {
    if (Array.isArray(a) && !(b instanceof RegExp)) return a.some((x) => I.eq(x, b));
    if (a === undefined) return false;
    const haystack = typeof a === 'string' ? a : JSON.stringify(a);
    if (b instanceof RegExp) return b.test(haystack);
    return haystack.includes(typeof b === 'string' ? b : JSON.stringify(b));
  },
  matches(a, re) {
    return typeof a === 'string' ? re.test(a) : I.fail(`\`matches\` needs a string, found ${I.show(a)}`);
  },
  startsWith(a, b) {
    return I.str(a, 'starts with').startsWith(I.str(b, 'starts with'));
  },
  endsWith(a, b) {
    return I.str(a, 'ends with').endsWith(I.str(b, 'ends with'));
  },
  add(a, b) {
    return typeof a === 'string' && typeof b === 'string' ? a + b : I.num(a) + I.num(b);
  },
  every(items, f) {
    return I.list(items).every((x) => I.truth(f(x)));
  },
  some(items, f) {
    return I.list(items).some((x) => I.truth(f(x)));
  },
  list(v) {
    if (v === undefined || v === null) return [];
    return Array.isArray(v) ? v : I.fail(`\`every\`/\`some\` needs a list, found ${I.show(v)}`);
  },
  len(v) {
    if (v === undefined || v === null) return 0;
    if (typeof v === 'string') return Array.from(v).length;
    if (Array.isArray(v)) return v.length;
    if (I.isObject(v)) return Object.keys(v).length;
    return I.fail(`\`len\` needs a string, list or object, found ${I.show(v)}`);
  },
  within(a, b, tolerance, isShare) {
    const allowed = isShare ? (Math.abs(I.num(b)) * tolerance) / 100 : I.num(tolerance);
    return Math.abs(I.num(a) - I.num(b)) <= allowed;
  },
  // A value sent as text: a string as it is, anything else as compact JSON; a quantity with
  // its unit. An absent value is never sent.
  text(v, unit) {
    if (v === undefined) return I.fail('a value to send is absent (a field or header that was not in the response)');
    if (unit !== undefined) return `${v}${unit}`;
    return typeof v === 'string' ? v : JSON.stringify(v);
  },
  // Every character but letters, digits and `- _ . ~` percent-encoded, as the runner does.
  enc(v) {
    return encodeURIComponent(v).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
  },
  // `pairs` of names and values already as text.
  query(url, pairs) {
    if (pairs.length === 0) return url;
    const encoded = pairs.map(([k, v]) => `${I.enc(k)}=${I.enc(v)}`).join('&');
    return url + (url.includes('?') ? '&' : '?') + encoded;
  },
  form(v) {
    if (!I.isObject(v)) return I.fail(`a form body must be an object, found ${I.show(v)}`);
    const out = {};
    for (const k in v) out[k] = typeof v[k] === 'string' ? v[k] : JSON.stringify(v[k]);
    return out;
  },
  env(name, fallback) {
    const value = __ENV[name];
    if (value !== undefined) return value;
    if (arguments.length > 1) return fallback;
    return I.fail(`the environment variable ${name} is not set`);
  },
  base(url) {
    const text = I.str(url, 'target');
    if (!/^https?:\/\//.test(text)) I.fail(`a target URL must start with http:// or https://, found ${text}`);
    return text.replace(/\/+$/, '');
  },
  randomInt(lo, hi) {
    const [a, b] = [Math.trunc(I.num(lo)), Math.trunc(I.num(hi))];
    if (b < a) I.fail(`random.int(${a}, ${b}): the upper bound is below the lower`);
    return a + Math.floor(Math.random() * (b - a + 1));
  },
  randomString(n) {
    const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    let out = '';
    for (let i = 0; i < Math.min(Math.max(I.num(n), 0), 10000); i++) out += chars[Math.floor(Math.random() * chars.length)];
    return out;
  },
  randomEmail() {
    let user = '';
    for (let i = 0; i < 10; i++) user += 'abcdefghijklmnopqrstuvwxyz'[Math.floor(Math.random() * 26)];
    return `${user}@example.com`;
  },
  uuid() {
    return 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'.replace(/[xy]/g, (c) => {
      const r = Math.floor(Math.random() * 16);
      return (c === 'x' ? r : (r & 3) | 8).toString(16);
    });
  },
  now() {
    return new Date().toISOString();
  },
  // A condition of `rate(...)`, at the end of an iteration; one that cannot be evaluated is
  // not counted, as under `intent run`.
  record(metric, condition) {
    let held;
    try {
      held = I.truth(condition());
    } catch (e) {
      return;
    }
    metric.add(held);
  },
};
