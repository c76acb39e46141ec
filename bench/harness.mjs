#!/usr/bin/env node
// asyncrt benchmark harness (node 20, no packages).
//
//   node bench/harness.mjs --build <builddir> [options] [NAME...]
//
// Every bench/<name>.c is a benchmark; `make bench-build` has built it as
// <build>/bench/<name>.  Its peers are <build>/bench/peers/<name>_uv (from
// bench/peers/<name>_uv.c, the libuv twin) and bench/peers/<name>.mjs (the
// Node twin, run with this node), and any bench/peers/<name>_<kind>.sh (a
// peer named <kind>, e.g. http_hello_nginx.sh).  Each program prints lines
//
//   BENCH <metric> <value> <unit> <higher|lower>
//
// and nothing else matters in its output.  Every program runs RUNS times,
// asyncrt and its peers alternating (A P A P ...) so machine noise falls on
// both alike; the medians go into one markdown table whose ratio column is
// always "higher is better for asyncrt".  The table is printed on stdout and
// written with an SVG chart of the ratios to <results>/latest.md and
// latest.svg.  Those files hold the rows of the last run only: a run with
// NAME filters replaces them with just those rows.
//
// A program that exits non-zero, times out, prints no BENCH line or a
// malformed one is reported as FAILED (its stderr shown) and the harness
// exits 1 at the end.  Usage errors exit 2.
//
// Options (environment variable in brackets):
//   --build DIR        where make put the binaries (required)
//   --bench-dir DIR    folder of <name>.c and peers/ (default: this folder)
//   --results DIR      where latest.md / latest.svg go (default: <bench-dir>/results)
//   --runs N           runs per program [BENCH_RUNS] (default 5)
//   --timeout SECONDS  limit per run [BENCH_TIMEOUT] (default 120)

import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));

function usage(msg) {
    if (msg) process.stderr.write(`harness: ${msg}\n`);
    process.stderr.write(
        "usage: node bench/harness.mjs --build DIR [--bench-dir DIR] [--results DIR]\n" +
            "                              [--runs N] [--timeout SECONDS] [NAME...]\n",
    );
    process.exit(2);
}

function positiveNumber(text, what) {
    const v = Number(text);
    if (!Number.isFinite(v) || v <= 0) usage(`${what} must be a positive number, not '${text}'`);
    return v;
}

function parseArgs(argv) {
    const opt = {
        build: null,
        benchDir: HERE,
        results: null,
        runs: process.env.BENCH_RUNS || "5",
        timeout: process.env.BENCH_TIMEOUT || "120",
        names: [],
    };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        const value = () => {
            if (i + 1 >= argv.length) usage(`${a} needs a value`);
            return argv[++i];
        };
        if (a === "--build") opt.build = value();
        else if (a === "--bench-dir") opt.benchDir = value();
        else if (a === "--results") opt.results = value();
        else if (a === "--runs") opt.runs = value();
        else if (a === "--timeout") opt.timeout = value();
        else if (a === "-h" || a === "--help") usage();
        else if (a.startsWith("-")) usage(`unknown option ${a}`);
        else opt.names.push(...a.split(/\s+/).filter(Boolean));
    }
    if (!opt.build) usage("--build is required");
    opt.runs = positiveNumber(opt.runs, "runs");
    if (!Number.isInteger(opt.runs)) usage("runs must be an integer");
    opt.timeoutMs = positiveNumber(opt.timeout, "timeout") * 1000;
    opt.benchDir = path.resolve(opt.benchDir);
    opt.build = path.resolve(opt.build);
    opt.results = path.resolve(opt.results || path.join(opt.benchDir, "results"));
    return opt;
}

// ---- discovery -----------------------------------------------------------

