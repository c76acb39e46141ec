// Twin of tests/test_stream_order.c: stream_readable_event.  Paused mode:
// on('readable') and read(n) across pushed chunks, read() of the rest, and
// the end.
const { Readable } = require('stream');
const log = (s) => console.log(s);
const r = new Readable({ highWaterMark: 4, read() {} });
r.on('readable', () => {
  log('readable len=' + r.readableLength);
  let c;
  while ((c = r.read(3)) !== null) log('read3 ' + c.toString());
  log('left ' + r.readableLength);
});
r.on('end', () => log('end'));
r.on('close', () => log('close'));
log('push ' + r.push('ab'));
log('push ' + r.push('cde'));
setImmediate(() => {
  log('push ' + r.push('fg'));
  r.push(null);
  log('pushed null');
});
