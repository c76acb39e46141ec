// Twin of tests/test_fs_stream.c (fs_stream_read_order): fs.createReadStream
// chunk sizes and event order, one scenario after the other, on a
// 200000-byte file in a fresh temporary directory (printed as <dir>).
const fs = require('fs');
const os = require('os');
const path = require('path');
const log = (s) => console.log(s);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'asyrt-node-'));
const data = Buffer.alloc(200000);
for (let i = 0; i < data.length; i++) data[i] = (i * 7 + 3) & 255;
fs.writeFileSync(path.join(dir, 'data.bin'), data);
fs.writeFileSync(path.join(dir, 'empty.bin'), '');
fs.mkdirSync(path.join(dir, 'sub'));

const errLine = (e) => `error ${e.code}` + (e.syscall ? ' ' + e.message.split(dir).join('<dir>') : '');

function run(name, file, opts, hooks = {}) {
  return new Promise((resolve) => {
    log(`-- ${name}`);
    const rs = fs.createReadStream(file === null ? null : path.join(dir, file), opts);
    let n = 0;
    rs.on('open', () => log('open'));
    rs.on('ready', () => log('ready'));
    rs.on('data', (c) => {
      log(`data ${c.length} bytesRead=${rs.bytesRead}`);
      if (hooks.data) hooks.data(rs, n++);
    });
    rs.on('end', () => {
      log('end');
      if (hooks.end) hooks.end(rs);
    });
    rs.on('error', (e) => log(errLine(e)));
    rs.on('close', () => {
      log(`close pending=${rs.pending}`);
      if (hooks.close) hooks.close(rs);
      resolve();
    });
  });
}

async function forAwait(name, opts) {
  log(`-- ${name}`);
  const rs = fs.createReadStream(path.join(dir, 'data.bin'), opts);
  rs.on('open', () => log('open'));
  rs.on('ready', () => log('ready'));
  rs.on('end', () => log('end'));
  rs.on('close', () => log('close'));
  for await (const c of rs) log(`chunk ${c.length}`);
  log('loop done');
}

(async () => {
  await run('default', 'data.bin', {});
  await run('start-end-hwm', 'data.bin', { start: 100, end: 50099, highWaterMark: 16384 });
  await run('one-byte', 'data.bin', { start: 10, end: 10 });
  await run('end-only', 'data.bin', { end: 2499, highWaterMark: 1000 });
  await run('start-near-eof', 'data.bin', { start: 199990 });
  await run('start-past-eof', 'data.bin', { start: 300000 });
  await run('end-past-eof', 'data.bin', { start: 150000, end: 999999 });
  await run('empty', 'empty.bin', {});
  await run('missing', 'nope.bin', {});
  await run('directory', 'sub', {});
  await run('destroy-mid', 'data.bin', { highWaterMark: 16384 }, {
    data: (rs, i) => { if (i === 1) { log('destroy'); rs.destroy(); } },
  });
  await run('destroy-error', 'data.bin', {}, {
    data: (rs) => { log('destroy EIO'); rs.destroy(Object.assign(new Error('boom'), { code: 'EIO' })); },
  });
  await run('no-autoclose', 'data.bin', { autoClose: false, start: 0, end: 99 }, {
    end: (rs) => {
      log(`fd open=${typeof rs.fd === 'number'} pending=${rs.pending}`);
      setImmediate(() => { log('destroy'); rs.destroy(); });
    },
  });
  const fd = fs.openSync(path.join(dir, 'data.bin'), 'r');
  await run('fd', null, { fd, start: 199000 }, {
    close: () => {
      let closed = false;
      try { fs.fstatSync(fd); } catch (e) { closed = e.code === 'EBADF'; }
      log(`fd closed=${closed}`);
    },
  });
  await forAwait('for-await', { highWaterMark: 50000 });
  fs.rmSync(dir, { recursive: true, force: true });
})();
