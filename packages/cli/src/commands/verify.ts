import { ProfileError, parseDurationMs, readTargetProfile, type TargetProfile } from '@flashsale/protocol';
import { type Command, Option } from 'commander';
import { CliError, ExitCode } from '../exit-codes.js';
import { addServerFlags, serverConfigFrom } from '../flags/server-flags.js';
import type { VerifyReport } from '../verify/report.js';

const HELP_AFTER = `
Checks, for each sale the --ledger touched (or the one --sale names), querying Postgres and Redis directly (never the HTTP API):
  no-oversell         no item sold twice; sold <= SALE_SIZE
  sell-out            sold == SALE_SIZE once the sale is over or sold out and holds have lapsed
                      (with --expect-sellout; without --sale, for each sale whose demand exceeded
                      its supply within its own window: the ledger saw every item sold, by an
                      acknowledged purchase or a checkout of that sale refused sold_out)
  user-limit          no user owns more than USER_LIMIT items of the sale
  provenance          every purchase matches a persisted successful checkout (sale, user, item,
                      code), made before its hold expired
  attempts-persisted  every checkout the ledger saw answered (not 400, not 5xx) is in Postgres with
                      the same outcome, matched by the attempt id the service answered with
                      (x-attempt-id), else by request id, where a request id that is not unique
                      is a violation (ambiguous) (only with --ledger)
  acked-durable       every purchase the ledger saw acknowledged is in Postgres; none exists for a
                      request the client saw rejected; timeouts/5xx that happened are "recovered"
                      (only with --ledger)
  redis-agrees        Redis' sold set, per-user counts, purchases and holds match Postgres
  no-stuck-holds      no hold outlives its deadline by more than --grace; once every hold has
                      lapsed none remains, so available = SALE_SIZE - sold

A sale whose Redis keys are gone while the service should still keep them (until a day after its
last hold can lapse) fails redis-agrees: the service rebuilds them when it runs, so either it has
not run since the flush or --redis-key-prefix is wrong. no-stuck-holds passes then (nothing held).
Verify right after traffic stops may see purchases still in flight; those younger than --grace
(plus the 12 s the service takes to settle a purchase whose request died) are not violations.

With --ledger, the black-box checks run too, from the ledgers alone (all shards together):
  unique-codes        no code returned to two different buyers, or for two different items
  single-sale         no item purchased by two buyers, or twice under different codes
  user-limit          no buyer with more purchases than the limit
  issued-codes        every purchase used a code a checkout returned, to that buyer, for that
                      item, before its hold lapsed (when the answer said when)
  no-oversell         purchases <= sale size
  sell-out            every item sold, and sold_out said only of items a purchase was sent for
                      (only with --expect-sellout)
Requests whose answer never came (timeouts, resets, 5xx) widen the bounds and never fail a check
by themselves. --black-box runs only these, with no database: for a service that is not ours
(sale size and limit from --sale-size/--user-limit or the --profile).

Exit codes: 0 every checked invariant holds, 1 an invariant is violated, 2 could not check
(bad flag, Postgres or Redis unreachable, no such sale, unreadable or malformed ledger).`;

export function register(program: Command): void {
  const command = program
    .command('verify')
    .description('prove the invariants of a sale from Postgres, Redis and the simulator ledger')
    .addOption(
      new Option(
        '--sale <id>',
        'the sale to verify: its id, or latest (the newest that has started); default: every sale the --ledger touched, else latest',
      ),
    )
    .addOption(
      new Option('--ledger <file>', 'simulator ledger (JSONL); repeat for shard ledgers')
        .argParser((value: string, previous: string[] = []) => [...previous, value])
        .default([], 'none'),
    )
    .option(
      '--expect-sellout',
      'check sell-out: the demand exceeded the supply (without it and without --sale: of each sale the ledger saw sold out)',
      false,
    )
    .addOption(
      new Option(
        '--grace <duration>',
        'how long past its deadline a hold may linger, and a write may lag',
      ).default('5s'),
    )
    .option('--black-box', 'check from the ledgers alone, without a database (needs --ledger)', false)
    .addOption(
      new Option(
        '--sale-size <n>',
        "items in the sale, for --black-box (else the profile's; without either no-oversell and sell-out SKIP)",
      ),
    )
    .addOption(
      new Option('--user-limit <n>', "purchases per buyer, for --black-box (else the profile's, else 10)"),
    )
    .addOption(
      new Option(
        '--profile <profile>',
        "the target's dialect, for --black-box: default, contest or a JSON file",
      ).default('default'),
    )
    .option('--json', 'print the report as JSON on stdout instead of the table', false)
    .option('--junit <file>', 'also write a JUnit XML report: one test case per invariant')
    .addHelpText('after', HELP_AFTER);
  const attributes = addServerFlags(command, [
    'databaseUrl',
    'redisUrl',
    'redisClusterNodes',
    'redisKeyPrefix',
  ]);
  command.action(async (options: Record<string, unknown>) => {
    const graceMs = parseGrace(String(options.grace));
    if (options.blackBox === true) return verifyBlackBox(options, graceMs);
    const config = serverConfigFrom(options, attributes);
    const ledgerPaths = options.ledger as string[];
    const isEverySale = options.sale === undefined && ledgerPaths.length > 0;
    const sale = isEverySale ? 'ledger' : parseSale(String(options.sale ?? 'latest'));
    const isSelloutAsked = options.expectSellout === true;
    const { verifySales } = await import('../verify/verify-sales.js');
    const report = await verifySales({
      databaseUrl: config.databaseUrl,
      redisUrl: config.redisUrl,
      redisClusterNodes: config.redisClusterNodes,
      redisKeyPrefix: config.redisKeyPrefix,
      sale,
      ledgerPaths,
      // Without --sale, sell-out is expected of a sale whose demand exceeded its supply in its window.
      isSelloutExpected: () => isSelloutAsked || (isEverySale ? 'from-ledger' : false),
      graceMs,
    });

    if (options.json === true) {
      const { formatJson } = await import('../output/json.js');
      process.stdout.write(formatJson(report));
    } else {
      const { formatTable } = await import('../output/table.js');
      process.stdout.write(formatTable(report, process.stdout.columns));
    }
    if (typeof options.junit === 'string') await writeJunit(options.junit, report);

    const failedSales = report.filter((each) => each.verdict === 'fail');
    if (failedSales.length > 0) {
      const failed = failedSales.map(
        (each) =>
          `sale ${each.saleId}: invariant violated: ${[
            ...each.invariants.filter((r) => r.status === 'FAIL').map((r) => r.id),
            ...(each.blackBox?.invariants ?? [])
              .filter((r) => r.status === 'FAIL')
              .map((r) => `black-box ${r.id}`),
          ].join(', ')}`,
      );
      throw new CliError(failed.join('; '), ExitCode.invariantViolated);
    }
  });
}

