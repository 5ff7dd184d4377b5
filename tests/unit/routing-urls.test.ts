import assert from '../kit/assert.js';
import { describe, it } from '@jest/globals';
import { GraphQLError } from 'graphql';
import { ConfigError } from '../../subgraphs/kit/env.js';
import { checkRoutingUrl, routingUrlPolicyFromEnv } from '../../subgraphs/registry/routing-urls.js';

/** The rule a refusal names, or null when the URL is allowed. */
function rule(name: string, url: string, env: NodeJS.ProcessEnv): string | null {
  try {
    checkRoutingUrl(name, url, routingUrlPolicyFromEnv(env));
    return null;
  } catch (err) {
    assert.ok(err instanceof GraphQLError);
    assert.equal(err.extensions.code, 'FORBIDDEN');
    assert.ok(err.message.includes(JSON.stringify(url)), 'the refusal names the URL');
    return err.extensions.rule as string;
  }
}

describe('routing URLs a department may publish', () => {
  const configured = { REGISTRY_ALLOWED_URLS: 'tax=https://tax.gov.example/graphql, tax=10.1.0.4:4001, ecology=eco.internal' };

  it('allows configured prefixes on a path boundary and configured hosts, and nothing else for that department', () => {
    assert.equal(rule('tax', 'https://tax.gov.example/graphql', configured), null);
    assert.equal(rule('tax', 'https://tax.gov.example/graphql/v2', configured), null);
    assert.equal(rule('tax', 'http://10.1.0.4:4001/graphql', configured), null);
    assert.equal(rule('ecology', 'http://eco.internal:9000/graphql', configured), null);
    assert.equal(rule('tax', 'https://tax.gov.example/graphqlx', configured), 'registry.routingUrl.allowList');
    assert.equal(rule('tax', 'https://tax.gov.example.evil.test/graphql', configured), 'registry.routingUrl.allowList');
    assert.equal(rule('tax', 'http://10.1.0.4:4002/graphql', configured), 'registry.routingUrl.allowList');
    assert.equal(rule('tax', 'http://127.0.0.1:4001/graphql', configured), 'registry.routingUrl.allowList');
    assert.equal(rule('tax', 'http://eco.internal/graphql', configured), 'registry.routingUrl.allowList');
  });

  it('refuses credentials, queries, fragments and other schemes whatever the list says', () => {
    assert.equal(rule('tax', 'https://u:p@tax.gov.example/graphql', configured), 'registry.routingUrl.form');
    assert.equal(rule('tax', 'https://tax.gov.example/graphql?x=1', configured), 'registry.routingUrl.form');
    assert.equal(rule('tax', 'https://tax.gov.example/graphql#f', configured), 'registry.routingUrl.form');
    assert.equal(rule('tax', 'ftp://tax.gov.example/graphql', configured), 'registry.routingUrl.form');
    assert.equal(rule('tax', 'not a url', configured), 'registry.routingUrl.form');
  });

  it('outside production allows an unlisted department only loopback /graphql; in production nothing', () => {
    assert.equal(rule('courts', 'http://127.0.0.1:4003/graphql', configured), null);
    assert.equal(rule('courts', 'http://localhost:4003/graphql', {}), null);
    assert.equal(rule('courts', 'http://[::1]:4003/graphql', {}), null);
    assert.equal(rule('courts', 'http://127.0.0.1:4003/admin', {}), 'registry.routingUrl.loopbackInDemo');
    assert.equal(rule('courts', 'http://169.254.169.254/graphql', {}), 'registry.routingUrl.loopbackInDemo');
    assert.equal(rule('courts', 'http://127.0.0.1:4003/graphql', { NODE_ENV: 'production' }), 'registry.routingUrl.allowList');
    assert.equal(rule('tax', 'https://tax.gov.example/graphql', { ...configured, NODE_ENV: 'production' }), null);
  });

  it('names a malformed entry of REGISTRY_ALLOWED_URLS', () => {
    assert.throws(() => routingUrlPolicyFromEnv({ REGISTRY_ALLOWED_URLS: 'tax' }), (e: unknown) => e instanceof ConfigError && /"tax" is not valid/.test(e.message));
    assert.throws(() => routingUrlPolicyFromEnv({ REGISTRY_ALLOWED_URLS: 'tax=ftp://x/' }), (e: unknown) => e instanceof ConfigError && /tax=ftp:\/\/x\/ is not http or https/.test(e.message));
    assert.throws(() => routingUrlPolicyFromEnv({ REGISTRY_ALLOWED_URLS: 'tax=http://x/?a=1' }), (e: unknown) => e instanceof ConfigError && /query/.test(e.message));
  });
});
