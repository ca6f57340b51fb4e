import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_PASSWORD,
  type ConsoleHarness,
  type ConsoleServer,
  HOOK_TIMEOUT,
  login,
  screenshotsOnFailure,
  shot,
  startConsole,
  TEST_TIMEOUT,
} from './support.js';

/**
 * The console's frame in a real browser against `peerlink serve`: the login form (a wrong password,
 * then the right one), every navigation entry, 简体中文 and back, logout, a phone-sized viewport,
 * and the keyboard. Works whatever the screens behind the navigation show.
 */

const NAV = 'Main navigation';
/** The entries the console has had since its first slice; screens added later are visited too. */
const KNOWN_ENTRIES = ['Peer Manager', 'Network', 'Policies', 'Spaces', 'Data', 'VPC peering', 'Settings'];

/** Waits until the page has its heading and no longer says it is loading. */
async function settled(page: Page): Promise<void> {
  await page.getByRole('heading', { level: 1 }).first().waitFor();
  await page.getByText(/^(Loading…|正在加载…)$/).waitFor({ state: 'hidden' });
}

const htmlLang = (page: Page) => page.locator('html').getAttribute('lang');

describe('console shell', () => {
  let harness: ConsoleHarness;
  let server: ConsoleServer;
  let page: Page;

  beforeAll(async () => {
    harness = await startConsole('shell');
    server = harness.servers[0]!;
    page = server.page;
  }, HOOK_TIMEOUT);
  afterAll(() => harness?.stop(), HOOK_TIMEOUT);
  screenshotsOnFailure(() => harness);

  it(
    'refuses a wrong password with a message, then logs in to the Peer Manager page',
    async () => {
      await page.goto(server.consoleUrl);
      await page.getByLabel('Username').waitFor();
      await shot(page, 'shell-01-login');
      await page.getByLabel('Username').fill('admin');
      await page.getByLabel('Password').fill('not-the-password-at-all');
      await page.getByRole('button', { name: 'Log in' }).click();
      const alert = page.getByRole('alert');
      await alert.waitFor();
      expect(await alert.textContent()).toContain('Wrong username or password');
      // The password field is emptied and focused for the next try.
      expect(await page.getByLabel('Password').inputValue()).toBe('');
      await shot(page, 'shell-02-login-wrong-password');

      await page.getByLabel('Password').fill(ADMIN_PASSWORD);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByRole('button', { name: 'Log out' }).waitFor();
      expect(await page.getByRole('alert').count()).toBe(0);
      const home = page.getByRole('navigation', { name: NAV }).getByRole('link', { name: 'Peer Manager' });
      expect(await home.getAttribute('aria-current')).toBe('page');
      expect(new URL(page.url()).pathname).toBe('/console/');
      await settled(page);
      expect(await page.title()).toBe('Peer Manager · Peerlink');
      expect(await page.getByText('Signed in as admin').count()).toBe(1);
      await shot(page, 'shell-03-home');
    },
    TEST_TIMEOUT,
  );

  it(
    'goes to every navigation entry, each highlighted and titled',
    async () => {
      const links = page.getByRole('navigation', { name: NAV }).getByRole('link');
      const entries = await links.allInnerTexts();
      expect(entries).toEqual(expect.arrayContaining(KNOWN_ENTRIES));
      for (const [index, label] of entries.entries()) {
        const link = links.nth(index);
        const href = (await link.getAttribute('href'))!;
        await link.click();
        await page.waitForURL((url) => url.pathname === href);
        await settled(page);
        expect(await link.getAttribute('aria-current'), label).toBe('page');
        expect(await page.title()).toBe(`${label} · Peerlink`);
        const slug = label.toLowerCase().replace(/[^a-z0-9]+/g, '-');
        await shot(page, `shell-nav-${String(index + 1).padStart(2, '0')}-${slug}`);
      }
      // An address the console does not know, still inside the frame.
      await page.goto(new URL('no-such-screen', server.consoleUrl).href);
      await page.getByRole('heading', { name: 'Page not found' }).waitFor();
      await shot(page, 'shell-nav-not-found');
    },
    TEST_TIMEOUT,
  );

  it(
    'switches to 简体中文 and back, remembered across a reload',
    async () => {
      await page.goto(server.consoleUrl);
      await settled(page);
      expect(await htmlLang(page)).toBe('en');
      await page.getByLabel('Language').selectOption('zh-CN');
      const nav = page.getByRole('navigation', { name: '主导航' });
      await nav.getByRole('link', { name: '对等管理' }).waitFor();
      expect(await htmlLang(page)).toBe('zh-CN');
      expect(await page.getByRole('button', { name: '退出登录' }).count()).toBe(1);
      await shot(page, 'shell-04-zh-CN');

      await page.reload();
      await nav.getByRole('link', { name: '对等管理' }).waitFor();
      expect(await htmlLang(page)).toBe('zh-CN');
      await nav.getByRole('link', { name: '设置' }).click();
      await settled(page);
      expect(await page.title()).toBe('设置 · Peerlink');
      await shot(page, 'shell-05-zh-CN-settings');

      await page.getByLabel('语言').selectOption('en');
      await page.getByRole('navigation', { name: NAV }).getByRole('link', { name: 'Peer Manager' }).waitFor();
      expect(await htmlLang(page)).toBe('en');
      await page.reload();
      await page.getByRole('navigation', { name: NAV }).waitFor();
      expect(await htmlLang(page)).toBe('en');
    },
    TEST_TIMEOUT,
  );

  it(
    'reaches the navigation with Tab and follows a link with Enter',
    async () => {
      await page.goto(server.consoleUrl);
      await settled(page);
      const focusedNavLink = () =>
        page.evaluate((name) => {
          const active = document.activeElement;
          return active?.closest(`nav[aria-label="${name}"]`) ? active.textContent : null;
        }, NAV);
      let reached: string | null = null;
      for (let presses = 0; presses < 10 && reached === null; presses++) {
        await page.keyboard.press('Tab');
        reached = await focusedNavLink();
      }
      expect(reached).toBe('Peer Manager');
      await page.keyboard.press('Tab');
      expect(await focusedNavLink()).toBe('Network');
      await shot(page, 'shell-06-keyboard-focus');
      await page.keyboard.press('Enter');
      await page.waitForURL((url) => url.pathname === '/console/network');
      await settled(page);
      // The new page gets the focus, as a full page load would give it.
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    },
    TEST_TIMEOUT,
  );

  it(
    'does not scroll sideways on a 390×844 phone',
    async () => {
      const phone = await harness.newContext(server, { viewport: { width: 390, height: 844 } });
      const overflow = () =>
        phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      await phone.goto(server.consoleUrl);
      await phone.getByLabel('Username').waitFor();
      expect(await overflow()).toBeLessThanOrEqual(0);
      await shot(phone, 'shell-07-phone-login');
      await login(phone, server);
      const links = phone.getByRole('navigation', { name: NAV }).getByRole('link');
      for (const [index, label] of (await links.allInnerTexts()).entries()) {
        const href = (await links.nth(index).getAttribute('href'))!;
        await links.nth(index).click();
        await phone.waitForURL((url) => url.pathname === href);
        await settled(phone);
        expect(await phone.title()).toBe(`${label} · Peerlink`);
        expect(await overflow(), `${label} scrolls sideways`).toBeLessThanOrEqual(0);
        if (index === 0) await shot(phone, 'shell-08-phone-home');
      }
      await shot(phone, 'shell-09-phone-last');
      await phone.context().close();
    },
    TEST_TIMEOUT,
  );

  it(
    'logs out: the login page, and a reload does not bring the session back',
    async () => {
      await page.goto(new URL('settings', server.consoleUrl).href);
      await settled(page);
      await page.getByRole('button', { name: 'Log out' }).click();
      await page.getByLabel('Username').waitFor();
      await shot(page, 'shell-10-logged-out');
      await page.reload();
      await page.getByLabel('Username').waitFor();
      expect(await page.getByRole('button', { name: 'Log out' }).count()).toBe(0);
      // Logging in again on the same address continues there.
      await page.getByLabel('Username').fill('admin');
      await page.getByLabel('Password').fill(ADMIN_PASSWORD);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByRole('button', { name: 'Log out' }).waitFor();
      expect(new URL(page.url()).pathname).toBe('/console/settings');
      expect(server.pageErrors).toEqual([]);
    },
    TEST_TIMEOUT,
  );
});
