import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConsoleHarness,
  type ConsoleServer,
  eventually,
  HOOK_TIMEOUT,
  login,
  screenshotsOnFailure,
  shot,
  startConsole,
  TEST_TIMEOUT,
} from './support.js';

/**
 * docs/peer-manager.md's happy path in the console, with two people in two browsers on two
 * deployments: Alpha's space manager creates a peer request and copies its invite code; Bravo's
 * enters it, reads the connection details, chooses a space, sets security and approves; Alpha sees
 * the approval arrive and activates; both see the connection active, and data created on Alpha
 * shows on Bravo. The administrators' preparation (platform titles, spaces, policies, MPX, object
 * types) is done with the SDK: it is not what this test is about.
 */

const PERSON = { name: 'Person', primaryKey: 'id', properties: { id: 'string', name: 'string' } };

interface Side {
  server: ConsoleServer;
  page: Page;
  enrollmentId: string;
  spaceId: string;
  spaceName: string;
}

async function prepare(server: ConsoleServer, title: string, spaceName: string): Promise<Side> {
  const { enrollmentId } = await server.peerlink.setPlatformTitle(title);
  // The console logs in as the `admin` user: a space manager, which administrators are not by office.
  const { spaceId } = await server.peerlink.createSpace({
    name: spaceName,
    description: `${title}'s side of the e2e peering`,
    managers: [server.adminUserId],
  });
  await server.spaceData.createObjectType(spaceId, PERSON);
  return { server, page: server.page, enrollmentId, spaceId, spaceName };
}

async function connect(a: Side, b: Side): Promise<void> {
  for (const [side, other] of [
    [a, b],
    [b, a],
  ] as const) {
    await side.server.peerlink.addIngressRule({ enrollmentId: other.enrollmentId });
    await side.server.peerlink.addEgressRule({ enrollmentId: other.enrollmentId });
  }
  const [inviteA, inviteB] = await Promise.all([
    a.server.pm.createMpxInvite({ direction: 'bidirectional' }),
    b.server.pm.createMpxInvite({ direction: 'bidirectional' }),
  ]);
  await a.server.pm.enterMpxInvite({ code: inviteB.code, name: 'Bravo' });
  await b.server.pm.enterMpxInvite({ code: inviteA.code, name: 'Alpha' });
  for (const side of [a, b])
    await eventually(
      async () => (await side.server.pm.listMpxConnections()).connections[0]?.status,
      (status) => status === 'established',
    );
}

/** The code the clipboard holds (the context may read it), else the field's own text. */
async function copiedInviteCode(page: Page): Promise<string> {
  const field = page.getByLabel('Invite code', { exact: true });
  await page.getByRole('button', { name: 'Copy invite code' }).click();
  const fromClipboard = await page
    .evaluate(() => navigator.clipboard.readText())
    .catch(() => '')
    .then((text) => text.trim());
  const fromField = (await field.inputValue()).trim();
  const code = fromClipboard || fromField;
  expect(code).toMatch(/^plreq1\./);
  if (fromClipboard) expect(fromClipboard).toBe(fromField);
  return code;
}

/** Pastes text into a field as a person would (Ctrl+V from the clipboard); types it if that fails. */
async function paste(page: Page, field: Locator, text: string): Promise<void> {
  await field.focus();
  const written = await page
    .evaluate((value) => navigator.clipboard.writeText(value).then(() => true), text)
    .catch(() => false);
  if (written) await page.keyboard.press('ControlOrMeta+V');
  if ((await field.inputValue()).trim() !== text) await field.fill(text);
}

/** The row of the connection to a platform in the Peer Manager's table. */
const connectionRow = (page: Page, remoteTitle: string) =>
  page.getByRole('row').filter({ hasText: remoteTitle }).first();

/** A row's cells, each one's text (the status is one of them: "requested", "approved", …). */
const cells = (row: Locator) => row.getByRole('cell').allTextContents();

