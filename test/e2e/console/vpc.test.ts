import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Clients,
  type ConsoleHarness,
  type ConsoleServer,
  clientsFor,
  HOOK_TIMEOUT,
  login,
  screenshotsOnFailure,
  shot,
  startConsole,
  TEST_TIMEOUT,
} from './support.js';

/**
 * A VPC peer connection across two accounts of one deployment, in the console: two people, each
 * in their own browser with their account's access key, as in docs/peer-connections.md. Account A
 * requests a connection from its VPC to B's ("Create peer connection"), B accepts it ("Accept"),
 * both see it become active, and A releases it ("Release"). The accounts and their VPCs come from
 * the SDK. Nobody reloads: each page follows what the other account does by itself.
 */

interface Person {
  name: string;
  page: Page;
  credentials: { ak: string; sk: string; accountId: string };
  clients: Clients;
  vpcId: string;
  vpcName: string;
}

async function account(server: ConsoleServer, name: string, cidr: string, page: Page): Promise<Person> {
  const created = await server.peerlink.createAccount({ name });
  const credentials = { ak: created.accessKeyId, sk: created.secretAccessKey, accountId: created.accountId };
  const clients = clientsFor(server.endpoint, credentials);
  const vpcName = `${name}-vpc`;
  const { vpcId } = await clients.vpc.createVpc({ name: vpcName, cidr, description: `${name}'s e2e VPC` });
  return { name, page, credentials, clients, vpcId, vpcName };
}

/** Logs in as the console's user, opens VPC peering and enters the account's access key there. */
async function openVpcPeering(person: Person, server: ConsoleServer): Promise<void> {
  const { page } = person;
  await login(page, server);
  await page
    .getByRole('navigation', { name: 'Main navigation' })
    .getByRole('link', { name: 'VPC peering' })
    .click();
  await page.getByRole('heading', { name: 'Use access key' }).waitFor();
  await page.getByLabel('Access key ID').fill(person.credentials.ak);
  await page.getByLabel('Secret access key').fill(person.credentials.sk);
  await page.getByRole('button', { name: 'Use access key' }).click();
  // The account bar names the key's account.
  await page.getByText(person.credentials.accountId, { exact: true }).first().waitFor();
}

/** The list's row of a connection (its id is the row's link). */
const row = (page: Page, peerConnId: string) => page.getByRole('row').filter({ hasText: peerConnId }).first();

/** The status shown on a connection's own page ("Waiting for the acceptor", "Active", …). */
const shownStatus = (page: Page) =>
  page.getByRole('region', { name: 'State and billing' }).locator('dt:text-is("Status") + dd').textContent();

/** Three of the screens' 4-second watching polls (use-live.ts). */
const FOLLOW_MS = 12_000;