/** `--black-box`: the ledgers alone, no database. */
async function verifyBlackBox(options: Record<string, unknown>, graceMs: number): Promise<void> {
  const ledgerPaths = options.ledger as string[];
  if (ledgerPaths.length === 0)
    throw new CliError('--black-box: give the ledgers to check with --ledger FILE');
  const profile = readProfile(String(options.profile));
  const saleSize =
    options.saleSize === undefined ? profile.saleSize : parseCount('--sale-size', options.saleSize);
  const userLimit =
    options.userLimit === undefined
      ? (profile.userLimit ?? 10)
      : parseCount('--user-limit', options.userLimit);
  const { verifyLedgers } = await import('../verify/black-box/run-black-box.js');
  const report = await verifyLedgers({
    ledgerPaths,
    saleSize,
    userLimit,
    firstItemId: profile.firstItemId,
    isSelloutExpected: options.expectSellout === true,
    graceMs,
    saleId: null,
    profileName: profile.name,
  });
  if (options.json === true) {
    const { formatBlackBoxJson } = await import('../output/json.js');
    process.stdout.write(formatBlackBoxJson(report));
  } else {
    const { formatBlackBoxTable } = await import('../output/table.js');
    process.stdout.write(formatBlackBoxTable(report, process.stdout.columns));
  }
  if (typeof options.junit === 'string') {
    const { formatBlackBoxJunit } = await import('../output/junit.js');
    await writeFileOrFail(String(options.junit), formatBlackBoxJunit(report));
  }
  if (report.verdict === 'fail') {
    const failed = report.invariants.filter((r) => r.status === 'FAIL').map((r) => r.id);
    throw new CliError(`black-box: invariant violated: ${failed.join(', ')}`, ExitCode.invariantViolated);
  }
}

function readProfile(text: string): TargetProfile {
  try {
    return readTargetProfile(text);
  } catch (error) {
    if (error instanceof ProfileError) throw new CliError(`--profile ${text}: ${error.message}`);
    throw error;
  }
}

function parseCount(flag: string, value: unknown): number {
  const text = String(value);
  if (!/^\d{1,15}$/.test(text) || Number(text) < 1) {
    throw new CliError(`${flag}: ${JSON.stringify(text)} is not valid; expected a whole number >= 1`);
  }
  return Number(text);
}

function parseSale(text: string): number | 'latest' {
  if (text === 'latest') return 'latest';
  if (/^\d{1,15}$/.test(text)) return Number(text);
  throw new CliError(
    `--sale: ${JSON.stringify(text)} is not valid; expected a sale id (a whole number) or latest`,
  );
}

function parseGrace(text: string): number {
  const graceMs = parseDurationMs(text);
  if (graceMs === null || graceMs > 3_600_000) {
    throw new CliError(
      `--grace: ${JSON.stringify(text)} is not valid; expected a duration up to 1h, such as 500ms, 5s, 1m`,
    );
  }
  return graceMs;
}

async function writeJunit(path: string, report: readonly VerifyReport[]): Promise<void> {
  const { formatJunit } = await import('../output/junit.js');
  await writeFileOrFail(path, formatJunit(report));
}

async function writeFileOrFail(path: string, text: string): Promise<void> {
  const { writeFile } = await import('node:fs/promises');
  try {
    await writeFile(path, text);
  } catch (error) {
    throw new CliError(
      `--junit: cannot write ${path} (${(error as Error).message})`,
      ExitCode.usageOrUnchecked,
      {
        cause: error,
      },
    );
  }
}
