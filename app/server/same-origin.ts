/**
 * Which requests the server trusts. Two attacks matter for a server on the user's own machine:
 * - cross-site requests: a page the user visits POSTs a workflow to 127.0.0.1 — as a "simple"
 *   text/plain or form POST, which needs no CORS preflight. Browsers send Origin on those (and on
 *   every WebSocket handshake); an Origin naming another host:port is refused. Modern browsers also
 *   send Sec-Fetch-Site on every request, <img> and navigations included: anything but
 *   same-origin or none (typed by the user) is refused. Scripts and curl send neither and are let
 *   through, as ComfyUI does.
 * - DNS rebinding: evil.example resolves to 127.0.0.1, so Origin and Host agree. While bound to
 *   loopback the server therefore also requires a loopback Host header.
 */
import type { IncomingMessage } from 'node:http';

const LOOPBACK_HOSTNAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

export function isLoopbackAddress(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

export function isTrustedRequest(request: IncomingMessage, options: { loopbackOnly: boolean }): boolean {
  const host = request.headers.host;
  if (!host) return false;
  if (options.loopbackOnly && !LOOPBACK_HOSTNAMES.has(hostnameOf(host))) return false;
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

function hostnameOf(host: string): string {
  try {
    return new URL(`http://${host}`).hostname;
  } catch {
    return '';
  }
}