describe('VPC peering in the console: a connection across two accounts', () => {
  let harness: ConsoleHarness;
  let server: ConsoleServer;
  let a: Person;
  let b: Person;

  beforeAll(async () => {
    harness = await startConsole('vpc');
    server = harness.servers[0]!;
    const pageB = await harness.newContext(server);
    [a, b] = await Promise.all([
      account(server, 'account-a', '10.1.0.0/16', server.page),
      account(server, 'account-b', '10.2.0.0/16', pageB),
    ]);
    await Promise.all([openVpcPeering(a, server), openVpcPeering(b, server)]);
  }, HOOK_TIMEOUT);
  afterAll(() => harness?.stop(), HOOK_TIMEOUT);
  screenshotsOnFailure(() => harness);

  it(
    'A requests, B accepts, both see it active, A releases it',
    async () => {
      await a.page.getByRole('heading', { name: 'No peer connections yet' }).waitFor();
      await b.page.getByRole('heading', { name: 'No peer connections yet' }).waitFor();
      await shot(a.page, 'vpc-01-a-empty');

      // A: "Create peer connection" towards B's account and VPC.
      await a.page.getByRole('link', { name: 'Create peer connection' }).click();
      await a.page.getByRole('heading', { name: 'Create peer connection', level: 1 }).waitFor();
      await a.page.getByLabel('Local VPC').selectOption(a.vpcId);
      await a.page.getByLabel('Peer account ID').fill(b.credentials.accountId);
      await a.page.getByLabel('Peer VPC').fill(b.vpcId);
      await a.page.getByLabel('Bandwidth (Mbps)').fill('100');
      await shot(a.page, 'vpc-02-a-create');
      await a.page.getByRole('button', { name: 'Create peer connection' }).click();

      // A lands on the new connection, waiting for B.
      await a.page.waitForURL(/\/console\/vpc-peering\/[^/?]+\?role=initiator$/);
      const peerConnId = decodeURIComponent(new URL(a.page.url()).pathname.split('/').pop()!);
      expect((await a.clients.peerConn.getPeerConn(peerConnId)).peerAccountId).toBe(b.credentials.accountId);
      await expect.poll(() => shownStatus(a.page), { timeout: 30_000 }).toBe('Waiting for the acceptor');
      await shot(a.page, 'vpc-03-a-waiting');

      // B, whose list was open all along, sees the request appear and accepts it.
      await row(b.page, peerConnId).waitFor({ timeout: FOLLOW_MS });
      expect(await row(b.page, peerConnId).getByRole('cell').allTextContents()).toEqual(
        expect.arrayContaining(['Waiting for the acceptor', 'Acceptor']),
      );
      await shot(b.page, 'vpc-04-b-request');
      await row(b.page, peerConnId).getByRole('link', { name: peerConnId }).click();
      await b.page.getByRole('heading', { name: 'Answer the request' }).waitFor();
      await shot(b.page, 'vpc-05-b-to-accept');
      await b.page.getByRole('button', { name: 'Accept' }).click();

      // Both pages follow the start to active by themselves.
      await expect.poll(() => shownStatus(b.page), { timeout: 60_000 }).toBe('Active');
      await expect.poll(() => shownStatus(a.page), { timeout: 60_000 }).toBe('Active');
      await shot(b.page, 'vpc-06-b-active');
      await shot(a.page, 'vpc-07-a-active');
      expect((await b.clients.peerConn.getPeerConn(peerConnId)).status).toBe('active');
      // The detail shows what the dataplane did with the link: this server's driver is none, so the
      // active connection waits, with the driver's reason.
      const dataplaneState = (page: typeof a.page) =>
        page.locator('[data-dataplane]').first().getAttribute('data-dataplane');
      await expect.poll(() => dataplaneState(a.page), { timeout: FOLLOW_MS }).toBe('pending');
      expect(await a.page.locator('[data-dataplane-reason]').textContent()).toContain(
        'dataplane driver is none',
      );

      // A releases it (and confirms).
      await a.page.getByRole('button', { name: 'Release', exact: true }).click();
      const confirm = a.page.getByRole('group', { name: `Release ${peerConnId}?` });
      await shot(a.page, 'vpc-08-a-release-confirm');
      await confirm.getByRole('button', { name: 'Release', exact: true }).click();
      await expect.poll(() => shownStatus(a.page), { timeout: 60_000 }).toBe('Released');
      expect((await a.clients.peerConn.getPeerConn(peerConnId)).status).toBe('deleted');
      // Released: no link any more.
      await expect.poll(() => dataplaneState(a.page), { timeout: FOLLOW_MS }).toBe('none');
      await shot(a.page, 'vpc-09-a-released');
      expect(server.pageErrors).toEqual([]);
    },
    TEST_TIMEOUT,
  );

  /*
   * The pages follow what the other account does while nothing is in flight too (use-live.ts,
   * `watch`): a request made while B's list is open, an acceptance while A's page shows the
   * request waiting. Each check has a plain test before it that sets up its scene, so that a
   * failing setup cannot pass for the check.
   */
  let requested = '';

  it(
    "(scene) A requests another connection while B's list is open",
    async () => {
      await b.page
        .getByRole('navigation', { name: 'Main navigation' })
        .getByRole('link', { name: 'VPC peering' })
        .click();
      await b.page.getByRole('heading', { name: 'Peer connections', level: 2 }).waitFor();
      ({ peerConnId: requested } = await a.clients.peerConn.createPeerConn({
        localVpcId: a.vpcId,
        peerVpcId: b.vpcId,
        peerRegion: 'bj',
        peerAccountId: b.credentials.accountId,
        bandwidthInMbps: 10,
        billing: { paymentTiming: 'Postpaid' },
      }));
      await expect
        .poll(async () => (await b.clients.peerConn.getPeerConn(requested)).status, { timeout: 30_000 })
        .toBe('consulting');
    },
    TEST_TIMEOUT,
  );

  it(
    "shows another account's new request on the open list without a reload",
    async () => {
      await row(b.page, requested).waitFor({ timeout: FOLLOW_MS });
    },
    TEST_TIMEOUT,
  );

  it(
    "(scene) B accepts while A's page shows the request waiting",
    async () => {
      await a.page.goto(new URL(`vpc-peering/${requested}?role=initiator`, server.consoleUrl).href);
      await expect.poll(() => shownStatus(a.page), { timeout: 30_000 }).toBe('Waiting for the acceptor');
      await b.clients.peerConn.accept(requested);
      await expect
        .poll(async () => (await a.clients.peerConn.getPeerConn(requested)).status, { timeout: 30_000 })
        .toBe('active');
    },
    TEST_TIMEOUT,
  );

  it(
    "shows the acceptance on the initiator's open page without a reload",
    async () => {
      await expect.poll(() => shownStatus(a.page), { timeout: FOLLOW_MS }).toBe('Active');
    },
    TEST_TIMEOUT,
  );
});
