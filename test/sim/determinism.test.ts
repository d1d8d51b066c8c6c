import { parseSimulateArgs, simulate } from '../../lib/sandbox/sim/cli';
import { Prng } from '../../lib/sandbox/sim/prng';

jest.setTimeout(300_000);

async function printed(from: number, seeds: number): Promise<string> {
  const out: string[] = [];
  await simulate(
    { seeds, from, snapshots: [], quiet: false },
    { out: (l) => out.push(l), err: () => undefined },
  );
  return `${out.join('\n')}\n`;
}

describe('same seed, same run', () => {
  it('prints the same bytes twice for seeds with crashes, kills, late and duplicate deliveries', async () => {
    // 7: a process kill and a duplicate request; 14: out-of-order and failed deliveries; 18: a lost response.
    const first = await printed(7, 12);
    const second = await printed(7, 12);
    expect(Buffer.from(second)).toEqual(Buffer.from(first));
    expect(first).toContain('seed 7 ');
    expect(first).toContain('process-kill');
  });

  it('draws the same numbers from the same seed and stream, and other numbers from another stream', () => {
    const draw = (seed: number, stream: string) => {
      const p = Prng.fork(seed, stream);
      return Array.from({ length: 8 }, () => p.nextUint32());
    };
    expect(draw(42, 'faults')).toEqual(draw(42, 'faults'));
    expect(draw(42, 'faults')).not.toEqual(draw(42, 'shape'));
    expect(draw(42, 'faults')).not.toEqual(draw(43, 'faults'));
  });
});

describe('npm run simulate arguments', () => {
  it.each([
    [[], /--seeds is required/],
    [['--seeds', '0'], /--seeds must be a whole number from 1/],
    [['--seeds', '2.5'], /--seeds must be a whole number/],
    [['--seeds', '1', '--from', '-3'], /--from/],
    [['--seeds', '1', '--strategy', 'blue_green'], /blue_green is not simulated/],
    [['--seeds', '1', '--strategy', 'canary'], /--strategy must be in_place/],
    [['--seeds', '1', '--bogus'], /Unknown option '--bogus'/],
    [['--seeds', '1', '--snapshot', '/nonexistent/x.json'], /no such file/],
    [['--seeds', '2', '--from', '4294967295'], /runs past seed 4294967295/],
  ])('%j is refused with a message saying what to fix', (argv, message) => {
    expect(() => parseSimulateArgs(argv)).toThrow(message);
    try {
      parseSimulateArgs(argv);
    } catch (error) {
      expect((error as Error).name).toBe('SimulateUsageError');
      expect((error as Error).message).not.toContain('\n');
    }
  });

  it('takes --seeds, --from, --snapshot and --strategy in_place', () => {
    expect(parseSimulateArgs(['--seeds', '3', '--from', '10', '--strategy', 'in_place', '--quiet'])).toEqual({
      seeds: 3,
      from: 10,
      snapshots: [],
      quiet: true,
    });
  });
});
