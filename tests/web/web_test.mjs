// The web page in a real browser: Debian's Chromium, headless, driven by playwright-core.
// Starts the API test server (fake site on loopback), checks that the page shows the site and
// the chargers, changes a charger's mode through the page (token asked once), checks that
// the gateway got the command and the page shows it, and writes a screenshot.
// With AMPGATE_BINARY, the same again against the real gateway: `ampgate demo` (the daemon on
// the built-in simulated site).
//   node web_test.mjs SERVER_BINARY OUT_DIR CHROMIUM [AMPGATE_BINARY]
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [serverBinary, outDir, browserPath = '/usr/bin/chromium', ampgateBinary] = process.argv.slice(2);
const work = mkdtempSync(join(tmpdir(), 'ampgate-web-'));
const tokenFile = join(work, 'api-token');
const servers = [];
let context = null;
let failed = false;

function check(condition, what) {
  if (!condition) throw new Error('FAILED: ' + what);
  console.log('ok: ' + what);
}

// Starts a server and resolves with its port once it prints it ("port N" from the test
// server, "API listening on 127.0.0.1:N" from ampgate demo).
function startServer(extraArgs = [], program = serverBinary, args = ['--token-file', tokenFile]) {
  return new Promise((resolve, reject) => {
    const server = spawn(program, [...args, ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
    servers.push(server);
    let out = '';
    server.stderr.on('data', () => {});  // the demo logs every period; keep the pipe drained
    server.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/^port (\d+)/m) || out.match(/API listening on 127\.0\.0\.1:(\d+)/);
      if (m) resolve(Number(m[1]));
    });
    server.on('exit', (code) => reject(new Error('test server exited early with ' + code)));
    server.on('error', reject);
  });
}

async function stopServers() {
  for (const server of servers) {
    if (server.exitCode !== null) continue;
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    await exited;
  }
}

const deadline = setTimeout(() => {
  console.error('FAILED: the browser test took over 120 s');
  process.exitCode = 1;
  for (const server of servers) server.kill('SIGKILL');
  process.exit(1);
}, 120000);

