// The routing rules are the registry's, declared once in its wire contract: the library applies them to
// every listing too (an older registry, `?status=all`, a custom source may still hold unroutable ones).
export { isEndpointRoutable, isRoutable } from '@nest-discovery/registry-api';
