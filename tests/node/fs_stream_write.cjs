// Twin of tests/test_fs_stream.c (fs_stream_write_order): fs.createWriteStream
// with Node's flags, start, highWaterMark, cork, destroy and fd, one
// scenario after the other in a fresh temporary directory (<dir>).
const fs = require('fs');
const os = require('os');
const path = require('path');
const log = (s) => console.log(s);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'asyrt-node-'));
fs.mkdirSync(path.join(dir, 'sub'));
const P = (f) => path.join(dir, f);
const errLine = (e) => `error ${e.code}` + (e.syscall ? ' ' + e.message.split(dir).join('<dir>') : '');
const cb = (name) => (e) => log(e ? `${name} ${e.code}` : name);

function run(name, file, opts, body) {
  return new Promise((resolve) => {
    log(`-- ${name}`);
    const ws = fs.createWriteStream(file === null ? null : P(file), opts);
    ws.on('open', () => log('open'));
    ws.on('ready', () => {
      log('ready');
      if (body.ready) body.ready(ws);
    });
    ws.on('drain', () => {
      log('drain');
      if (body.drain) body.drain(ws);
    });
    ws.on('finish', () => {
      log(`finish bytesWritten=${ws.bytesWritten}`);
      if (body.finish) body.finish(ws);
    });
    ws.on('error', (e) => log(errLine(e)));
    ws.on('close', () => {
      log(`close pending=${ws.pending} bytesWritten=${ws.bytesWritten}`);
      if (body.close) body.close(ws);
      if (file !== null && fs.existsSync(P(file)) && fs.statSync(P(file)).isFile())
        log(`content ${JSON.stringify(fs.readFileSync(P(file), 'latin1'))}`);
      resolve();
    });
    if (body.main) body.main(ws);
  });
}

(async () => {
  await run('w', 'out.txt', {}, {
    main: (ws) => {
      log(`write1 ${ws.write('hello ', cb('cb1'))}`);
      log(`write2 ${ws.write('world', cb('cb2'))}`);
      ws.end(cb('end cb'));
    },
  });
  await run('a', 'out.txt', { flags: 'a' }, {
    main: (ws) => { ws.write('!!', cb('cb1')); ws.end('?', cb('end cb')); },
  });
  await run('wx', 'out.txt', { flags: 'wx' }, {
    main: (ws) => { ws.write('lost', cb('cb1')); },
  });
  fs.writeFileSync(P('patch.txt'), 'abcdefgh');
  await run('r+ start', 'patch.txt', { flags: 'r+', start: 2 }, {
    main: (ws) => { ws.end('XY'); },
  });
  await run('w start', 'gap.txt', { start: 3 }, {
    main: (ws) => { ws.end('abc'); },
  });
  await run('hwm', 'hwm.txt', { highWaterMark: 4 }, {
    main: (ws) => {
      log(`write1 ${ws.write('abc', cb('cb1'))}`);
      log(`write2 ${ws.write('de', cb('cb2'))}`);
    },
    drain: (ws) => ws.end('f', cb('end cb')),
  });
  await run('write then writev', 'v.txt', {}, {
    ready: (ws) => {
      ws.write('a', cb('cba'));
      ws.write('b', cb('cbb'));
      ws.write('c', cb('cbc'));
      ws.end(cb('end cb'));
    },
  });
  await run('cork', 'cork.txt', {}, {
    ready: (ws) => {
      ws.cork();
      ws.write('x', cb('cbx'));
      ws.write('', cb('cb-empty'));
      ws.write('yz', cb('cbyz'));
      process.nextTick(() => { log('uncork'); ws.uncork(); ws.end(); });
    },
  });
  await run('directory', 'sub', {}, { main: () => {} });
  await run('destroy-buffered', 'buf.txt', {}, {
    ready: (ws) => {
      ws.write('abc', cb('cb1'));
      log('destroy');
      ws.destroy();
    },
  });
  await run('destroy-in-flight', 'mid.txt', {}, {
    ready: (ws) => setImmediate(() => {
      ws.write('abc', cb('cb1'));
      log('destroy');
      ws.destroy();
    }),
  });
  await run('no-autoclose', 'keep.txt', { autoClose: false }, {
    main: (ws) => ws.end('kept'),
    finish: (ws) => {
      log(`fd open=${typeof ws.fd === 'number'}`);
      setImmediate(() => { log('destroy'); ws.destroy(); });
    },
  });
  const fd = fs.openSync(P('fd.txt'), 'w');
  await run('fd', null, { fd }, {
    main: (ws) => ws.end('via fd'),
    close: () => {
      let closed = false;
      try { fs.fstatSync(fd); } catch (e) { closed = e.code === 'EBADF'; }
      log(`fd closed=${closed} content ${JSON.stringify(fs.readFileSync(P('fd.txt'), 'latin1'))}`);
    },
  });
  await run('flush', 'flush.txt', { flush: true }, { main: (ws) => ws.end('synced') });
  fs.rmSync(dir, { recursive: true, force: true });
})();