function discover(opt) {
    let files;
    try {
        files = fs.readdirSync(opt.benchDir);
    } catch (e) {
        usage(`cannot read ${opt.benchDir}: ${e.message}`);
    }
    let names = files.filter((f) => f.endsWith(".c")).map((f) => f.slice(0, -2)).sort();
    if (opt.names.length) {
        const unknown = opt.names.filter((n) => !names.includes(n));
        if (unknown.length) {
            usage(`no benchmark named ${unknown.join(", ")} (have: ${names.join(", ") || "none"})`);
        }
        names = names.filter((n) => opt.names.includes(n));
    }
    return names.map((name) => {
        const programs = [{ kind: "asyncrt", cmd: path.join(opt.build, "bench", name), args: [] }];
        // A peer whose source exists but whose binary is missing fails loudly.
        if (fs.existsSync(path.join(opt.benchDir, "peers", `${name}_uv.c`))) {
            programs.push({
                kind: "libuv",
                cmd: path.join(opt.build, "bench", "peers", `${name}_uv`),
                args: [],
            });
        }
        const mjs = path.join(opt.benchDir, "peers", `${name}.mjs`);
        if (fs.existsSync(mjs)) programs.push({ kind: "node", cmd: process.execPath, args: [mjs] });
        // Other peers are shell scripts peers/<name>_<kind>.sh (servers such
        // as nginx under a load generator): the kind names the peer.
        const peerDir = path.join(opt.benchDir, "peers");
        const scripts = fs.existsSync(peerDir)
            ? fs.readdirSync(peerDir).filter((f) => f.startsWith(`${name}_`) && f.endsWith(".sh")).sort()
            : [];
        for (const f of scripts) {
            programs.push({ kind: f.slice(name.length + 1, -3), cmd: "/bin/sh", args: [path.join(peerDir, f)] });
        }
        for (const p of programs) {
            p.runs = []; // one Map metric -> {value, unit, dir} per successful run
            p.failure = null;
        }
        return { name, programs };
    });
}

// ---- running -------------------------------------------------------------

let current = null; // the running child, ended if we are interrupted

for (const sig of ["SIGINT", "SIGTERM"]) {
    process.on(sig, () => {
        if (current) killGroup(current);
        process.stderr.write(`\nharness: interrupted\n`);
        process.exit(130);
    });
}

function killGroup(child) {
    // The program runs in its own process group so servers or load
    // generators it started go with it.
    try {
        process.kill(-child.pid, "SIGKILL");
    } catch {
        try {
            child.kill("SIGKILL");
        } catch {
            /* already gone */
        }
    }
}

function runOnce(prog, timeoutMs) {
    return new Promise((resolve) => {
        const t0 = process.hrtime.bigint();
        let child;
        try {
            child = spawn(prog.cmd, prog.args, {
                stdio: ["ignore", "pipe", "pipe"],
                detached: true,
            });
        } catch (e) {
            resolve({ error: `cannot start: ${e.message}`, stdout: "", stderr: "" });
            return;
        }
        current = child;
        const out = [];
        const err = [];
        let timedOut = false;
        let spawnError = null;
        child.stdout.on("data", (d) => out.push(d));
        child.stderr.on("data", (d) => err.push(d));
        const timer = setTimeout(() => {
            timedOut = true;
            killGroup(child);
        }, timeoutMs);
        child.on("error", (e) => {
            spawnError = e;
        });
        child.on("close", (code, signal) => {
            clearTimeout(timer);
            current = null;
            const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
            const stdout = Buffer.concat(out).toString("utf8");
            const stderr = Buffer.concat(err).toString("utf8");
            let error = null;
            if (spawnError && spawnError.code === "ENOENT") error = `${prog.cmd} is missing (not built?)`;
            else if (spawnError) error = `cannot start: ${spawnError.message}`;
            else if (timedOut) error = `timed out after ${timeoutMs / 1000} s`;
            else if (signal) error = `killed by ${signal}`;
            else if (code !== 0) error = `exit status ${code}`;
            resolve({ error, stdout, stderr, seconds });
        });
    });
}

const BENCH_LINE = /^BENCH\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s*$/;

// The metrics of one run, or {error} when the output breaks the protocol.
function parseOutput(stdout) {
    const metrics = new Map();
    for (const raw of stdout.split(/\r?\n/)) {
        if (!/^BENCH(\s|$)/.test(raw)) continue;
        const m = BENCH_LINE.exec(raw);
        if (!m) return { error: `malformed line '${raw}'` };
        const [, metric, text, unit, dir] = m;
        const value = Number(text);
        if (!Number.isFinite(value)) return { error: `value is not a number in '${raw}'` };
        if (dir !== "higher" && dir !== "lower") {
            return { error: `direction must be higher or lower in '${raw}'` };
        }
        if (metrics.has(metric)) return { error: `metric ${metric} printed twice` };
        metrics.set(metric, { value, unit, dir });
    }
    if (metrics.size === 0) return { error: "printed no BENCH line" };
    return { metrics };
}

function lastLines(text, n) {
    const lines = text.replace(/\s+$/, "").split("\n");
    return lines.slice(-n);
}

