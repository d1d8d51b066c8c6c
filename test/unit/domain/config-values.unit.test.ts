import { InvalidConfigError, parseAgentConfig } from '../../../lib/domain/config';

/** Every value a key accepts, given explicitly (a default alone never proves the value is accepted). */
describe('parseAgentConfig, explicit values', () => {
  it.each(['NONE', 'OVERWRITE', 'PRESERVE'])('execution.addonResolveConflicts %s', (value) => {
    expect(
      parseAgentConfig({ execution: { addonResolveConflicts: value } }).execution.addonResolveConflicts,
    ).toBe(value);
  });

  it.each(['none', 'required'])('approval.mode %s', (mode) => {
    expect(parseAgentConfig({ approval: { mode } }).approval.mode).toBe(mode);
  });

  it('validation.metrics of type none, given explicitly', () => {
    expect(parseAgentConfig({ validation: { metrics: { type: 'none' } } }).validation.metrics).toEqual({
      type: 'none',
    });
  });

  it('blue/green weights with spaces around them as SSM may hold them', () => {
    expect(parseAgentConfig({ blueGreen: { weights: ' 10 , 25,100 ' } }).blueGreen.weights).toEqual([
      10, 25, 100,
    ]);
  });

  it('a bad maintenance window is refused at its key, with the reason the window parser gives', () => {
    let error: unknown;
    try {
      parseAgentConfig({ maintenanceWindow: { hours: '02:00-06:00', timeZone: 'Mars/Olympus' } });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidConfigError);
    expect((error as Error).message).toMatch(/maintenanceWindow\.timeZone: .*Mars\/Olympus/);
  });
});
