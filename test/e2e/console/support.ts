import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  type ClientConfig,
  type Credentials,
  PeerConnClient,
  PeerlinkClient,
  PeerManagerClient,
  SpaceDataClient,
  VpcClient,
} from '@peerlink/sdk';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { beforeEach } from 'vitest';
import { eventually as pollUntil } from '../../../packages/server/src/testing/enrollments.js';
import { REPO_ROOT, type ServeProcess, spawnServe } from '../support/process.js';

/**
 * The console's end-to-end tests: real `peerlink serve` processes, each with a fresh data
 * directory, and a real browser (Debian's Chromium, driven by playwright-core, which downloads no
 * browser of its own) on the console those processes serve from `packages/console/dist`.
 *
 * Each deployment gets its own browser context: the session cookie is per host, not per port, so
 * two deployments on 127.0.0.1 in one context would overwrite each other's login. The SDK clients
 * (the administrator account's AK/SK) do the setup steps a test is not about.
 */

export const CHROMIUM = process.env.PEERLINK_CHROMIUM ?? '/usr/bin/chromium';
export const CONSOLE_DIST = path.join(REPO_ROOT, 'packages/console/dist');
/** Where `shot()` writes its screenshots (in .gitignore). */
export const SHOTS_DIR = path.join(REPO_ROOT, 'test-output/console');
/** The `admin` user's password on every deployment these tests start. */
export const ADMIN_PASSWORD = 'console-e2e-admin-password';
export const VIEWPORT = { width: 1280, height: 800 };

/** Timeouts for vitest: a browser and several servers start in a hook, and flows wait on servers. */
export const HOOK_TIMEOUT = 120_000;
export const TEST_TIMEOUT = 180_000;
/** Playwright's own wait for an element or a navigation (servers exchange messages meanwhile). */
const ACTION_TIMEOUT = 30_000;

export interface Clients {
  peerlink: PeerlinkClient;
  pm: PeerManagerClient;
  spaceData: SpaceDataClient;
  vpc: VpcClient;
  peerConn: PeerConnClient;
}

export function clientsFor(endpoint: string, credentials: Credentials): Clients {
  const config: ClientConfig = { endpoint, credentials };
  return {
    peerlink: new PeerlinkClient(config),
    pm: new PeerManagerClient(config),
    spaceData: new SpaceDataClient(config),
    vpc: new VpcClient(config),
    peerConn: new PeerConnClient(config),
  };
}

/** One deployment: its `peerlink serve` process, the admin account's clients, its browser context. */
export interface ConsoleServer extends Clients {
  name: string;
  server: ServeProcess;
  endpoint: string;
  /** `http://127.0.0.1:<port>/console/` */
  consoleUrl: string;
  dataDir: string;
  admin: Credentials & { accountId: string };
  /** The `admin` user's id (space managers are principals: the console logs in as this user). */
  adminUserId: string;
  /** A browser context of its own (1280×800), with one page open. */
  context: BrowserContext;
  page: Page;
  /** Uncaught exceptions in this deployment's pages (a test may insist there are none). */
  pageErrors: Error[];
}

export interface ConsoleHarness {
  browser: Browser;
  servers: ConsoleServer[];
  /** Another context on a deployment (e.g. a second person on the same server). */
  newContext(
    server: ConsoleServer,
    options?: { viewport?: { width: number; height: number } },
  ): Promise<Page>;
  /** Closes its contexts, stops its servers, and the browser once no other harness uses it. */
  stop(): Promise<void>;
}

let sharedBrowser: Promise<Browser> | undefined;
let browserUsers = 0;

/** One Chromium for all the harnesses of a test file; closed when the last one stops. */
async function acquireBrowser(): Promise<Browser> {
  browserUsers++;
  sharedBrowser ??= chromium.launch({
    executablePath: CHROMIUM,
    // As root (CI) Chromium needs --no-sandbox. The machine's network is closed: Chromium's
    // background connections would only fail (playwright-core already turns most of them off).
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic'],
  });
  try {
    return await sharedBrowser;
  } catch (error) {
    browserUsers--;
    sharedBrowser = undefined;
    throw error;
  }
}

async function releaseBrowser(): Promise<void> {
  if (--browserUsers > 0 || !sharedBrowser) return;
  const closing = sharedBrowser;
  sharedBrowser = undefined;
  await (await closing).close();
}

function checkPrerequisites(): void {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `no Chromium at ${CHROMIUM}: install Debian's package (apt-get install chromium, as .ci/run does) or set PEERLINK_CHROMIUM`,
    );
  if (!existsSync(path.join(CONSOLE_DIST, 'index.html')))
    throw new Error(`the console is not built (${CONSOLE_DIST}): run npm run build`);
}

