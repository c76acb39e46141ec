// Twin of tests/test_stream_order.c: stream_sync_write.  The sink completes
// every write synchronously: callbacks and 'drain' come on nextTick, and
// callbacks sharing one function share one tick.
const { Writable } = require('stream');
const log = (s) => console.log(s);
const w = new Writable({
  highWaterMark: 6,
  write(chunk, enc, cb) { log('_write ' + chunk.toString()); cb(); },
});
w.on('drain', () => log('drain'));
w.on('finish', () => log('finish'));
w.on('close', () => log('close'));
const cb = () => log('cb');
log('w1 ' + w.write('abcd', cb));
log('w2 ' + w.write('efgh', cb));
log('w3 ' + w.write('ij'));
process.nextTick(() => {
  log('tick1');
  log('w4 ' + w.write('kl', () => log('cb4')));
  w.end(() => log('end cb'));
  process.nextTick(() => log('tick2'));
});
log('main');
