import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer, { type Browser } from 'puppeteer-core';
import { ROOT, runCli } from '../support/run-cli';

/**
 * The upgrade page in a real browser: Debian's chromium, headless, driven by
 * puppeteer-core. CHROME_PATH names the browser, else `chromium` on the PATH
 * (.ci/run installs it). Without one the test is skipped with a message, except
 * in CI, where it fails.
 */
function findChromium(): string | undefined {
  const named = process.env.CHROME_PATH;
  if (named) return named;
  for (const name of ['chromium', 'chromium-browser']) {
    const found = spawnSync('which', [name], { encoding: 'utf8' });
    if (found.status === 0 && found.stdout.trim() !== '') return found.stdout.trim();
  }
  return undefined;
}

const CHROMIUM = findChromium();
const IN_CI = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';
const SCREENSHOTS = join(ROOT, 'reports', 'screenshots');

if (CHROMIUM === undefined && !IN_CI) {
  console.warn(
    'SKIPPED test/browser: no chromium (apt-get install -y chromium, or set CHROME_PATH); in CI this fails',
  );
}

const describeWithBrowser = CHROMIUM === undefined && !IN_CI ? describe.skip : describe;

describeWithBrowser('the upgrade page in headless Chromium', () => {
  let browser: Browser;
  const dir = mkdtempSync(join(tmpdir(), 'eua-browser-'));
  const page = join(dir, 'upgrade.html');
  let report: {
    plannedSteps: number;
    timeline: { steps: Record<string, { startedAt?: number }> };
    findings: { code: string; message: string }[];
  };

  beforeAll(async () => {
    if (CHROMIUM === undefined) {
      throw new Error(
        'no chromium in CI: .ci/run installs it (apt-get install -y chromium), or set CHROME_PATH',
      );
    }
    // One run: the page in --report-out, the same report as JSON on stdout to check the page against.
    const run = runCli(
      [
        'run',
        '--sandbox',
        '--quiet',
        '--target',
        '1.32',
        '--scenario',
        'nodegroup-regression',
        '--output',
        'json',
        '--state-dir',
        join(dir, 'state'),
        '--report-out',
        page,
      ],
      {},
      240_000,
    );
    expect(run.code).toBe(1);
    report = JSON.parse(run.stdout) as typeof report;
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      // Root in CI: Chromium's sandbox needs an unprivileged user.
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
  });

  test('shows every step, a bar for each one that ran, the failed gate in red, the findings and the rollback', async () => {
    const ran = Object.values(report.timeline.steps).filter((t) => t.startedAt !== undefined).length;

    const tab = await browser.newPage();
    const requested: string[] = [];
    tab.on('request', (r) => requested.push(r.url()));
    await tab.setViewport({ width: 1280, height: 900 });
    await tab.goto(pathToFileURL(page).href, { waitUntil: 'load' });

    // Self-contained: the page asked for nothing but itself, and runs no script.
    expect(requested).toEqual([pathToFileURL(page).href]);
    expect(await tab.$$eval('script', (s) => s.length)).toBe(0);

    expect(await tab.title()).toBe('Upgrade payments-prod 1.30 → 1.32');
    expect(await tab.$eval('[data-outcome]', (el) => el.textContent)).toBe('Rolled back');
    expect(await tab.$$eval('.step-row', (rows) => rows.length)).toBe(report.plannedSteps);
    expect(await tab.$$eval('.bar.step', (bars) => bars.length)).toBe(ran);

    // The failed gate: a visible red bar, after the control plane's bar on the time axis.
    const gate = await tab.$('.bar.step[data-step-id="gate:1.31:canary"]');
    expect(gate).not.toBeNull();
    expect(await gate?.evaluate((el) => el.getAttribute('data-status'))).toBe('failed');
    // A string: the project's TypeScript has no DOM library, the page has.
    const failedColour = await tab.evaluate(
      `getComputedStyle(document.querySelector('.bar.step[data-step-id="gate:1.31:canary"]')).backgroundColor`,
    );
    expect(failedColour).toBe('rgb(207, 34, 46)');
    const gateBox = await gate?.boundingBox();
    const cpBox = await (await tab.$('.bar.step.kind-control-plane'))?.boundingBox();
    expect(gateBox?.width).toBeGreaterThan(0);
    expect(gateBox?.x).toBeGreaterThan((cpBox?.x ?? 0) + (cpBox?.width ?? 0) - 1);

    // biome-ignore lint/performance/useDomNodeTextContent: the text as rendered is what is asserted
    const body = await tab.$eval('body', (el) => el.innerText);
    for (const f of report.findings) expect(body).toContain(f.code);
    expect(body).toContain('FAILED canary at 1.31');
    expect(await tab.$$eval('.rollback-actions tr', (rows) => rows.length)).toBe(5); // header + 4 actions
    expect(body).toContain('replace-nodegroup');

    mkdirSync(SCREENSHOTS, { recursive: true });
    const shot = join(SCREENSHOTS, 'upgrade-rolled-back.png');
    await tab.screenshot({ path: shot, fullPage: true });
    expect(existsSync(shot)).toBe(true);
  }, 60_000);
});
