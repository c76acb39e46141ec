// Node twin of tests/test_json_node.c: reads NUL-separated JSON texts from
// the file in argv[2], and for each writes JSON.stringify(v) NUL
// JSON.stringify(v, null, 2) NUL, where v = JSON.parse(text).
'use strict';
const fs = require('fs');
const data = fs.readFileSync(process.argv[2]);
const out = [];
let start = 0;
for (let i = 0; i <= data.length; i++) {
  if (i === data.length || data[i] === 0) {
    if (i > start) {
      const v = JSON.parse(data.subarray(start, i).toString('utf8'));
      out.push(JSON.stringify(v), '\0', JSON.stringify(v, null, 2), '\0');
    }
    start = i + 1;
  }
}
process.stdout.write(out.join(''));
