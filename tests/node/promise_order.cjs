// Twin of tests/test_promise_order.c: how V8 interleaves promise jobs with
// nextTick, timers and immediates.  The spin makes Node's 1 ms timer
// minimum elapse so the timer runs before the immediate, as in asyncrt.
const spin = (ms) => { const end = Date.now() + ms; while (Date.now() < end); };
const log = (s) => console.log(s);
const a = Promise.resolve('a');
a.then(() => log('a1')).then(() => log('a2')).then(() => log('a3')).then(() => log('a4')).then(() => log('a5'));
const b = Promise.resolve().then(() => { log('b1'); return Promise.resolve('b'); });
b.then(() => log('b.adopted'));
Promise.resolve().finally(() => log('f1')).then(() => log('f1.after'));
Promise.reject(new Error('x')).finally(() => log('f2')).catch(() => log('f2.caught'));
Promise.reject(new Error('r')).then(() => log('never')).catch(() => log('r.caught'));
Promise.all([Promise.resolve(1), Promise.resolve(2)]).then(() => log('all'));
Promise.race([Promise.resolve(1), Promise.resolve(2)]).then(() => log('race'));
Promise.allSettled([Promise.resolve(1), Promise.reject(new Error('s'))]).then(() => log('allSettled'));
Promise.any([Promise.reject(new Error('y')), Promise.resolve(2)]).then(() => log('any'));
Promise.all([]).then(() => log('all.empty'));
Promise.any([]).catch(() => log('any.empty'));
new Promise((r) => r(Promise.resolve(3))).then(() => log('resolve.with.promise'));
process.nextTick(() => {
  log('tick');
  Promise.resolve().then(() => log('tick.then'));
  process.nextTick(() => log('tick.tick'));
});
Promise.resolve().then(() => {
  log('then.queues.tick');
  process.nextTick(() => log('then.tick'));
});
let resolvePending;
const pending = new Promise((r) => { resolvePending = r; });
pending.then(() => log('pending.then1'));
pending.then(() => log('pending.then2')).then(() => log('pending.then2.then'));
setTimeout(() => {
  log('timer');
  resolvePending();
  process.nextTick(() => log('timer.tick'));
  Promise.resolve().then(() => log('timer.then'));
  spin(3);
}, 0);
setImmediate(() => {
  log('immediate');
  Promise.race([pending, new Promise(() => {})]).then(() => log('immediate.race'));
});
log('main');
spin(3);