try {
  const port = await startServer();
  const base = 'http://127.0.0.1:' + port;
  const token = readFileSync(tokenFile, 'utf8').trim();

  context = await chromium.launchPersistentContext(join(work, 'profile'), {
    executablePath: browserPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
    viewport: { width: 1000, height: 1100 },
  });
  const page = context.pages()[0] || await context.newPage();
  const external = [];
  page.on('request', (r) => { if (!r.url().startsWith(base)) external.push(r.url()); });
  page.on('pageerror', (e) => { console.error('page error: ' + e.message); failed = true; });

  await page.goto(base + '/');
  await page.waitForSelector('[data-charger="garage-left"]', { timeout: 15000 });
  check(await page.locator('.charger').count() === 3, 'the page shows the three chargers');
  check((await page.textContent('#site-name')) === 'Test site', 'the page shows the site name');
  check(await page.locator('#phases .phase').count() === 3, 'the page shows three phases');
  const l1 = await page.textContent('#phases [data-phase="L1"] .value');
  check(/ \/ 24\.0 A$/.test(l1), 'L1 shows measured against the 24 A limit (' + l1 + ')');
  // After the first tick the fake exports 1.5 A on L3: that bar must be empty, not full.
  await page.waitForFunction(() => document.querySelector('#phases [data-phase="L3"] .value')?.textContent.startsWith('-1.5'),
    null, { timeout: 15000 });
  // Bar widths and the L1 value read in one go, so that a live update cannot fall in between.
  const [widths, l1Now] = await page.evaluate(() => [
    [...document.querySelectorAll('#phases .bar')].map((b) => b.firstChild.getBoundingClientRect().width /
      b.getBoundingClientRect().width),
    parseFloat(document.querySelector('#phases [data-phase="L1"] .value').textContent)]);
  check(Math.abs(widths[0] - l1Now / 24) < 0.02, 'the L1 bar is filled to measured/limit (' + widths[0].toFixed(3) + ')');
  check(widths[2] === 0, 'an exporting phase (-1.5 A) draws an empty bar');
  const left = page.locator('[data-charger="garage-left"]');
  check((await left.locator('.mode-now').textContent()) === 'fast', 'garage-left shows mode fast');
  check(/kWh/.test(await left.locator('.energy').textContent()), 'garage-left shows its session energy');
  check((await left.locator('.reason').textContent()).includes('circuit garage L2'), 'garage-left shows its reason');
  check((await page.textContent('[data-charger="drive"] .current')) === 'unreachable', 'the silent charger is unreachable');
  await page.waitForSelector('#plot svg path.series', { timeout: 15000 });
  check(await page.locator('#plot path.fuse').count() === 1, 'the plot draws the fuse line');
  check(await page.locator('#plot path.series').count() === 6, 'the plot draws three phases and three chargers');

  // A mode change: the page asks for the token, sends it, and shows the new mode.
  await left.locator('select.mode').selectOption('eco');
  await page.waitForSelector('#token-dialog[open]', { timeout: 5000 });
  await page.fill('#token-input', token);
  await page.click('#token-ok');
  await page.waitForFunction(
    () => document.querySelector('[data-charger="garage-left"] .mode-now')?.textContent === 'eco', null, { timeout: 15000 });
  check(true, 'the page shows garage-left in mode eco');
  const api = await (await fetch(base + '/api/v1/chargers/garage-left')).json();
  check(api.mode === 'eco', 'the gateway has garage-left in mode eco');
  const events = await (await fetch(base + '/api/v1/events')).json();
  check(events.some((e) => e.charger === 'garage-left' && e.message === 'mode set to eco'), 'the change is an event');

  // The token is asked once: a second change goes through without the dialog.
  const right = page.locator('[data-charger="garage-right"]');
  await right.locator('select.mode').selectOption('fast');
  await page.waitForFunction(
    () => document.querySelector('[data-charger="garage-right"] .mode-now')?.textContent === 'fast', null, { timeout: 15000 });
  check(!(await page.locator('#token-dialog[open]').count()), 'the second change did not ask for the token again');

  check(external.length === 0, 'the page loads nothing from elsewhere (' + external.join(', ') + ')');
  check(!failed, 'the page ran without script errors');
  mkdirSync(outDir, { recursive: true });
  await page.screenshot({ path: join(outDir, 'web-page.png'), fullPage: true });
  console.log('screenshot: ' + join(outDir, 'web-page.png'));

  // A gateway whose reads need the token: the page asks for it first, then goes live.
  const lockedPort = await startServer(['--reads-need-token']);
  const locked = await context.newPage();
  locked.on('pageerror', (e) => { console.error('page error: ' + e.message); failed = true; });
  await locked.goto('http://127.0.0.1:' + lockedPort + '/');
  await locked.waitForSelector('#token-dialog[open]', { timeout: 10000 });
  check(await locked.locator('.charger').count() === 0, 'a locked gateway shows nothing before the token');
  await locked.fill('#token-input', readFileSync(tokenFile, 'utf8').trim());
  await locked.click('#token-ok');
  await locked.waitForSelector('[data-charger="garage-left"]', { timeout: 15000 });
  check(await locked.locator('.charger').count() === 3, 'with the token, a locked gateway shows its chargers');
  await locked.waitForFunction(() => document.getElementById('live').textContent === 'live', null, { timeout: 15000 });
  check(true, 'the live stream runs with the token');
  check(!failed, 'the locked page ran without script errors');

  if (ampgateBinary) {
    // The real gateway on the simulator: the page shows its chargers and a mode change through
    // the page reaches the daemon.
    const demoDir = join(work, 'demo');
    mkdirSync(demoDir);
    const demoPort = await startServer([], ampgateBinary, ['demo', '--port', '0', '--duration', '300', '--dir', demoDir]);
    const demoBase = 'http://127.0.0.1:' + demoPort;
    const demo = await context.newPage();
    demo.on('pageerror', (e) => { console.error('page error: ' + e.message); failed = true; });
    await demo.goto(demoBase + '/');
    await demo.waitForSelector('.charger', { timeout: 20000 });
    const site = await (await fetch(demoBase + '/api/v1/site')).json();
    check(await demo.locator('.charger').count() === site.chargers.length, 'the demo page shows the gateway\'s ' +
      site.chargers.length + ' chargers');
    const target = site.chargers.find((c) => c.mode !== 'off');
    const card = demo.locator('[data-charger="' + target.id + '"]');
    await card.locator('select.mode').selectOption('off');
    await demo.waitForSelector('#token-dialog[open]', { timeout: 5000 });
    await demo.fill('#token-input', readFileSync(join(demoDir, 'api-token'), 'utf8').trim());
    await demo.click('#token-ok');
    await demo.waitForFunction((id) => document.querySelector('[data-charger="' + id + '"] .mode-now')?.textContent === 'off',
      target.id, { timeout: 20000 });
    const after = await (await fetch(demoBase + '/api/v1/chargers/' + target.id)).json();
    check(after.mode === 'off', 'the gateway switched ' + target.id + ' off through the page');
    await demo.screenshot({ path: join(outDir, 'web-page-demo.png'), fullPage: true });
    console.log('screenshot: ' + join(outDir, 'web-page-demo.png'));
    check(!failed, 'the demo page ran without script errors');
  }
} catch (e) {
  console.error(e.message || e);
  process.exitCode = 1;
} finally {
  if (context) await context.close().catch(() => {});
  await stopServers();
  rmSync(work, { recursive: true, force: true });
  clearTimeout(deadline);
}