describe('Peer Manager in the console: request, approve, activate across two deployments', () => {
  let harness: ConsoleHarness;
  let alpha: Side;
  let bravo: Side;

  beforeAll(async () => {
    harness = await startConsole('alpha', 'bravo');
    const [a, b] = harness.servers as [ConsoleServer, ConsoleServer];
    [alpha, bravo] = await Promise.all([
      prepare(a, 'Alpha platform', 'Alpha flights'),
      prepare(b, 'Bravo platform', 'Bravo flights'),
    ]);
    await connect(alpha, bravo);
    for (const { server } of [alpha, bravo])
      await server.context.grantPermissions(['clipboard-read', 'clipboard-write'], {
        origin: server.endpoint,
      });
    await Promise.all([login(alpha.page, alpha.server), login(bravo.page, bravo.server)]);
  }, HOOK_TIMEOUT);
  afterAll(() => harness?.stop(), HOOK_TIMEOUT);
  screenshotsOnFailure(() => harness);

  it(
    'goes from a peer request to an active connection that carries data, without reloading',
    async () => {
      const { page: pageA } = alpha;
      const { page: pageB } = bravo;

      // 1. Alpha: create a peer request (the action at the top right of the Peer Manager).
      await pageA.getByRole('heading', { name: 'Peer Manager', level: 1 }).waitFor();
      await pageA.getByRole('heading', { name: 'No peer connections yet' }).waitFor();
      await shot(pageA, 'pm-01-alpha-empty');
      const create = pageA.getByRole('button', { name: 'Create a peer request' });
      const box = (await create.boundingBox())!;
      expect(box.x + box.width).toBeGreaterThan(1280 * 0.8); // top right
      expect(box.y).toBeLessThan(200);
      await create.click();
      const request = pageA.getByRole('dialog', { name: 'Create a peer request' });
      await request.waitFor();
      await request.getByLabel('Local space').selectOption({ label: alpha.spaceName });
      await request.getByLabel('Remote enrollment ID').fill(bravo.enrollmentId);
      await request.getByLabel('Objects').selectOption('both');
      await shot(pageA, 'pm-02-alpha-request-dialog');
      await request.getByRole('button', { name: 'Create request' }).click();

      // 2. The invite code, copied to the clipboard to send to Bravo.
      await request.getByLabel('Invite code', { exact: true }).waitFor();
      const code = await copiedInviteCode(pageA);
      await request.getByRole('status').filter({ hasText: 'Copied' }).waitFor();
      await shot(pageA, 'pm-03-alpha-invite-code');
      await request.getByRole('button', { name: 'Done' }).click();
      await request.waitFor({ state: 'detached' });
      const rowA = connectionRow(pageA, 'Bravo platform');
      await rowA.waitFor();
      expect(await cells(rowA)).toContain('requested');
      await shot(pageA, 'pm-04-alpha-requested');

      // 3. Bravo: enter the code, read the connection details, choose the space, set security, approve.
      await pageB.getByRole('button', { name: 'Enter invite code' }).click();
      const approve = pageB.getByRole('dialog', { name: 'Enter invite code' });
      await paste(pageB, approve.getByLabel('Invite code', { exact: true }), code);
      await approve.getByRole('button', { name: 'Show connection details' }).click();
      const details = approve.getByRole('region', { name: 'Connection details' });
      await details.waitFor();
      expect(await details.textContent()).toContain('Alpha platform');
      expect(await details.textContent()).toContain(alpha.spaceName);
      await shot(pageB, 'pm-05-bravo-connection-details');
      await approve.getByLabel('Receiving space').selectOption({ label: bravo.spaceName });
      await approve
        .getByRole('group', { name: 'Set security' })
        .getByLabel('Classification')
        .selectOption('SECRET');
      await shot(pageB, 'pm-06-bravo-set-security');
      await approve.getByRole('button', { name: 'Approve request' }).click();
      await approve.getByText('Request approved').waitFor();
      await shot(pageB, 'pm-07-bravo-approved');
      await approve.getByRole('button', { name: 'Done' }).click();
      const rowB = connectionRow(pageB, 'Alpha platform');
      await rowB.waitFor();
      expect(await cells(rowB)).toEqual(expect.arrayContaining(['approved', 'SECRET']));

      // 4. Alpha sees the approval arrive, without a reload, and activates in the connection's panel.
      await expect.poll(() => cells(rowA), { timeout: 60_000 }).toContain('approved');
      await rowA.getByRole('button', { name: 'Bravo platform' }).click();
      const panel = pageA.getByRole('complementary', { name: 'Bravo platform' });
      const activate = panel.getByRole('button', { name: 'Activate' });
      await activate.waitFor();
      expect(await activate.isEnabled()).toBe(true);
      await shot(pageA, 'pm-08-alpha-panel-approved');
      await activate.click();

      // 5. Both sides show the connection active, without a reload.
      await expect.poll(() => cells(rowA), { timeout: 60_000 }).toContain('active');
      await expect.poll(() => cells(rowB), { timeout: 60_000 }).toContain('active');
      expect(await panel.getByRole('button', { name: 'Activate' }).count()).toBe(0);
      await shot(pageA, 'pm-09-alpha-active');
      await shot(pageB, 'pm-10-bravo-active');
      const [onA] = (await alpha.server.pm.listPeerConnections()).connections;
      const [onB] = (await bravo.server.pm.listPeerConnections()).connections;
      expect([onA?.status, onB?.status]).toEqual(['active', 'active']);
      expect(onB?.security.classification).toBe('SECRET');
      expect(onB?.dataTypes).toEqual({ objects: 'both' });

      // 6. An object created on Alpha arrives on Bravo: the connection's Overview counts it, and
      // Bravo's Data page lists it.
      await alpha.server.spaceData.createObject(alpha.spaceId, {
        type: 'Person',
        properties: { id: 'ada', name: 'Ada Lovelace' },
      });
      await eventually(
        async () => (await bravo.server.spaceData.listAllObjects(bravo.spaceId, { type: 'Person' })).length,
        (count) => count === 1,
      );
      await rowB.getByRole('button', { name: 'Alpha platform' }).click();
      const panelB = pageB.getByRole('complementary', { name: 'Alpha platform' });
      await panelB.getByRole('tab', { name: 'Overview' }).click();
      const importJob = panelB
        .getByRole('region', { name: 'Replication jobs' })
        .getByRole('article', { name: 'Objects: import' });
      await expect.poll(() => importJob.textContent(), { timeout: 60_000 }).toMatch(/\b1 in all\b/);
      await shot(pageB, 'pm-11-bravo-overview');

      await pageB
        .getByRole('navigation', { name: 'Main navigation' })
        .getByRole('link', { name: 'Data' })
        .click();
      await pageB.getByLabel('Space', { exact: true }).selectOption({ label: bravo.spaceName });
      await pageB.getByRole('tab', { name: 'Objects' }).click();
      await pageB.getByRole('cell', { name: 'Ada Lovelace' }).waitFor();
      await shot(pageB, 'pm-12-bravo-data');
      expect([...alpha.server.pageErrors, ...bravo.server.pageErrors]).toEqual([]);
    },
    TEST_TIMEOUT,
  );
});
