// EngineDriver: the one timer per connection. Wake-ups that find nothing due cost CPU on
// every idle connection of a server (bench/scale.bench.ts), so the driver must not make them.
import { EngineDriver, type TimedEngine } from '../../src/runtime/driver';

/** An engine with one settable deadline, counting what the driver asks of it. */
class FakeEngine implements TimedEngine {
  deadline: number | undefined;
  handled: number[] = [];
  pollTimeout(): number | undefined {
    return this.deadline;
  }
  handleTimeout(now: number): void {
    this.handled.push(now);
    if (this.deadline !== undefined && this.deadline <= now) this.deadline = undefined;
  }
}

describe('EngineDriver', () => {
  let clock = 0;
  beforeEach(() => {
    // The driver judges a fired timer in a setImmediate (after the turn's socket reads): that stays real.
    jest.useFakeTimers({ doNotFake: ['setImmediate'] });
    clock = 0;
  });
  afterEach(() => jest.useRealTimers());

  function driver(engine: FakeEngine): { d: EngineDriver; afters: () => number } {
    let afters = 0;
    const d = new EngineDriver(engine, {
      now: () => clock,
      after: () => {
        afters++;
      },
    });
    return { d, afters: () => afters };
  }

  /** Advances the clock a millisecond at a time, letting each fired timer's deferred turn run. */
  async function advance(ms: number): Promise<void> {
    for (let i = 0; i < ms; i++) {
      clock += 1;
      jest.advanceTimersByTime(1);
      await new Promise((r) => setImmediate(r));
    }
  }

  it('runs the engine once its deadline is due, after that turn', async () => {
    const engine = new FakeEngine();
    const { d, afters } = driver(engine);
    engine.deadline = 100;
    d.kick();
    await advance(99);
    expect(engine.handled).toEqual([]);
    await advance(5);
    expect(engine.handled.length).toBe(1);
    expect(engine.handled[0]).toBeGreaterThanOrEqual(100);
    expect(afters()).toBe(1);
    d.stop();
  });

  it('re-arms when the deadline moves far out (an answered consent check): no wake-up for nothing', async () => {
    const engine = new FakeEngine();
    const { d, afters } = driver(engine);
    engine.deadline = 500;
    d.kick();
    await advance(10);
    engine.deadline = 5000;
    d.kick();
    await advance(1000);
    expect(afters()).toBe(0);
    await advance(4000);
    expect(engine.handled.length).toBe(1);
    expect(afters()).toBe(1);
    d.stop();
  });

  it('keeps the armed timer when the deadline only creeps forward (SCTP T3 moved by every SACK)', async () => {
    const engine = new FakeEngine();
    const { d, afters } = driver(engine);
    engine.deadline = 200;
    d.kick();
    for (let i = 0; i < 10; i++) {
      await advance(10);
      engine.deadline = clock + 200;
      d.kick();
    }
    // The timer armed for 200 fires once, finds nothing due and re-arms for the later deadline.
    await advance(102);
    expect(engine.handled).toEqual([]);
    expect(afters()).toBe(1);
    await advance(200);
    expect(engine.handled.length).toBe(1);
    d.stop();
  });

  it('a deadline far enough away is armed to the next whole millisecond and one more, never early', async () => {
    const engine = new FakeEngine();
    const { d, afters } = driver(engine);
    engine.deadline = 100.4;
    d.kick();
    await advance(101);
    expect(afters()).toBe(0);
    await advance(1);
    expect(engine.handled).toEqual([102]);
    d.stop();
  });

  it('stop() cancels the timer', async () => {
    const engine = new FakeEngine();
    const { d, afters } = driver(engine);
    engine.deadline = 50;
    d.kick();
    d.stop();
    await advance(1000);
    expect(afters()).toBe(0);
    expect(engine.handled).toEqual([]);
  });
});
