// Node twin of bench/http_parse.c: llhttp through Node's HTTPParser binding
// (what http.Server uses), on the same two requests, GB/s per CPU second
// (process.cpuUsage, as the C side uses its thread's CPU time), best of 3.
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const { HTTPParser } = require("_http_common");

const req703 = Buffer.from(
    "GET /wp-content/uploads/2010/03/hello-kitty-darth-vader-pink.jpg HTTP/1.1\r\n" +
    "Host: www.kittyhell.com\r\n" +
    "User-Agent: Mozilla/5.0 (Macintosh; U; Intel Mac OS X 10.6; ja-JP-mac; rv:1.9.2.3) " +
    "Gecko/20100401 Firefox/3.6.3 Pathtraq/0.9\r\n" +
    "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n" +
    "Accept-Language: ja,en-us;q=0.7,en;q=0.3\r\n" +
    "Accept-Encoding: gzip,deflate\r\n" +
    "Accept-Charset: Shift_JIS,utf-8;q=0.7,*;q=0.7\r\n" +
    "Keep-Alive: 115\r\n" +
    "Connection: keep-alive\r\n" +
    "Cookie: wp_ozh_wsa_visits=2; wp_ozh_wsa_visit_lasttime=xxxxxxxxxx; " +
    "__utma=xxxxxxxxx.xxxxxxxxxx.xxxxxxxxxx.xxxxxxxxxx.xxxxxxxxxx.x; " +
    "__utmz=xxxxxxxxx.xxxxxxxxxx.x.x.utmccn=(referral)|utmcsr=reader.livedoor.com|" +
    "utmcct=/reader/|utmcmd=referral\r\n" +
    "\r\n");
const reqmin = Buffer.from("GET / HTTP/1.1\r\nHost: a\r\n\r\n");

function gbps(buf) {
    let done = 0;
    const parser = new HTTPParser();
    parser.initialize(HTTPParser.REQUEST, {});
    parser[HTTPParser.kOnHeadersComplete] = () => { done++; };
    let best = 0;
    for (let round = 0; round < 3; round++) {
        const c0 = process.cpuUsage();
        let n = 0, t;
        do {
            for (let i = 0; i < 10000; i++) {
                const r = parser.execute(buf);
                if (r !== buf.length) throw new Error("parse failed: " + r);
            }
            n += 10000;
            const c = process.cpuUsage(c0);
            t = (c.user + c.system) / 1e6;
        } while (t < 0.5);
        best = Math.max(best, (n * buf.length) / t / 1e9);
    }
    if (done === 0) throw new Error("no message parsed");
    return best;
}

console.log(`BENCH parse_703B ${gbps(req703).toFixed(3)} GB/s higher`);
console.log(`BENCH parse_minimal ${gbps(reqmin).toFixed(3)} GB/s higher`);