const progressIsTty = process.stderr.isTTY;
function progress(line) {
    if (progressIsTty) process.stderr.write(`\r\x1b[K${line}`);
    else process.stderr.write(`${line}\n`);
}
function progressEnd() {
    if (progressIsTty) process.stderr.write("\r\x1b[K");
}

async function runAll(benches, opt) {
    for (const [bi, bench] of benches.entries()) {
        const tag = `[${bi + 1}/${benches.length}] ${bench.name}`;
        for (let run = 1; run <= opt.runs; run++) {
            for (const prog of bench.programs) {
                if (prog.failure) continue; // it failed once: its figures are void
                progress(`${tag}: ${prog.kind} run ${run}/${opt.runs}`);
                const r = await runOnce(prog, opt.timeoutMs);
                let error = r.error;
                let parsed = null;
                if (!error) {
                    parsed = parseOutput(r.stdout);
                    error = parsed.error;
                }
                if (error) {
                    prog.failure = { run, error };
                    progressEnd();
                    process.stderr.write(`${tag}: ${prog.kind} run ${run}/${opt.runs} FAILED: ${error}\n`);
                    // stderr says why; without a BENCH line stdout may too
                    const shown = r.stderr.trim() ? r.stderr : r.error ? "" : r.stdout;
                    for (const l of lastLines(shown, 20)) {
                        if (l) process.stderr.write(`    | ${l}\n`);
                    }
                    continue;
                }
                prog.runs.push(parsed.metrics);
            }
        }
    }
    progressEnd();
}

// ---- results -------------------------------------------------------------

function median(values) {
    const v = [...values].sort((a, b) => a - b);
    const mid = v.length >> 1;
    return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

// Per-metric medians of a program: Map metric -> {value, unit, dir, n}.
function medians(prog) {
    const acc = new Map();
    for (const run of prog.runs) {
        for (const [metric, m] of run) {
            if (!acc.has(metric)) acc.set(metric, { unit: m.unit, dir: m.dir, values: [] });
            acc.get(metric).values.push(m.value);
        }
    }
    const res = new Map();
    for (const [metric, a] of acc) res.set(metric, { unit: a.unit, dir: a.dir, value: median(a.values) });
    return res;
}

function fmtNum(v) {
    if (!Number.isFinite(v)) return String(v);
    if (Math.abs(v) >= 1000) return String(Math.round(v));
    return String(Number(v.toPrecision(4)));
}

// Rows of the table: one per metric and peer (or per metric with "-" when
// the benchmark has no peer).  A failed program contributes FAILED cells.
function buildRows(benches) {
    const problems = []; // protocol problems found when comparing
    const rows = [];
    const metricOwners = new Map();
    const perBench = benches.map((bench) => {
        const [a, ...peers] = bench.programs;
        const am = a.failure ? new Map() : medians(a);
        const pm = peers.map((p) => (p.failure ? new Map() : medians(p)));
        // metric order: asyncrt's, then any the peers add
        const metrics = [...am.keys()];
        for (const p of peers) {
            for (const run of p.runs) for (const k of run.keys()) if (!metrics.includes(k)) metrics.push(k);
        }
        for (const run of a.runs) for (const k of run.keys()) if (!metrics.includes(k)) metrics.push(k);
        for (const m of metrics) metricOwners.set(m, (metricOwners.get(m) || 0) + 1);
        return { bench, a, peers, am, pm, metrics };
    });
    for (const { bench, a, peers, am, pm, metrics } of perBench) {
        const label = (m) => (metricOwners.get(m) > 1 ? `${bench.name}/${m}` : m);
        if (metrics.length === 0) metrics.push(null); // nothing known: one row for the program
        for (const metric of metrics) {
            const av = metric && am.get(metric);
            const base = {
                bench: bench.name,
                label: metric ? label(metric) : bench.name,
                asyncrt: a.failure ? "FAILED" : av ? fmtNum(av.value) : "-",
                unit: av ? av.unit : "-",
            };
            if (peers.length === 0) {
                rows.push({ ...base, peer: "-", peerValue: "-", ratio: "-", ratioValue: null });
                continue;
            }
            peers.forEach((p, i) => {
                const pv = metric && pm[i].get(metric);
                const row = {
                    ...base,
                    peer: p.kind,
                    peerValue: p.failure ? "FAILED" : pv ? fmtNum(pv.value) : "-",
                    ratio: "-",
                    ratioValue: null,
                };
                if (row.unit === "-" && pv) row.unit = pv.unit;
                if (av && pv) {
                    if (av.unit !== pv.unit || av.dir !== pv.dir) {
                        row.ratio = "mismatch";
                        problems.push(
                            `${bench.name}: metric ${metric} is '${av.unit} ${av.dir}' for asyncrt ` +
                                `but '${pv.unit} ${pv.dir}' for ${p.kind}`,
                        );
                    } else {
                        // always "higher is better for asyncrt"
                        const r = av.dir === "higher" ? av.value / pv.value : pv.value / av.value;
                        if (Number.isFinite(r) && r > 0) {
                            row.ratioValue = r;
                            row.ratio = `${r.toFixed(2)}x`;
                        }
                    }
                }
                rows.push(row);
            });
        }
    }
    return { rows, problems };
}

function markdownTable(rows) {
    const head = ["benchmark", "asyncrt", "unit", "peer", "peer value", "ratio"];
    const body = rows.map((r) => [r.label, r.asyncrt, r.unit, r.peer, r.peerValue, r.ratio]);
    const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
    const right = [false, true, false, false, true, true];
    const cell = (t, i) => (right[i] ? t.padStart(widths[i]) : t.padEnd(widths[i]));
    const line = (cols) => `| ${cols.map(cell).join(" | ")} |`;
    const rule = `|${widths.map((w, i) => (right[i] ? `${"-".repeat(w + 1)}:` : "-".repeat(w + 2))).join("|")}|`;
    return [line(head), rule, ...body.map(line)].join("\n") + "\n";
}

function machine() {
    let cpu = "unknown CPU";
    try {
        const m = /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync("/proc/cpuinfo", "utf8"));
        if (m) cpu = m[1].trim();
    } catch {
        if (os.cpus().length) cpu = os.cpus()[0].model;
    }
    const n = typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
    return `${n} CPUs (nproc), ${cpu}`;
}

