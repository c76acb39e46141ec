// Twin of tests/test_stream_order.c: stream_pause_resume.  A readable that
// pushes synchronously from _read; the consumer pauses after the second
// chunk and resumes from setImmediate.
const { Readable } = require('stream');
const log = (s) => console.log(s);
const items = ['one', 'two', 'three', 'four'];
let n = 0;
const r = new Readable({
  highWaterMark: 8,
  read(size) {
    log('_read ' + size);
    if (n < items.length) this.push(items[n++]); else this.push(null);
  },
});
log('flowing ' + r.readableFlowing);
r.on('data', (c) => {
  log('data ' + c.toString() + ' len=' + r.readableLength);
  if (c.toString() === 'two') {
    r.pause();
    log('paused ' + r.isPaused() + ' flowing ' + r.readableFlowing);
    setImmediate(() => { log('resume'); r.resume(); });
  }
});
r.on('pause', () => log('pause event'));
r.on('resume', () => log('resume event'));
r.on('end', () => log('end'));
r.on('close', () => log('close'));
log('flowing ' + r.readableFlowing);
process.nextTick(() => log('tick'));
