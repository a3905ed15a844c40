import { DiscoveryConfigError } from '../config/discovery-config.error';
import { logSettings } from './log-settings';

describe('logSettings (LOG_LEVEL, LOG_FORMAT)', () => {
  it('defaults to info, JSON when stdout is not a terminal and pretty when it is', () => {
    expect(logSettings({}, false)).toEqual({ level: 'info', format: 'json' });
    expect(logSettings({}, true)).toEqual({ level: 'info', format: 'pretty' });
    expect(logSettings({ LOG_LEVEL: ' ', LOG_FORMAT: '' }, false)).toEqual({ level: 'info', format: 'json' });
  });

  it('takes the variables, whatever their case, over the defaults', () => {
    expect(logSettings({ LOG_LEVEL: 'DEBUG', LOG_FORMAT: 'json' }, true)).toEqual({ level: 'debug', format: 'json' });
    expect(logSettings({ LOG_LEVEL: 'silent', LOG_FORMAT: 'Pretty' }, false)).toEqual({ level: 'silent', format: 'pretty' });
  });

  it('rejects an unknown value, naming the variable and the choices', () => {
    expect(() => logSettings({ LOG_LEVEL: 'loud' }, false)).toThrow(
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent; got "loud"',
    );
    const error = (() => {
      try {
        return logSettings({ LOG_FORMAT: 'xml' }, false);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(DiscoveryConfigError);
    expect(error).toMatchObject({ option: 'LOG_FORMAT', message: 'LOG_FORMAT must be one of json, pretty; got "xml"' });
  });
});
