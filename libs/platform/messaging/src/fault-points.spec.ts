import { faultInjectorFrom, NO_FAULTS } from './fault-points';

describe('fault points', () => {
  const kill = jest.spyOn(process, 'kill').mockImplementation(() => true);
  afterEach(() => kill.mockClear());
  afterAll(() => kill.mockRestore());

  it('do nothing unless armed', () => {
    faultInjectorFrom(undefined).hit('relay.after-publish');
    faultInjectorFrom('').hit('relay.after-publish');
    NO_FAULTS.hit('consumer.after-handle');
    expect(kill).not.toHaveBeenCalled();
  });

  it('kill the process at an armed point only', () => {
    const faults = faultInjectorFrom('consumer.after-handle=kill, something.else=log');
    faults.hit('relay.after-publish');
    expect(kill).not.toHaveBeenCalled();
    faults.hit('consumer.after-handle');
    expect(kill).toHaveBeenCalledWith(process.pid, 'SIGKILL');
  });
});
