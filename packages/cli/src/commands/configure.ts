import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { DEFAULT_ENDPOINT } from '../client-options.js';
import { configFilePath, type Profile, readProfiles, writeProfile } from '../profile.js';

/** `peerlink configure`: writes a profile (endpoint, region, AK, SK), asking for what flags do not give. */
export function registerConfigureCommand(program: Command): void {
  program
    .command('configure')
    .description('save endpoint and credentials in a profile of the config file')
    .option('--profile <name>', 'profile to write', 'default')
    .option('--endpoint <url>', 'server endpoint')
    .option('--region <region>', 'region of that endpoint (informational)')
    .option('--ak <accessKeyId>', 'access key id')
    .option('--sk <secretAccessKey>', 'secret access key')
    .addHelpText(
      'after',
      '\nExamples:\n  $ peerlink configure                       # asks for each value\n  $ peerlink configure --profile gz --endpoint http://127.0.0.1:8081 --ak … --sk …\n',
    )
    .action(async (flags: Profile & { profile: string }) => {
      const file = configFilePath();
      const current = readProfiles(file)[flags.profile] ?? {};
      const answers: Profile = {};
      const fields: [keyof Profile, string, string | undefined][] = [
        ['endpoint', 'Endpoint', current.endpoint ?? DEFAULT_ENDPOINT],
        ['region', 'Region', current.region ?? 'bj'],
        ['ak', 'Access key id', current.ak],
        ['sk', 'Secret access key', current.sk],
      ];
      const missing = fields.filter(([key]) => flags[key] === undefined);
      // Ask only on a terminal; a script gives flags, and what it leaves out keeps its value.
      const ask =
        missing.length > 0 && process.stdin.isTTY
          ? createInterface({ input: process.stdin, output: process.stderr })
          : undefined;
      try {
        for (const [key, label, fallback] of fields) {
          const given = flags[key];
          if (given !== undefined) answers[key] = given;
          else if (ask) {
            const shown = key === 'sk' && fallback ? `****${fallback.slice(-4)}` : fallback;
            const typed = (await ask.question(`${label}${shown ? ` [${shown}]` : ''}: `)).trim();
            if (typed || fallback) answers[key] = typed || fallback;
          } else if (fallback !== undefined) answers[key] = fallback;
        }
      } finally {
        ask?.close();
      }
      // A profile holds AK/SK or a token (peerlink login), not both.
      if (answers.ak || answers.sk) answers.token = undefined;
      writeProfile(file, flags.profile, answers);
      process.stderr.write(`Saved profile "${flags.profile}" to ${file}\n`);
    });
}
