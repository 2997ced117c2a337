// The simulator's options for a run, parsed once, before anything starts, so a bad flag ends the
// run at once; the target is filled in when the service listens (its port is not known before).
import { parseSimOptions, type SimOptions } from '@flashsale/sim';
import { CliError, ExitCode } from '../exit-codes.js';
import type { Paths } from './outputs.js';
import type { RunOptions } from './run-options.js';

/** Parsed simulator options, still to be aimed at a service. */
export type UnaimedLoad = Readonly<Omit<SimOptions, 'targets'>>;

/** --target, when given, is checked here with the other flags; it is aimed at with `aimLoad`. */
export function parseLoadOptions(options: RunOptions, paths: Paths): UnaimedLoad {
  let parsed: SimOptions;
  try {
    parsed = parseSimOptions(
      {
        ...options.simFlags,
        target: options.target,
        ledger: paths.ledger,
        report: paths.report,
        // A service that is not ours: its size and limit come from --sale-size/--user-limit when
        // given (in simFlags then), else from its profile.
        ...(options.isBlackBox
          ? {}
          : { saleSize: String(options.server.saleSize), userLimit: String(options.server.userLimit) }),
      },
      {
        isTty: options.output.isTTY === true,
        env: process.env,
      },
    );
  } catch (error) {
    throw new CliError((error as Error).message, ExitCode.usageOrUnchecked, { cause: error });
  }
  if (parsed.targets.length > 1) {
    throw new CliError(
      '--target: run loads one service; give one URL (simulate --target takes several)',
      ExitCode.usageOrUnchecked,
    );
  }
  const { targets: _unaimed, ...unaimed } = parsed;
  return Object.freeze(unaimed);
}

/** The options of a load against `target` (an origin, as the service's `listening` line gives it). */
export function aimLoad(load: UnaimedLoad, target: string): SimOptions {
  return Object.freeze({ ...load, targets: [new URL(target).origin] });
}
