/** "10.0.0.1:50051" or "[::1]:50051" (formatEndpoint in src/net/types.ts) split into address and port. */
export function splitEndpoint(endpoint: string): { ip: string; port: number } | null {
  const colon = endpoint.lastIndexOf(':');
  if (colon <= 0) return null;
  const port = Number(endpoint.slice(colon + 1));
  let ip = endpoint.slice(0, colon);
  if (ip.startsWith('[') && ip.endsWith(']')) ip = ip.slice(1, -1);
  return Number.isInteger(port) ? { ip, port } : null;
}
