// Writes bench/data/records.json, the document bench/json.c and
// bench/peers/json.mjs parse and stringify: an API-style array of 2500
// records (ids, names, prose with escapes and non-ASCII, prices and
// coordinates, booleans, nulls, tags, nested objects), about 1.3 MB,
// deterministic (xorshift seeded), so every run and both sides use the
// same bytes.  Run: node bench/data/make_json.mjs
import fs from 'node:fs';

let s = 0x2545f491n;
function rnd() {
  s ^= (s << 13n) & 0xffffffffn;
  s ^= s >> 17n;
  s ^= (s << 5n) & 0xffffffffn;
  return Number(s & 0xffffffffn);
}
const words = ['lorem', 'ipsum', 'dolor', 'sit', 'amet', 'café', 'naïve', 'über', '東京', 'emoji 😀',
  'quote "x"', 'path\\to', 'tab\there', 'line\nbreak', 'async', 'runtime', 'event', 'loop', 'promise', 'stream'];
const pick = (a) => a[rnd() % a.length];
const text = (n) => Array.from({ length: n }, () => pick(words)).join(' ');
const records = [];
for (let i = 0; i < 2500; i++) {
  records.push({
    id: 100000 + i,
    uuid: `${(rnd() >>> 0).toString(16)}-${(rnd() >>> 0).toString(16)}`,
    name: text(2),
    active: rnd() % 2 === 0,
    score: (rnd() % 100000) / 100,
    ratio: rnd() / 4294967296,
    location: { lat: (rnd() % 18000000) / 100000 - 90, lng: (rnd() % 36000000) / 100000 - 180 },
    tags: Array.from({ length: rnd() % 5 }, () => pick(words)),
    bio: text(6 + (rnd() % 12)),
    parent: rnd() % 3 === 0 ? null : 100000 + (rnd() % 2500),
    counts: [rnd() % 1000, rnd() % 100000, -(rnd() % 50)],
  });
}
fs.writeFileSync(new URL('records.json', import.meta.url), JSON.stringify(records, null, 1));
