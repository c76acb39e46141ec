// Twin of tests/test_stream_order.c: stream_for_await.  for await over a
// readable fed from setImmediate; the loop ends after 'end' and 'close'.
const { Readable } = require('stream');
const log = (s) => console.log(s);
const data = ['x1', 'x2', 'x3'];
let i = 0;
const r = new Readable({
  read() {
    setImmediate(() => { if (i < data.length) this.push(data[i++]); else this.push(null); });
  },
});
r.on('end', () => log('end'));
r.on('close', () => log('close'));
(async () => {
  for await (const c of r) log('got ' + c.toString());
  log('loop done');
})();
