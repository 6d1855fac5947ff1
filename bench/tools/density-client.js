// Density load: opens N concurrent requests (one connection each), at RATE new requests per second, spread over
// worker processes of at most PER_PROCESS connections (a process may hold only 20,000 file descriptors here),
// waits for every answer or the deadline, and prints one JSON line with what happened.
// usage: node density-client.js --n N --url URL[,URL...] [--header name:value] [--rate R] [--deadline-ms D]
//        [--per-process P] [--hold-ms H]
// With --hold-ms, every request carries `x-bench-until`: the moment (epoch ms) H ms after the planned end of the
// opening, for a handler that holds each request until then: all of them wait at once even when the machine opens
// them later than planned (by up to H ms).
'use strict';
const http = require('http');
const { fork } = require('child_process');

const arg = (name, fallback) => {
  const i = process.argv.indexOf('--' + name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};

if (process.env.DENSITY_WORKER) {
  worker(JSON.parse(process.env.DENSITY_WORKER));
} else {
  main();
}

function main() {
  const n = Number(arg('n'));
  const urls = arg('url').split(',');
  const header = arg('header', '');
  const rate = Number(arg('rate', '2000'));
  const deadlineMs = Number(arg('deadline-ms', '90000'));
  const perProcess = Number(arg('per-process', '5000'));
  const holdMs = Number(arg('hold-ms', '0'));
  const processes = Math.max(1, Math.ceil(n / perProcess));
  const started = Date.now();
  const until = holdMs > 0 ? started + Math.ceil(n / rate * 1000) + holdMs : 0;
  const results = [];
  const children = [];
  let live = 0;
  for (let p = 0; p < processes; p++) {
    const count = Math.floor(n / processes) + (p < n % processes ? 1 : 0);
    const job = { count, url: urls[p % urls.length], header, rate: rate / processes, deadlineMs, start: started, until };
    const child = fork(__filename, [], { env: { ...process.env, DENSITY_WORKER: JSON.stringify(job) } });
    children.push(child);
    live++;
    // A child's summary can arrive after its 'exit' event: report once every summary is in, or once every child has
    // closed (a child that died sends none; its requests count as unanswered).
    child.on('message', (m) => { results.push(m); if (results.length === processes) report(); });
    child.on('close', () => { if (--live === 0) report(); });
  }
  // Bounded whatever happens: the workers stop at their deadline; this is the backstop.
  setTimeout(() => { for (const c of children) c.kill('SIGKILL'); }, deadlineMs + 10000).unref();

  let reported = false;
  function report() {
    if (reported) return;
    reported = true;
    const latencies = [].concat(...results.map((r) => r.latencies)).sort((a, b) => a - b);
    const pct = (q) => latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] : null;
    const sum = (key) => results.reduce((s, r) => s + r[key], 0);
    const statuses = {};
    const errors = {};
    for (const r of results) {
      for (const [k, v] of Object.entries(r.statuses)) statuses[k] = (statuses[k] || 0) + v;
      for (const [k, v] of Object.entries(r.errors)) errors[k] = (errors[k] || 0) + v;
    }
    console.log('DENSITY_JSON ' + JSON.stringify({
      n, processes, sent: sum('sent'), answered: sum('answered'), ok: statuses['200'] || 0, statuses, errors,
      unanswered: n - sum('answered'),
      error_samples: [].concat(...results.map((r) => r.samples)).slice(0, 5),
      // Upper bound of requests open at once, as the client saw them (summed over workers).
      peak_open: sum('peakOpen'),
      all_sent_ms: Math.max(...results.map((r) => r.allSentMs)),
      last_answer_ms: Math.max(...results.map((r) => r.lastAnswerMs)),
      latency_ms: { p50: pct(0.5), p99: pct(0.99), max: latencies[latencies.length - 1] ?? null },
      wall_ms: Date.now() - started,
    }));
  }
}

function worker(job) {
  const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  const [name, ...rest] = job.header ? job.header.split(':') : [];
  const headers = name ? { [name.trim()]: rest.join(':').trim() } : {};
  if (job.until) headers['x-bench-until'] = String(job.until);
  const state = { sent: 0, answered: 0, closed: 0, open: 0, peakOpen: 0, statuses: {}, errors: {}, latencies: [],
    samples: [],
    allSentMs: 0, lastAnswerMs: 0 };
  const requests = new Set();
  let finished = false;

  const finish = () => {
    if (finished) return;
    finished = true;
    for (const r of requests) r.destroy();
    process.send({ ...state }, () => process.exit(0));
  };
  // answered: an HTTP response arrived whole; every request ends once, answered or failed.
  const settle = (answered) => {
    if (answered) {
      state.answered++;
      state.lastAnswerMs = Date.now() - job.start;
    }
    state.closed++;
    state.open--;
    if (state.sent === job.count && state.closed === job.count) finish();
  };
  const one = () => {
    const t0 = Date.now();
    state.sent++;
    state.open++;
    state.peakOpen = Math.max(state.peakOpen, state.open);
    let done = false;
    const req = http.get(job.url, { agent, headers }, (res) => {
      // Keep the first few distinct error bodies: they name the cause.
      if (res.statusCode !== 200 && state.samples.length < 3) {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => { text += c; });
        res.on('end', () => {
          const line = `${res.statusCode}: ${text.trim().slice(0, 300)}`;
          if (state.samples.length < 3 && !state.samples.some((x) => x.slice(0, 60) === line.slice(0, 60))) {
            state.samples.push(line);
          }
        });
      } else {
        res.resume();
      }
      res.on('end', () => {
        if (done) return;
        done = true;
        requests.delete(req);
        const code = res.headers['x-renga-error'];
        const key = code ? `${res.statusCode} ${code}` : String(res.statusCode);
        state.statuses[key] = (state.statuses[key] || 0) + 1;
        state.latencies.push(Date.now() - t0);
        settle(true);
      });
    });
    requests.add(req);
    req.on('error', (err) => {
      if (done) return;
      done = true;
      requests.delete(req);
      state.errors[err.code || err.message] = (state.errors[err.code || err.message] || 0) + 1;
      settle(false);
    });
  };
  // Pace the opening: every 10 ms, as many as the rate says are due by now.
  const opening = Date.now();
  const timer = setInterval(() => {
    const due = Math.min(job.count, Math.floor((Date.now() - opening) * job.rate / 1000) + 1);
    while (state.sent < due) one();
    if (state.sent >= job.count) {
      clearInterval(timer);
      state.allSentMs = Date.now() - job.start;
    }
  }, 10);
  setTimeout(finish, job.deadlineMs);
}