// ---- the chart -----------------------------------------------------------

function xmlEscape(s) {
    return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

// Horizontal bars of log10(ratio) around a line at 1.0: right of it asyncrt
// is ahead, left of it behind.  Rows without a ratio show why in grey.
function svgChart(rows, subtitle) {
    const labelW = 300;
    const plotW = 520;
    const rightPad = 90;
    const rowH = 26;
    const top = 64;
    const width = labelW + plotW + rightPad;
    const height = top + Math.max(rows.length, 1) * rowH + 44;
    const logs = rows.filter((r) => r.ratioValue).map((r) => Math.abs(Math.log10(r.ratioValue)));
    // symmetric in log space so 1.0 sits in the middle; at least 0.5x..2x
    const span = Math.max(Math.log10(2), ...logs) * 1.1;
    const x = (r) => labelW + ((Math.log10(r) + span) / (2 * span)) * plotW;
    const x1 = x(1);
    const out = [];
    out.push(
        `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
            `viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="12">`,
    );
    out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
    out.push(
        `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">` +
            `asyncrt vs peer: ratio of medians (higher is better for asyncrt, log scale)</text>`,
    );
    out.push(`<text x="${width / 2}" y="40" text-anchor="middle" fill="#555">${xmlEscape(subtitle)}</text>`);
    // grid: 1-2-5 steps while a decade is wide enough for three labels,
    // else powers of ten (every other one when even those would crowd)
    const pxPerDecade = plotW / (2 * span);
    const steps = pxPerDecade >= 130 ? [1, 2, 5] : [1];
    const every = pxPerDecade >= 40 ? 1 : 2;
    const ticks = [];
    for (let e = -9; e <= 9; e++) {
        if (e % every !== 0) continue;
        for (const m of steps) {
            for (const t of [m * 10 ** e, 1 / (m * 10 ** e)]) {
                if (Math.abs(Math.log10(t)) <= span + 1e-9) ticks.push(t);
            }
        }
    }
    const plotBottom = top + Math.max(rows.length, 1) * rowH;
    for (const t of [...new Set(ticks.map((t) => Number(t.toPrecision(6))))].sort((a, b) => a - b)) {
        const tx = x(t).toFixed(1);
        out.push(`<line x1="${tx}" y1="${top - 6}" x2="${tx}" y2="${plotBottom}" stroke="#e3e3e3"/>`);
        const text = t >= 1 ? `${t}x` : `${Number(t.toPrecision(2))}x`;
        out.push(`<text x="${tx}" y="${plotBottom + 16}" text-anchor="middle" fill="#666" font-size="11">${text}</text>`);
    }
    rows.forEach((r, i) => {
        const y = top + i * rowH;
        const cy = y + rowH / 2;
        const peer = r.peer === "-" ? "" : ` vs ${r.peer}`;
        out.push(
            `<text x="${labelW - 10}" y="${cy + 4}" text-anchor="end">${xmlEscape(r.label + peer)}</text>`,
        );
        if (r.ratioValue) {
            const xr = x(r.ratioValue);
            const ahead = r.ratioValue >= 1;
            const bx = Math.min(x1, xr);
            const bw = Math.max(Math.abs(xr - x1), 1);
            out.push(
                `<rect x="${bx.toFixed(1)}" y="${y + 4}" width="${bw.toFixed(1)}" height="${rowH - 8}" ` +
                    `fill="${ahead ? "#2e9d57" : "#d1495b"}"/>`,
            );
            const tx = ahead ? xr + 6 : xr - 6;
            out.push(
                `<text x="${tx.toFixed(1)}" y="${cy + 4}" text-anchor="${ahead ? "start" : "end"}" ` +
                    `font-weight="bold">${xmlEscape(r.ratio)}</text>`,
            );
        } else {
            const why = r.asyncrt === "FAILED" || r.peerValue === "FAILED" ? "FAILED"
                : r.ratio === "mismatch" ? "unit mismatch"
                : r.peer === "-" ? "no peer" : "no ratio";
            out.push(
                `<text x="${(x1 + 6).toFixed(1)}" y="${cy + 4}" fill="${why === "FAILED" ? "#d1495b" : "#888"}" ` +
                    `font-style="italic">${why}</text>`,
            );
        }
    });
    out.push(`<line x1="${x1.toFixed(1)}" y1="${top - 6}" x2="${x1.toFixed(1)}" y2="${plotBottom}" stroke="#222" stroke-width="1.5"/>`);
    out.push(`<text x="${x1.toFixed(1)}" y="${plotBottom + 34}" text-anchor="middle" fill="#222" font-size="11">` +
        `1.0x = same as the peer; green: asyncrt ahead, red: the peer ahead</text>`);
    out.push("</svg>");
    return out.join("\n") + "\n";
}

// ---- main ----------------------------------------------------------------

async function main() {
    const opt = parseArgs(process.argv.slice(2));
    const benches = discover(opt);
    if (benches.length === 0) {
        process.stderr.write(`harness: no benchmarks in ${opt.benchDir}\n`);
        return 0;
    }
    const started = new Date();
    await runAll(benches, opt);
    const { rows, problems } = buildRows(benches);
    const table = markdownTable(rows);
    process.stdout.write(table);

    const failures = [];
    for (const b of benches) {
        for (const p of b.programs) {
            if (p.failure) failures.push(`${b.name} (${p.kind}): run ${p.failure.run}: ${p.failure.error}`);
        }
    }
    failures.push(...problems);

    const stamp = started.toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
    const filter = opt.names.length ? `, only: ${opt.names.join(" ")}` : "";
    const header =
        `Benchmarks of ${stamp} on ${machine()}; runs per program: ${opt.runs}, medians${filter}.`;
    let md = `# asyncrt benchmarks\n\n${header}\n` +
        "Ratio: asyncrt/peer for rates (higher), peer/asyncrt for times (lower): above 1.00x asyncrt is ahead.\n\n" +
        table;
    if (failures.length) md += `\nFailed:\n\n${failures.map((f) => `- ${f}`).join("\n")}\n`;
    fs.mkdirSync(opt.results, { recursive: true });
    fs.writeFileSync(path.join(opt.results, "latest.md"), md);
    fs.writeFileSync(
        path.join(opt.results, "latest.svg"),
        svgChart(rows, `${stamp}, ${machine()}, runs per program: ${opt.runs}`),
    );

    if (failures.length) {
        process.stderr.write(`\nharness: ${failures.length} failure(s):\n`);
        for (const f of failures) process.stderr.write(`  ${f}\n`);
        return 1;
    }
    const rel = path.relative(process.cwd(), opt.results);
    const where = rel && !rel.startsWith("..") ? rel : opt.results;
    process.stderr.write(`harness: wrote ${path.join(where, "latest.md")} and latest.svg\n`);
    return 0;
}

process.exitCode = await main();
