// Prints the lowercase-mapping table of asyncrt_impl/path/casefold.c from the
// running Node's String.prototype.toLowerCase (which follows the Unicode
// version V8 ships).  Regenerate with:  node scripts/gen-path-casefold.mjs
// and paste the rows over the table.  Mappings to more than one code point
// (only U+0130 today) are handled by hand in casefold.c and reported here.
const ranges = [];
const multi = [];
for (let cp = 0; cp <= 0x10ffff; cp++) {
  if (cp >= 0xd800 && cp <= 0xdfff) continue;
  const s = String.fromCodePoint(cp);
  const lower = [...s.toLowerCase()].map((c) => c.codePointAt(0));
  if (lower.length === 1 && lower[0] === cp) continue;
  if (lower.length !== 1) { multi.push(cp); continue; }
  const delta = lower[0] - cp;
  const r = ranges[ranges.length - 1];
  // A run maps every code point (stride 1) or every other one (stride 2,
  // the upper/lower pairs of Latin Extended, Greek, Cyrillic...) by delta.
  if (r && r.delta === delta &&
      ((r.stride === 0 && (cp - r.last === 1 || cp - r.last === 2)) ||
       (r.stride !== 0 && cp - r.last === r.stride))) {
    if (r.stride === 0) r.stride = cp - r.last;
    r.last = cp;
  } else {
    ranges.push({ first: cp, last: cp, delta, stride: 0 });
  }
}
// casefold.c finds a run by binary search on `first`: runs must not overlap.
for (let i = 1; i < ranges.length; i++) {
  if (ranges[i].first <= ranges[i - 1].last) throw new Error(`runs overlap at ${ranges[i].first}`);
}
const hex = (n) => '0x' + n.toString(16).toUpperCase().padStart(4, '0');
const rows = ranges.map((r) => `    {${hex(r.first)}, ${hex(r.last)}, ${r.delta}, ${r.stride || 1}},`);
console.log(`/* ${ranges.length} runs, Node ${process.version}, Unicode ${process.versions.unicode} */`);
console.log(rows.join('\n'));
console.error(`multi-code-point lowercase: ${multi.map(hex).join(' ')}`);
