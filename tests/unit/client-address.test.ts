import assert from '../kit/assert.js';
import { describe, it } from '@jest/globals';
import { clientAddress } from '../../gateway/rate-limiter.js';
import { gatewayConfigFromEnv, rateLimitStoreFromEnv } from '../../gateway/config.js';

describe('the address a public request counts against', () => {
  const trusted = new Set(['127.0.0.1']);

  it('is the connection\'s address when no proxy is trusted, whatever X-Forwarded-For claims', () => {
    assert.equal(clientAddress('203.0.113.9', '198.51.100.1', new Set()), '203.0.113.9');
    assert.equal(clientAddress('203.0.113.9', '198.51.100.1', trusted), '203.0.113.9');
  });

  it('is the address a trusted proxy appended last, never one the client wrote before it', () => {
    assert.equal(clientAddress('127.0.0.1', '198.51.100.1', trusted), '198.51.100.1');
    assert.equal(clientAddress('127.0.0.1', '10.9.9.9, 198.51.100.1', trusted), '198.51.100.1');
    assert.equal(clientAddress('127.0.0.1', ['10.9.9.9', '198.51.100.2'], trusted), '198.51.100.2');
  });

  it('is the proxy\'s own address when the proxy sent no header', () => {
    assert.equal(clientAddress('127.0.0.1', undefined, trusted), '127.0.0.1');
  });

  it('refuses settings that are not addresses or Redis URLs, naming them', () => {
    assert.throws(() => gatewayConfigFromEnv([], { TRUSTED_PROXY_ADDRESSES: '127.0.0.1,haproxy' }), /TRUSTED_PROXY_ADDRESSES: "haproxy" is not an IP address/);
    assert.deepEqual(gatewayConfigFromEnv([], { TRUSTED_PROXY_ADDRESSES: '127.0.0.1, ::1', SUPERGRAPH_FILE: 'schema/supergraph.graphql' }).trustedProxies, ['127.0.0.1', '::1']);
    assert.throws(() => rateLimitStoreFromEnv({ RATE_LIMIT_REDIS_URL: 'http://127.0.0.1:6379' }), /RATE_LIMIT_REDIS_URL: "http:\/\/127.0.0.1:6379" is not valid: expected redis:\/\/host:port/);
    assert.throws(() => rateLimitStoreFromEnv({ RATE_LIMIT_REDIS_URL: 'redis://user:secret@:6379' }), (err: Error) => !err.message.includes('secret'));
    assert.equal(rateLimitStoreFromEnv({}), null);
  });
});
