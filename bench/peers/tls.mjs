// Node twin of bench/tls.c: node:tls in one process over 127.0.0.1,
// TLS 1.2, the same certificates (tests/tls_certs.sh), the same metrics.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import tls from "node:tls";

const secs = Number(process.env.TLS_BENCH_SECS || 2);
const dir = `/tmp/tls-bench-node-${process.pid}`;
execFileSync("sh", ["tests/tls_certs.sh", dir], { stdio: "ignore" });
const rd = (n) => fs.readFileSync(`${dir}/${n}`);
const ca = rd("ca.crt");
const ciphers = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256";
const common = { minVersion: "TLSv1.2", maxVersion: "TLSv1.2", ciphers, noDelay: true };

function server(cert, key) {
    let got = 0;
    const s = tls.createServer({ ...common, cert: rd(cert), key: rd(key) }, (c) => {
        c.on("data", (b) => { got += b.length; });
        c.on("end", () => c.end());
        c.on("error", () => {});
    });
    return new Promise((res) => s.listen(0, "127.0.0.1", () => res({ s, got: () => got })));
}

function connect(port, session) {
    return new Promise((res, rej) => {
        let sess = null, reused = false;
        const c = tls.connect({ ...common, port, host: "127.0.0.1", servername: "localhost", ca, session }, () => {
            sess = c.getSession();
            reused = c.isSessionReused();
            c.end();
        });
        c.on("error", rej);
        c.on("close", () => res({ sess, reused }));
        c.resume();
    });
}

async function handshakes(cert, key, resumed) {
    const { s } = await server(cert, key);
    const port = s.address().port;
    const first = await connect(port);
    const t0 = performance.now();
    let n = 0;
    while (performance.now() - t0 < secs * 1000) {
        const r = await connect(port, resumed ? first.sess : undefined);
        if (resumed && !r.reused) throw new Error("not resumed");
        n++;
    }
    const dt = (performance.now() - t0) / 1000;
    s.close();
    return n / dt;
}

console.log(`BENCH hs_ecdsa ${(await handshakes("chain.crt", "leaf.key", false)).toFixed(1)} handshakes/s higher`);
console.log(`BENCH hs_ecdsa_resumed ${(await handshakes("chain.crt", "leaf.key", true)).toFixed(1)} handshakes/s higher`);
console.log(`BENCH hs_rsa ${(await handshakes("rsa.crt", "rsa.key", false)).toFixed(1)} handshakes/s higher`);
console.log(`BENCH hs_rsa_resumed ${(await handshakes("rsa.crt", "rsa.key", true)).toFixed(1)} handshakes/s higher`);

{
    const want = 256 * 1024 * 1024;
    const srv = await server("chain.crt", "leaf.key");
    const chunk = Buffer.alloc(16384);
    const t0 = performance.now();
    await new Promise((res, rej) => {
        const c = tls.connect({ ...common, port: srv.s.address().port, host: "127.0.0.1", servername: "localhost", ca }, () => {
            let sent = 0;
            const pump = () => {
                while (sent < want) {
                    sent += chunk.length;
                    if (!c.write(chunk)) return;
                }
                c.end();
            };
            c.on("drain", pump);
            pump();
        });
        c.on("error", rej);
        c.on("close", res);
        c.resume();
    });
    const dt = (performance.now() - t0) / 1000;
    console.log(`BENCH bulk_aes128gcm ${(srv.got() / 1e6 / dt).toFixed(1)} MB/s higher`);
    srv.s.close();
}
fs.rmSync(dir, { recursive: true, force: true });
