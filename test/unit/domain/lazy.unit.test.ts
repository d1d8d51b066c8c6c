/** lazy() itself: test/setup-env.ts swaps it for a plain call under mutation testing, so the real one is loaded here. */
const { lazy } = jest.requireActual<typeof import('../../../lib/domain/lazy')>('../../../lib/domain/lazy');

describe('lazy', () => {
  it('builds nothing until first read, then once, and returns the same value every time', () => {
    const build = jest.fn(() => ({ built: true }));
    const value = lazy(build);
    expect(build).not.toHaveBeenCalled();
    const first = value();
    expect(first).toEqual({ built: true });
    expect(value()).toBe(first);
    expect(build).toHaveBeenCalledTimes(1);
  });

  it('keeps a value that is undefined too, without building it again', () => {
    const build = jest.fn(() => undefined);
    const value = lazy(build);
    expect(value()).toBeUndefined();
    expect(value()).toBeUndefined();
    expect(build).toHaveBeenCalledTimes(1);
  });
});