async function startServer(
  name: string,
  dir: string,
  configFile: string,
): Promise<Omit<ConsoleServer, 'context' | 'page' | 'pageErrors'>> {
  const dataDir = path.join(dir, `${name}-data`);
  const admin = { ak: `${name}-console-ak-01`, sk: `${name}-console-sk-01` };
  const server = await spawnServe(['--data-dir', dataDir, '--config', configFile], {
    PEERLINK_ADMIN_AK: admin.ak,
    PEERLINK_ADMIN_SK: admin.sk,
    PEERLINK_ADMIN_PASSWORD: ADMIN_PASSWORD,
  });
  const clients = clientsFor(server.endpoint, admin);
  const [{ accountId }, { users }] = await Promise.all([
    clients.peerlink.whoami(),
    clients.peerlink.listUsers(),
  ]);
  const adminUser = users.find((user) => user.username === 'admin');
  if (!adminUser) throw new Error(`[${name}] no admin user: ${JSON.stringify(users)}`);
  return {
    ...clients,
    name,
    server,
    endpoint: server.endpoint,
    consoleUrl: `${server.endpoint}/console/`,
    dataDir,
    admin: { ...admin, accountId },
    adminUserId: adminUser.userId,
  };
}

async function openContext(
  b: Browser,
  server: Pick<ConsoleServer, 'consoleUrl' | 'endpoint'>,
  pageErrors: Error[],
  viewport = VIEWPORT,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await b.newContext({ viewport, baseURL: server.consoleUrl, locale: 'en-US' });
  context.setDefaultTimeout(ACTION_TIMEOUT);
  context.on('page', (page) => page.on('pageerror', (error) => pageErrors.push(error)));
  const page = await context.newPage();
  return { context, page };
}

/**
 * Starts one `peerlink serve` per name (in parallel; fresh data directories; admin AK/SK
 * `<name>-console-ak-01`/`…-sk-01`; the `admin` user's password ADMIN_PASSWORD; short reconcile
 * and retry pauses), the shared browser, and a context per deployment.
 */
export async function startConsole(...names: string[]): Promise<ConsoleHarness> {
  checkPrerequisites();
  const dir = mkdtempSync(path.join(tmpdir(), 'peerlink-console-'));
  const configFile = path.join(dir, 'serve.json');
  writeFileSync(configFile, JSON.stringify({ reconcileIntervalMs: 100, federationRetryMaxMs: 1000 }));
  mkdirSync(SHOTS_DIR, { recursive: true });

  const launched = await acquireBrowser();
  // Each server is stopped at the end even if another failed to start.
  const pending = names.map((name) => startServer(name, dir, configFile));
  const contexts: BrowserContext[] = [];
  const servers: ConsoleServer[] = [];
  let stopped = false;
  const harness: ConsoleHarness = {
    browser: launched,
    servers,
    async newContext(server, options = {}) {
      const { context, page } = await openContext(
        harness.browser,
        server,
        server.pageErrors,
        options.viewport,
      );
      contexts.push(context);
      return page;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await Promise.allSettled(contexts.map((context) => context.close()));
      await Promise.allSettled(pending.map(async (started) => (await started).server.stop()));
      await releaseBrowser();
    },
  };
  try {
    for (const server of await Promise.all(pending)) {
      const pageErrors: Error[] = [];
      const { context, page } = await openContext(harness.browser, server, pageErrors);
      contexts.push(context);
      servers.push({ ...server, context, page, pageErrors });
    }
  } catch (error) {
    await harness.stop();
    throw error;
  }
  return harness;
}

/** Opens the console and logs in with the login form (as `admin` unless told otherwise). */
export async function login(
  page: Page,
  server: Pick<ConsoleServer, 'consoleUrl'>,
  {
    username = 'admin',
    password = ADMIN_PASSWORD,
    path: at = '',
  }: { username?: string; password?: string; path?: string } = {},
): Promise<void> {
  await page.goto(new URL(at.replace(/^\//, ''), server.consoleUrl).href);
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('button', { name: 'Log out' }).waitFor();
}

/** A full-page screenshot, `test-output/console/<name>.png`. */
export async function shot(page: Page, name: string): Promise<string> {
  const file = path.join(SHOTS_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Polls like the other end-to-end tests, with the slack that separate processes need. */
export const eventually = <T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 60_000) =>
  pollUntil(read, done, timeoutMs, 200);

/**
 * Registers, for the tests of the calling file, a screenshot of every open page of the harness
 * when a test fails (`test-output/console/failed-<test>-<n>.png`, to see what the browser showed),
 * and the pages' uncaught errors on stderr.
 */
export function screenshotsOnFailure(harness: () => ConsoleHarness | undefined): void {
  beforeEach(({ task, onTestFailed }) => {
    onTestFailed(async () => {
      if (task.fails) return; // an `it.fails` failing is what it expects
      for (const server of harness()?.servers ?? [])
        for (const error of server.pageErrors)
          console.error(`[${server.name}] uncaught in the page: ${error.stack ?? error}`);
      const pages =
        harness()
          ?.browser.contexts()
          .flatMap((context) => context.pages()) ?? [];
      const slug = task.name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .slice(0, 60);
      await Promise.allSettled(pages.map((page, index) => shot(page, `failed-${slug}-${index + 1}`)));
    });
  });
}
