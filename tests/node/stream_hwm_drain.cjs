// Twin of tests/test_stream_order.c: stream_hwm_drain.  highWaterMark 10
// bytes; the sink completes each write on setImmediate.  write() returns
// false at or above the mark, 'drain' comes once the buffer is empty, end()
// gives 'finish' then 'close'.
const { Writable } = require('stream');
const log = (s) => console.log(s);
const w = new Writable({
  highWaterMark: 10,
  write(chunk, enc, cb) {
    log('_write ' + chunk.toString());
    setImmediate(() => { log('done ' + chunk.toString()); cb(); });
  },
});
w.on('drain', () => {
  log('drain len=' + w.writableLength);
  w.end(() => log('end cb'));
  log('after end');
});
w.on('finish', () => log('finish'));
w.on('close', () => log('close'));
for (const s of ['aaaa', 'bbbb', 'cccc', 'dddd']) {
  const r = w.write(s, () => log('cb ' + s));
  log('write ' + s + ' ' + r + ' len=' + w.writableLength + ' needDrain=' + w.writableNeedDrain);
}
process.nextTick(() => log('tick'));
