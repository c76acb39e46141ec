// Twin of tests/test_stream_order.c: stream_transform_flush.  An upper-case
// transform whose flush pushes a tail; the output read in paused mode.
const { Transform } = require('stream');
const log = (s) => console.log(s);
const t = new Transform({
  transform(chunk, enc, cb) {
    log('transform ' + chunk.toString());
    this.push(chunk.toString().toUpperCase());
    cb();
  },
  flush(cb) {
    log('flush');
    this.push('<tail>');
    setImmediate(() => { log('flush done'); cb(); });
  },
});
t.on('readable', () => {
  let c;
  log('readable');
  while ((c = t.read()) !== null) log('read ' + c.toString());
});
t.on('finish', () => log('finish'));
t.on('end', () => log('end'));
t.on('close', () => log('close'));
t.write('hello ');
t.write('world');
t.end();
log('main');
