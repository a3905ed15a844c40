/** A line on every open session this often, so proxies and NATs on the way keep the connection. */
export const SESSION_KEEPALIVE_MS = 15_000;
