// Twin of tests/test_coro_order.c: where V8 resumes async functions among
// promise reactions, nextTick, immediates and timers.
const { setTimeout: sleep } = require('timers/promises');
const log = (s) => console.log(s);
let resolveLater;
const later = new Promise((r) => { resolveLater = r; });
async function child(name) {
  log('child.' + name + '.start');
  await null;
  log('child.' + name + '.end');
  return name;
}
async function a() {
  log('a.start');
  await null;
  log('a.1');
  process.nextTick(() => log('a.tick'));
  await Promise.resolve();
  log('a.2');
  const v = await later;
  log('a.later ' + v);
  try {
    await Promise.reject(new Error('boom'));
  } catch (e) {
    log('a.caught');
  }
  await sleep(1);
  log('a.slept');
  return 'A';
}
async function b() {
  log('b.start');
  const c = await child('x');
  log('b.got ' + c);
  return child('y');
}
a().then((v) => log('a.done ' + v));
b().then((v) => log('b.done ' + v));
Promise.resolve().then(() => log('p1')).then(() => log('p2')).then(() => log('p3'))
  .then(() => log('p4')).then(() => log('p5')).then(() => log('p6'));
process.nextTick(() => log('tick'));
setImmediate(() => {
  log('immediate');
  resolveLater('L');
  Promise.resolve().then(() => log('immediate.then'));
  process.nextTick(() => log('immediate.tick'));
});
log('main.end');
