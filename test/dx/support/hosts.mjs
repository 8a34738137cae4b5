// Preloaded with `node --import` by the compose replay: resolves the host names of
// TEST_HOSTS (JSON, e.g. {"sqs":"127.0.0.1"}) the way compose's network resolves service names.
import dns from 'node:dns';

const hosts = JSON.parse(process.env.TEST_HOSTS ?? '{}');
const lookup = dns.lookup;
dns.lookup = function (hostname, options, callback) {
  return lookup.call(this, Object.hasOwn(hosts, hostname) ? hosts[hostname] : hostname, options, callback);
};
