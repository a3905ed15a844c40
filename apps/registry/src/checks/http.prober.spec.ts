import { probeUrl } from './http.prober';

describe('probeUrl', () => {
  it('puts the check path on the instance’s own address, https for https instances', () => {
    expect(probeUrl({ host: '10.0.0.7', port: 8080, protocol: 'http' }, '/health')).toBe('http://10.0.0.7:8080/health');
    expect(probeUrl({ host: 'api.internal', port: 8443, protocol: 'https' }, '/ready?deep=1')).toBe('https://api.internal:8443/ready?deep=1');
    expect(probeUrl({ host: '::1', port: 81, protocol: 'http' }, '/h')).toBe('http://[::1]:81/h');
  });

  it('keeps a path that looks like another host on the instance', () => {
    const url = new URL(probeUrl({ host: '10.0.0.7', port: 8080, protocol: 'http' }, '//evil.example/x'));
    expect(url.host).toBe('10.0.0.7:8080');
    expect(url.pathname).toBe('//evil.example/x');
  });
});
