import type { RunningServer } from '@peerlink/server';

/**
 * What `peerlink serve` tells the operator about the administrator on the first start. Generated
 * secrets are shown once, since nothing else knows them; configured ones are only acknowledged:
 * the operator has them already, and stderr often ends up in logs that others read.
 */
export function firstStartBanner(
  server: Pick<
    RunningServer,
    'createdAdmin' | 'configuredAdmin' | 'createdAdminUser' | 'configuredAdminUser'
  >,
): string {
  const lines: string[] = [];
  if (server.createdAdmin) {
    const { accountId, accessKeyId, secretAccessKey } = server.createdAdmin;
    lines.push(
      'Peerlink created its administrator account on first start.',
      'Save these credentials now: the secret access key is not shown again.',
      `  account id:        ${accountId}`,
      `  access key id:     ${accessKeyId}`,
      `  secret access key: ${secretAccessKey}`,
    );
  } else if (server.configuredAdmin) {
    const { accountId, accessKeyId } = server.configuredAdmin;
    lines.push(
      'Peerlink created its administrator account on first start with the configured key (PEERLINK_ADMIN_AK / PEERLINK_ADMIN_SK, or the config file); its secret is not printed.',
      `  account id:        ${accountId}`,
      `  access key id:     ${accessKeyId}`,
    );
  }
  if (server.createdAdminUser) {
    const { username, password } = server.createdAdminUser;
    lines.push(
      'Peerlink created its administrator user on first start (console and "peerlink login").',
      `  username: ${username}   password: ${password}   (not shown again)`,
    );
  } else if (server.configuredAdminUser) {
    lines.push(
      'Peerlink created its administrator user on first start (console and "peerlink login").',
      `  username: ${server.configuredAdminUser.username}   password: as configured (PEERLINK_ADMIN_PASSWORD or adminPassword)`,
    );
  }
  return lines.length === 0 ? '' : ['', ...lines, ''].join('\n');
}
