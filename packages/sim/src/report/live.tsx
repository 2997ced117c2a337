// The live view (ink): progress toward what ends the run (items sold for --until-sellout, else
// the planned duration), target vs achieved rate, in flight, p50/p99 of the last second, outcomes
// by code, items sold. It only listens to the simulation's events; the engine knows nothing about it.
import { Box, render, Text } from 'ink';
import { useEffect, useState } from 'react';
import type { SimStart, SimTick, Simulation } from '../simulation.js';
import { progressToward } from './progress-goal.js';

const barWidth = 40;

type ViewState = Readonly<{
  start: SimStart | null;
  tick: SimTick | null;
  outcomes: Readonly<Record<string, number>>;
}>;

function LiveView({ simulation }: { simulation: Simulation }) {
  const [state, setState] = useState<ViewState>({ start: null, tick: null, outcomes: {} });
  useEffect(() => {
    const onStart = (start: SimStart) => setState((previous) => ({ ...previous, start }));
    const onTick = (tick: SimTick) =>
      setState((previous) => {
        const outcomes: Record<string, number> = { ...previous.outcomes };
        for (const [code, count] of Object.entries(tick.outcomes))
          outcomes[code] = (outcomes[code] ?? 0) + count;
        return { ...previous, tick, outcomes };
      });
    simulation.on('start', onStart);
    simulation.on('tick', onTick);
    return () => {
      simulation.off('start', onStart);
      simulation.off('tick', onTick);
    };
  }, [simulation]);
  const { start, tick, outcomes } = state;
  if (start === null) return <Text>connecting…</Text>;
  const goal = progressToward(start, tick);
  const filled = Math.round(goal.share * barWidth);
  return (
    <Box flexDirection="column">
      <Text>
        run {start.runId} {'█'.repeat(filled)}
        {'░'.repeat(barWidth - filled)} {goal.text}
        {goal.endsWhen === '' ? '' : ` (${goal.endsWhen})`}
      </Text>
      {tick !== null && (
        <>
          <Text>
            rate: target {tick.target}/s, sent {tick.sent}/s, done {tick.done}/s · in flight {tick.inFlight}{' '}
            (max {tick.totals.maxInFlight})
          </Text>
          <Text>
            last second: p50 {tick.p50Ms ?? '-'}ms, p99 {tick.p99Ms ?? '-'}ms, max {tick.maxMs ?? '-'}ms
          </Text>
          <Text
            color={tick.totals.late + tick.totals.dropped + tick.totals.errors > 0 ? 'yellow' : undefined}
          >
            late {tick.totals.late} · dropped {tick.totals.dropped} · errors {tick.totals.errors}
          </Text>
          <Text>
            outcomes:{' '}
            {Object.entries(outcomes)
              .map(([code, count]) => `${code} ${count}`)
              .join(' · ')}
          </Text>
          <Text>
            items sold: {tick.itemsSold ?? '-'} of {start.saleSize} (purchases by this run: {tick.purchases})
          </Text>
        </>
      )}
    </Box>
  );
}

/** Draws the live view until the run is done; resolves once it has let go of the terminal. */
export function renderLiveView(simulation: Simulation, output: NodeJS.WriteStream): Promise<void> {
  const instance = render(<LiveView simulation={simulation} />, {
    stdout: output,
    patchConsole: false,
    exitOnCtrlC: false,
  });
  const finish = () => instance.unmount();
  simulation.done.then(finish, finish);
  return instance.waitUntilExit().then(() => undefined);
}
