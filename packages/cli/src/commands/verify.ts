import { parseDurationMs } from '@flashsale/protocol';
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
    .option('--json', 'print the report as JSON on stdout instead of the table', false)
    .option('--junit <file>', 'also write a JUnit XML report: one test case per invariant')
    .addHelpText('after', HELP_AFTER);
  const attributes = addServerFlags(command, ['databaseUrl', 'redisUrl', 'redisKeyPrefix']);
  command.action(async (options: Record<string, unknown>) => {
    const config = serverConfigFrom(options, attributes);
    const graceMs = parseGrace(String(options.grace));
    const ledgerPaths = options.ledger as string[];
    const isEverySale = options.sale === undefined && ledgerPaths.length > 0;
    const sale = isEverySale ? 'ledger' : parseSale(String(options.sale ?? 'latest'));
    const isSelloutAsked = options.expectSellout === true;
    const { verifySales } = await import('../verify/verify-sales.js');
    const report = await verifySales({
      databaseUrl: config.databaseUrl,
      redisUrl: config.redisUrl,
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
          `sale ${each.saleId}: invariant violated: ${each.invariants
            .filter((r) => r.status === 'FAIL')
            .map((r) => r.id)
            .join(', ')}`,
      );
      throw new CliError(failed.join('; '), ExitCode.invariantViolated);
    }
  });
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
  const [{ formatJunit }, { writeFile }] = await Promise.all([
    import('../output/junit.js'),
    import('node:fs/promises'),
  ]);
  try {
    await writeFile(path, formatJunit(report));
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
