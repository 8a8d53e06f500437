// @medplum/core 5 reads `WebSocket.CLOSING` when it loads (its engines field asks for Node 22, where
// WebSocket is a global); Node 20 has none without a flag. The record-store never opens a socket, so
// the constants are enough. Import this module before '@medplum/core'.
const g = globalThis as { WebSocket?: unknown };
if (g.WebSocket === undefined) {
  g.WebSocket = class WebSocketUnavailable {
    static readonly CONNECTING = 0;
    static readonly OPEN = 1;
    static readonly CLOSING = 2;
    static readonly CLOSED = 3;
    constructor() {
      throw new Error('WebSocket is not available in this process');
    }
  };
}
export {};
